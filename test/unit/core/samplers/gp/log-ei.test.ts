import assert from 'node:assert/strict';
import { test } from 'node:test';
import { erfc } from '../../../../../src/core/samplers/erf';
import { erfcx, logExpectedImprovement, logH, logHDerivative, logNdtr } from '../../../../../src/core/samplers/gp/log-ei';

/** The textbook formula, fine where phi(z) and Phi(z) do not underflow. */
function naiveH(z: number): number {
  const pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  const cdf = 0.5 * erfc(-z / Math.SQRT2);
  return pdf + z * cdf;
}

test('log h(z) equals log(phi(z) + z Phi(z)) where the direct formula is accurate', () => {
  for (const z of [-5, -3, -1.5, -1, -0.5, 0, 0.7, 2, 5, 20]) {
    const direct = Math.log(naiveH(z));
    assert.ok(Math.abs(logH(z) - direct) < 1e-9 * Math.max(1, Math.abs(direct)), `z=${z}: ${logH(z)} vs ${direct}`);
  }
  assert.ok(Math.abs(logH(0) - Math.log(1 / Math.sqrt(2 * Math.PI))) < 1e-15, 'h(0) = phi(0)');
});

test('log EI stays finite and ordered where plain EI underflows to 0', () => {
  assert.equal(naiveH(-40), 0, 'the naive formula underflows');
  let previous = Infinity;
  for (const z of [-30, -40, -100, -1e3, -1e5, -1e8, -1e10]) {
    const v = logH(z);
    assert.ok(Number.isFinite(v), `finite at z=${z}`);
    assert.ok(v < previous, `decreasing at z=${z}`);
    previous = v;
    // Asymptotically h(z) ~ phi(z) / z^2 (Ament et al. 2023, eq. 9).
    const asymptote = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z);
    assert.ok(Math.abs(v - asymptote) < 1e-2 * Math.max(1, Math.abs(asymptote)) + 0.1, `z=${z}`);
  }
  // The two branches meet at z = -1 without a jump.
  assert.ok(Math.abs(logH(-1 - 1e-12) - logH(-1 + 1e-12)) < 1e-9);
});

test('the derivative of log h matches finite differences, including the far tail', () => {
  for (const z of [-60, -8, -2, -1.0001, -0.5, 0, 1.5, 7]) {
    const h = 1e-6 * Math.max(1, Math.abs(z));
    const numeric = (logH(z + h) - logH(z - h)) / (2 * h);
    const analytic = logHDerivative(z);
    assert.ok(Math.abs(analytic - numeric) < 1e-5 * Math.max(1, Math.abs(numeric)), `z=${z}: ${analytic} vs ${numeric}`);
  }
});

test('erfcx and log Phi agree with their definitions and stay finite in the tails', () => {
  for (const x of [-2, 0, 0.5, 1, 3, 10, 25]) {
    const direct = Math.exp(x * x) * erfc(x);
    assert.ok(Math.abs(erfcx(x) - direct) < 1e-12 * direct, `erfcx(${x})`);
  }
  // Beyond 26 the asymptotic series takes over; erfcx(x) ~ 1 / (x sqrt(pi)).
  for (const x of [26, 30, 1e3, 1e8]) assert.ok(Math.abs(erfcx(x) * x * Math.sqrt(Math.PI) - 1) < 1e-3);
  // Either side of the switch to the series, against Laplace's continued fraction (A&S 7.1.14).
  for (const x of [20, 25.9999, 26, 27, 40]) {
    let f = 0;
    for (let k = 80; k >= 1; k--) f = k / 2 / (x + f);
    const reference = 1 / Math.sqrt(Math.PI) / (x + f);
    assert.ok(Math.abs(erfcx(x) - reference) < 1e-14 * reference, `erfcx(${x}) = ${erfcx(x)} vs ${reference}`);
  }
  assert.ok(Math.abs(logNdtr(0) - Math.log(0.5)) < 1e-15);
  assert.ok(Math.abs(logNdtr(-3) - Math.log(0.5 * erfc(3 / Math.SQRT2))) < 1e-12);
  assert.ok(Number.isFinite(logNdtr(-100)) && logNdtr(-100) < -5000, 'log Phi(-100) is about -5005');
  assert.ok(logNdtr(10) < 0 && logNdtr(10) > -1e-20);
});

test('log EI of a minimisation rewards a lower mean and, below the incumbent, a larger spread', () => {
  assert.ok(logExpectedImprovement(0, 1, 0.5) > logExpectedImprovement(1, 1, 0.5), 'lower mean, higher EI');
  assert.ok(logExpectedImprovement(3, 4, 0) > logExpectedImprovement(3, 1, 0), 'more uncertainty above the incumbent, higher EI');
  assert.ok(Math.abs(Math.exp(logExpectedImprovement(0, 1, 0)) - 1 / Math.sqrt(2 * Math.PI)) < 1e-12, 'EI = sigma phi(0) at mu = f*');
});
