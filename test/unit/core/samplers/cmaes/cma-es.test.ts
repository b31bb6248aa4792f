/** The CMA-ES core on the unit cube: eigen-decomposition, step-size and covariance learning, restarts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../../../src/core/random/rng';
import { type CmaState, initialState, sampleCandidate, shouldRestart, updateState } from '../../../../../src/core/samplers/cmaes/cma-es';
import { marginScale, standardNormalQuantile } from '../../../../../src/core/samplers/cmaes/integer-margin';
import { symmetricEigen } from '../../../../../src/core/samplers/cmaes/symmetric-eigen';

const continuous = () => null;

function generations(state: CmaState, f: (x: Float64Array) => number, count: number, seed: number): CmaState {
  const rng = new Rng(seed);
  let s = state;
  for (let g = 0; g < count; g++) {
    const solutions = Array.from({ length: s.params.lambda }, () => {
      const x = sampleCandidate(s, rng);
      return { x, value: f(x) };
    });
    s = updateState(s, solutions, continuous);
  }
  return s;
}

test('Jacobi eigen-decomposition reconstructs a symmetric matrix', () => {
  const m = Float64Array.from([4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 1]);
  const { values, vectors } = symmetricEigen(m, 3);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let r = 0;
      for (let k = 0; k < 3; k++) r += (vectors[i * 3 + k] as number) * (values[k] as number) * (vectors[j * 3 + k] as number);
      assert.ok(Math.abs(r - (m[i * 3 + j] as number)) < 1e-12, `entry ${i},${j}`);
    }
  }
});

test('on an ill-conditioned ellipsoid the mean converges and the covariance learns the axes', () => {
  const target = [0.3, 0.7, 0.55];
  const scales = [1, 100, 10000];
  const f = (x: Float64Array) => target.reduce((s, t, i) => s + (scales[i] as number) * ((x[i] as number) - t) ** 2, 0);
  const end = generations(initialState(new Float64Array(3).fill(0.5), 1 / 6, 7, 0, continuous), f, 200, 1);
  target.forEach((t, i) => assert.ok(Math.abs((end.mean[i] as number) - t) < 1e-4, `coordinate ${i}: ${end.mean[i]} vs ${t}`));
  // Spread along each axis shrinks as 1/sqrt(scale): the learnt C follows the inverse Hessian.
  assert.ok((end.C[0] as number) > 50 * (end.C[8] as number), `C diag ${end.C[0]} ${end.C[4]} ${end.C[8]}`);
});

test('candidates never leave the unit cube, even with a huge step size', () => {
  const state = initialState(Float64Array.from([0.01, 0.99]), 5, 6, 0, continuous);
  const rng = new Rng(3);
  for (let i = 0; i < 500; i++) for (const v of sampleCandidate(state, rng)) assert.ok(v >= 0 && v <= 1, `${v}`);
});

test('a flat objective triggers a restart (TolFun), a sloped one does not', () => {
  const flat = generations(initialState(new Float64Array(2).fill(0.5), 1 / 6, 6, 0, continuous), () => 1, 40, 2);
  assert.equal(shouldRestart(flat, [1, 1, 1, 1, 1, 1], 1 / 6), true);
  const sloped = generations(initialState(new Float64Array(2).fill(0.5), 1 / 6, 6, 0, continuous), (x) => (x[0] as number) + (x[1] as number), 10, 2);
  assert.equal(shouldRestart(sloped, [0.5, 0.6], 1 / 6), false);
});

test('the margin keeps a chance alpha of leaving an integer cell once the step size has collapsed', () => {
  // One integer of 5 values: cells of width 0.2; the mean sits mid-cell, sigma is tiny.
  const cellOf = (_d: number, u: number) => {
    const k = Math.min(4, Math.floor(u * 5));
    return [k / 5, (k + 1) / 5] as const;
  };
  const alpha = 0.05;
  const scale = marginScale(Float64Array.from([0.5]), 1e-4, Float64Array.from([1]), cellOf, alpha);
  const spread = 1e-4 * (scale[0] as number);
  // P(x > 0.6) for x ~ N(0.5, spread^2) equals alpha.
  assert.ok(Math.abs(0.1 / spread - standardNormalQuantile(1 - alpha)) < 1e-9);
  assert.equal(marginScale(Float64Array.from([0.5]), 1, Float64Array.from([1]), cellOf, alpha)[0], 1, 'a wide spread is left alone');
  assert.equal(marginScale(Float64Array.from([0.5]), 1e-4, Float64Array.from([1]), () => null, alpha)[0], 1, 'continuous coordinates are left alone');
});
