/**
 * The math under TPE, checked against SciPy 1.17 (math.erf / scipy.special.log_ndtr /
 * scipy.stats.truncnorm): if these drift, TPE silently ranks candidates wrongly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../../src/core/random/rng';
import { erf, erfc } from '../../../../src/core/samplers/erf';
import { logNdtr, sampleTruncatedNormal, truncatedNormalLogPdf, truncatedStandardPpf } from '../../../../src/core/samplers/truncated-normal';

function close(actual: number, expected: number, relative: number, what: string): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  assert.ok(Math.abs(actual - expected) <= relative * scale, `${what}: got ${actual}, expected ${expected}`);
}

test('erf and erfc match the C library, erfc far into the tail', () => {
  const erfRef: [number, number][] = [[-3, -0.9999779095030014], [-1, -0.8427007929497149], [-0.5, -0.5204998778130465], [0.1, 0.1124629160182849], [0.9, 0.7969082124228322], [1.3, 0.9340079449406524], [2.5, 0.999593047982555], [5, 0.9999999999984626]];
  for (const [x, y] of erfRef) close(erf(x), y, 1e-15, `erf(${x})`);
  const erfcRef: [number, number][] = [[-3, 1.9999779095030015], [-1, 1.842700792949715], [0.1, 0.8875370839817152], [0.5, 0.4795001221869535], [0.9, 0.20309178757716786], [1.3, 0.06599205505934755], [2.5, 0.0004069520174449589], [5, 1.5374597944280351e-12], [10, 2.088487583762545e-45], [20, 5.3958656116079005e-176], [26, 5.663192408856143e-296]];
  for (const [x, y] of erfcRef) close(erfc(x), y, 1e-13, `erfc(${x})`);
});

test('logNdtr stays accurate where the normal CDF underflows', () => {
  const ref: [number, number][] = [[-100, -5005.524208694205], [-40, -804.6084420137539], [-30, -454.32124395634327], [-10, -53.23128515051248], [-3, -6.60772622151035], [-1, -1.8410216450092634], [0, -0.6931471805599453], [1, -0.1727537790234499], [4, -3.1671743377489206e-5], [8, -6.220960574271742e-16]];
  for (const [x, y] of ref) close(logNdtr(x), y, 1e-12, `logNdtr(${x})`);
});

test('truncated normal log density includes the scale (optuna#5109) and matches scipy.stats.truncnorm', () => {
  const ref: [number, number, number, number, number, number][] = [
    [0.5, 0, 1, -1, 2, -0.84377223888021],
    [0.1, 0.3, 0.05, 0, 1, -5.923206258664093],
    [9.9, 0, 1, 9, 10, -6.295721900923851],
    [-5, 3, 0.5, -10, 10, -128.22579135264473],
  ];
  for (const [x, mu, sigma, low, high, y] of ref) close(truncatedNormalLogPdf(x, mu, sigma, low, high), y, 1e-12, `logpdf(${x}; ${mu}, ${sigma}, [${low}, ${high}])`);
  assert.equal(truncatedNormalLogPdf(2.5, 0, 1, -1, 2), -Infinity, 'no density outside the bounds');
});

test('the truncated quantile function matches scipy, even for an interval 30 sigmas out', () => {
  const ref: [number, number, number, number][] = [[0.5, -1, 2, 0.17116391801782482], [0.3, 5, 8, 5.068334262835944], [0.9, -40, -30, -30.00350792324418], [0.01, -2, -1, -1.9754388616178487]];
  for (const [u, a, b, y] of ref) close(truncatedStandardPpf(u, a, b), y, 1e-9, `ppf(${u}, ${a}, ${b})`);
});

test('truncated normal draws stay in bounds and have the right mean', () => {
  const rng = new Rng(1);
  let sum = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const x = sampleTruncatedNormal(rng, 0, 1, 0, 10);
    assert.ok(x >= 0 && x <= 10);
    sum += x;
  }
  // Half-normal mean: sqrt(2 / pi).
  close(sum / n, Math.sqrt(2 / Math.PI), 0.02, 'half-normal mean');
});
