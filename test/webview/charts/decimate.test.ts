import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lttb } from '../../../webview/charts/decimate';

const series = (n: number, f: (i: number) => number): [number, number][] => Array.from({ length: n }, (_, i) => [i, f(i)]);

test('keeps short series as they are', () => {
  assert.deepEqual(lttb([[0, 1], [1, 2]], 10), [{ x: 0, y: 1 }, { x: 1, y: 2 }]);
  assert.deepEqual(lttb([], 10), []);
});

test('reduces to the threshold, keeping the first and last points in order', () => {
  const out = lttb(series(1000, (i) => Math.exp(-i / 200)), 100);
  assert.equal(out.length, 100);
  assert.deepEqual(out[0], { x: 0, y: 1 });
  assert.equal(out[99]?.x, 999);
  for (let i = 1; i < out.length; i++) assert.ok((out[i]?.x as number) > (out[i - 1]?.x as number));
});

test('keeps a spike that uniform sampling would miss', () => {
  const data = series(1000, (i) => (i === 503 ? 50 : 1));
  const out = lttb(data, 50);
  assert.ok(out.some((p) => p.x === 503 && p.y === 50));
  const every20th = data.filter((_, i) => i % 20 === 0);
  assert.ok(!every20th.some(([, y]) => y === 50), 'the check above is meaningful');
});
