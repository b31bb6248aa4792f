import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundHalfToEven } from '../../../../src/compress/tensor/round-half-to-even';

test('ties go to the even neighbour, everything else to the nearest integer', () => {
  const cases: [number, number][] = [
    [0.5, 0], [1.5, 2], [2.5, 2], [-0.5, 0], [-1.5, -2], [-2.5, -2], [126.5, 126], [127.5, 128],
    [0.49999999999999994, 0], [2.5000000000000004, 3], [-3.7, -4], [3.2, 3], [0, 0], [2 ** 52 + 2, 2 ** 52 + 2], [1e300, 1e300],
  ];
  for (const [x, want] of cases) assert.equal(roundHalfToEven(x), want, String(x));
  assert.ok(Number.isNaN(roundHalfToEven(NaN)));
  assert.equal(roundHalfToEven(-Infinity), -Infinity);
});

test('agrees with a plain floor-based definition on many random values', () => {
  let s = 3;
  for (let i = 0; i < 100000; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const x = (s / 2 ** 32 - 0.5) * 2 ** ((i % 40) - 5);
    const half = (i % 7 === 0 ? Math.round(x) + 0.5 : x);
    const floor = Math.floor(half);
    const diff = half - floor;
    const want = diff < 0.5 ? floor : diff > 0.5 ? floor + 1 : floor % 2 === 0 ? floor : floor + 1;
    assert.equal(roundHalfToEven(half), want + 0, String(half));
  }
});
