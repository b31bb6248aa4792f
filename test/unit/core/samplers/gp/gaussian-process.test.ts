/**
 * The GP's analytic gradients against central finite differences (a wrong gradient silently
 * ruins both the hyperparameter fit and the acquisition search), and the fit's behaviour on
 * data whose relevant dimensions are known.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../../../src/core/random/rng';
import { GaussianProcess, type GpInputs, fitKernelParams, logMarginalLikelihood, negativeLogPosterior } from '../../../../../src/core/samplers/gp/gaussian-process';
import type { KernelParams } from '../../../../../src/core/samplers/gp/kernel-params';
import { matern52, matern52Derivative } from '../../../../../src/core/samplers/gp/matern52';
import { defaultLogPrior } from '../../../../../src/core/samplers/gp/prior';

function randomInputs(n: number, d: number, categorical: readonly number[], seed: number): GpInputs {
  const rng = new Rng(seed);
  const isCategorical = new Uint8Array(d);
  for (const c of categorical) isCategorical[c] = 1;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) x[i * d + c] = isCategorical[c] ? rng.int(3) : rng.random();
  return { x, n, d, isCategorical };
}

function relClose(actual: number, expected: number, tol: number, what: string): void {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol * scale, `${what}: analytic ${actual} vs numeric ${expected}`);
}

test('matern52 is 1 at distance 0 and its d2-derivative matches finite differences', () => {
  assert.equal(matern52(0), 1);
  for (const d2 of [1e-4, 0.01, 0.3, 1, 4, 25]) {
    const h = 1e-6 * Math.max(d2, 1e-3);
    relClose(matern52Derivative(d2), (matern52(d2 + h) - matern52(d2 - h)) / (2 * h), 1e-6, `d2=${d2}`);
  }
  assert.ok(Number.isFinite(matern52Derivative(0)) && matern52Derivative(0) === -5 / 6, 'finite slope at r = 0');
});

test('the gradient of the negative log posterior matches finite differences, with a categorical dimension and with noise', () => {
  const inputs = randomInputs(25, 4, [2], 1);
  const rng = new Rng(2);
  const y = new Float64Array(25).map((_, i) => Math.sin(6 * (inputs.x[i * 4] as number)) + (inputs.x[i * 4 + 2] as number) * 0.5 + 0.1 * rng.normal());
  for (const deterministic of [false, true]) {
    const raw = Float64Array.from(deterministic ? [0.3, -0.5, 0.2, 1.1, -0.2] : [0.3, -0.5, 0.2, 1.1, -0.2, -3]);
    const grad = new Float64Array(raw.length);
    const f0 = negativeLogPosterior(inputs, y, raw, grad, 1e-6, deterministic);
    assert.ok(Number.isFinite(f0));
    for (let j = 0; j < raw.length; j++) {
      const h = 1e-5;
      const plus = new Float64Array(raw);
      const minus = new Float64Array(raw);
      plus[j] = (plus[j] as number) + h;
      minus[j] = (minus[j] as number) - h;
      const scratch = new Float64Array(raw.length);
      const numeric = (negativeLogPosterior(inputs, y, plus, scratch, 1e-6, deterministic) - negativeLogPosterior(inputs, y, minus, scratch, 1e-6, deterministic)) / (2 * h);
      relClose(grad[j] as number, numeric, 1e-5, `deterministic=${deterministic} d/draw[${j}]`);
    }
  }
});

test('the negative log posterior equals -(log marginal likelihood + log prior)', () => {
  const inputs = randomInputs(12, 2, [], 3);
  const y = new Float64Array(12).map((_, i) => (inputs.x[i * 2] as number) ** 2);
  const params: KernelParams = { inverseSquaredLengthscales: Float64Array.from([2, 0.5]), kernelScale: 1.5, noiseVar: 0.01 + 1e-6 };
  const raw = Float64Array.from([Math.log(2), Math.log(0.5), Math.log(1.5), Math.log(0.01)]);
  const value = negativeLogPosterior(inputs, y, raw, new Float64Array(4), 1e-6, false);
  relClose(value, -(logMarginalLikelihood(inputs, y, params) + defaultLogPrior(params)), 1e-10, 'value');
});

test('the posterior gradients match finite differences', () => {
  const inputs = randomInputs(30, 3, [1], 4);
  const y = new Float64Array(30).map((_, i) => Math.cos(5 * (inputs.x[i * 3] as number)) - (inputs.x[i * 3 + 2] as number));
  const gp = GaussianProcess.fit(inputs, y, { inverseSquaredLengthscales: Float64Array.from([3, 1, 0.7]), kernelScale: 1.2, noiseVar: 1e-4 });
  const p = Float64Array.from([0.37, 1, 0.61]);
  const dMean = new Float64Array(3);
  const dVar = new Float64Array(3);
  const at = gp.predictWithGradient(p, dMean, dVar);
  const plain = gp.predict(p);
  relClose(at.mean, plain.mean, 1e-12, 'mean agrees with predict()');
  relClose(at.variance, plain.variance, 1e-12, 'variance agrees with predict()');
  for (const c of [0, 2]) {
    const h = 1e-6;
    const plus = new Float64Array(p);
    const minus = new Float64Array(p);
    plus[c] = (plus[c] as number) + h;
    minus[c] = (minus[c] as number) - h;
    relClose(dMean[c] as number, (gp.predict(plus).mean - gp.predict(minus).mean) / (2 * h), 1e-5, `dMean[${c}]`);
    relClose(dVar[c] as number, (gp.predict(plus).variance - gp.predict(minus).variance) / (2 * h), 1e-5, `dVar[${c}]`);
  }
  assert.equal(dMean[1], 0, 'a categorical coordinate has no gradient');
});

test('the fit finds the relevant dimension: a long length scale (small lambda) on a dimension the data ignores', () => {
  const inputs = randomInputs(40, 3, [], 5);
  const y = new Float64Array(40).map((_, i) => Math.sin(8 * (inputs.x[i * 3] as number)));
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length);
  const ys = y.map((v) => (v - mean) / sd);
  const params = fitKernelParams(inputs, ys, { deterministic: true });
  const lambda = params.inverseSquaredLengthscales;
  assert.ok((lambda[0] as number) > 10 * (lambda[1] as number) && (lambda[0] as number) > 10 * (lambda[2] as number), `lambda = ${[...lambda].map((v) => v.toFixed(3)).join(', ')}`);
  // The fitted model interpolates the training data it was fitted to.
  const gp = GaussianProcess.fit(inputs, ys, params);
  const p = inputs.x.subarray(0, 3);
  assert.ok(Math.abs(gp.predict(Float64Array.from(p)).mean - (ys[0] as number)) < 1e-2);
});
