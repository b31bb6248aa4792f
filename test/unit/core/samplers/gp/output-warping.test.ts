import assert from 'node:assert/strict';
import { test } from 'node:test';
import { standardize, warpObjective } from '../../../../../src/core/samplers/gp/output-warping';

const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
const sd = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + (v - mean(a)) ** 2, 0) / a.length);

test('warped values are standardised and keep the order of the objective', () => {
  const values = [3, 1e6, 0.5, 120, 7, 4e4, 2, 0.1];
  const w = warpObjective(values);
  assert.ok(Math.abs(mean(w)) < 1e-12 && Math.abs(sd(w) - 1) < 1e-12);
  for (let i = 0; i < values.length; i++) {
    for (let j = 0; j < values.length; j++) {
      if ((values[i] as number) < (values[j] as number)) assert.ok((w[i] as number) < (w[j] as number), `order kept for ${values[i]} < ${values[j]}`);
    }
  }
});

test('a heavy tail is compressed: the best values are no longer squashed together by one huge value', () => {
  const values = [0.1, 0.2, 0.4, 0.8, 1.6, 1e6];
  const plain = standardize(values);
  const warped = warpObjective(values);
  const spread = (a: Float64Array) => (a[4] as number) - (a[0] as number);
  assert.ok(spread(warped) > 10 * spread(plain), `spread of the good values: warped ${spread(warped)} vs plain ${spread(plain)}`);
});

test('Gaussian-looking values are left nearly linear', () => {
  const values = Array.from({ length: 50 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
  const plain = standardize(values);
  const warped = warpObjective(values);
  let corr = 0;
  for (let i = 0; i < 50; i++) corr += (plain[i] as number) * (warped[i] as number);
  assert.ok(corr / 50 > 0.97, `correlation ${corr / 50}`);
});

test('a constant objective maps to zeros, never NaN', () => {
  assert.deepEqual([...warpObjective([2, 2, 2])], [0, 0, 0]);
});

test('values bunched near the worst (a plateau with a few good trials) are spread apart, not squashed', () => {
  // Ackley-like: most random trials score 20-22, a few good ones far below.
  const values = [21.5, 21.9, 20.8, 21.2, 21.7, 20.3, 21.95, 21.4, 12, 8, 21.1, 20.9, 21.8];
  const plateau = [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12];
  const range = (a: Float64Array) => Math.max(...plateau.map((i) => a[i] as number)) - Math.min(...plateau.map((i) => a[i] as number));
  const warped = warpObjective(values);
  const plain = standardize(values);
  assert.ok(range(warped) > 1.2 * range(plain), `plateau spread: warped ${range(warped)} vs plain ${range(plain)}`);
});
