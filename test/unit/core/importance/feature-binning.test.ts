import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_NUMERIC_BINS, binFeature } from '../../../../src/core/importance/feature-binning';

const close = (actual: ArrayLike<number>, expected: readonly number[]): void => {
  assert.equal(actual.length, expected.length, `${Array.from(actual)} vs ${expected}`);
  expected.forEach((e, i) => assert.ok(Math.abs((actual[i] as number) - e) < 1e-9, `bin ${i}: ${Array.from(actual)} vs ${expected}`));
};

test('a log range is binned in log space: each decade weighs the same', () => {
  // Range 1e-5..1e-1 (4 decades); values at 1e-4, 1e-3, 1e-2 cut it at 10^-3.5 and 10^-2.5.
  const f = binFeature('lr', { type: 'float', low: 1e-5, high: 1e-1, log: true, step: null }, [1e-4, 1e-3, 1e-2, undefined]);
  assert.equal(f.kind, 'ordered');
  assert.deepEqual(Array.from(f.codes), [1, 2, 3, 0]);
  close(f.measure, [0, 1.5 / 4, 1 / 4, 1.5 / 4]);
  assert.equal(f.activeFraction, 0.75);
});

test('int ranges widen by half a step so end values weigh as much as inner ones', () => {
  const f = binFeature('layers', { type: 'int', low: 1, high: 4, log: false, step: 1 }, [1, 2, 3, 4, 4]);
  assert.deepEqual(Array.from(f.codes), [1, 2, 3, 4, 4]);
  close(f.measure, [0, 0.25, 0.25, 0.25, 0.25]);
});

test('categoricals get a bin per choice, uniformly weighted; unknown values count as absent', () => {
  const f = binFeature('opt', { type: 'categorical', choices: ['sgd', 'adam', { lr: 1 }] }, ['adam', { lr: 1 }, 'nadam', undefined]);
  assert.equal(f.kind, 'categorical');
  assert.deepEqual(Array.from(f.codes), [2, 3, 0, 0]);
  close(f.measure, [0, 1 / 3, 1 / 3, 1 / 3]);
  assert.equal(f.activeFraction, 0.5);
});

test('many distinct values are cut at quantiles into a bounded number of bins', () => {
  const values = Array.from({ length: 1000 }, (_, i) => i / 999);
  const f = binFeature('x', { type: 'float', low: 0, high: 1, log: false, step: null }, values);
  assert.equal(f.bins, MAX_NUMERIC_BINS + 1);
  const perBin = new Map<number, number>();
  for (const c of f.codes) perBin.set(c, (perBin.get(c) ?? 0) + 1);
  assert.ok([...perBin.values()].every((k) => Math.abs(k - 1000 / MAX_NUMERIC_BINS) <= 2), JSON.stringify([...perBin]));
  assert.ok(Math.abs(Array.from(f.measure).reduce((a, b) => a + b, 0) - 1) < 1e-9);
});
