/**
 * The truncated normal distribution in log space, for the Parzen estimators of the TPE sampler.
 * Everything works on log probabilities so that a sample deep in a Gaussian's tail (a kernel
 * narrowed by many observations, far from a candidate) still gets a finite, ordered score
 * instead of log(0). The approach follows SciPy's truncnorm, as Optuna's
 * samplers/_tpe/_truncnorm.py does.
 */
import type { Rng } from '../random/rng';
import { erf, erfc } from './erf';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** The standard normal CDF, accurate in both tails. */
export function ndtr(a: number): number {
  const x = a / Math.SQRT2;
  if (x < -Math.SQRT1_2) return 0.5 * erfc(-x);
  if (x < Math.SQRT1_2) return 0.5 + 0.5 * erf(x);
  return 1 - 0.5 * erfc(x);
}

/** log(ndtr(a)), finite for every finite a. */
export function logNdtr(a: number): number {
  // log(1 - e) = -e to double precision once e = ndtr(-a) < 1e-9.
  if (a > 6) return -ndtr(-a);
  if (a > -20) return Math.log(ndtr(a));
  // Far left tail: the asymptotic series of Mills' ratio (Abramowitz & Stegun 26.2.12),
  // log Phi(a) = -a^2/2 - log(-a) - log(sqrt(2 pi)) + log(1 - 1/a^2 + 3/a^4 - 15/a^6 ...).
  const inv = 1 / (a * a);
  let sum = 1;
  let term = 1;
  for (let i = 1; i < 50; i++) {
    term *= -(2 * i - 1) * inv;
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return -0.5 * a * a - Math.log(-a) - LOG_SQRT_2PI + Math.log(sum);
}

/** log of the standard normal mass in [a, b] (a <= b). */
export function logGaussMass(a: number, b: number): number {
  if (a >= b) return -Infinity;
  // Work in the left tail, where logNdtr is accurate, using the symmetry of the normal.
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  // Straddling 0: 1 - mass outside, without the cancellation of Phi(b) - Phi(a) near 1.
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/**
 * log density at x of N(mu, sigma^2) truncated to [low, high]. Includes the -log(sigma) of the
 * change of scale, which Optuna 3.1 omitted and later fixed (optuna/optuna#5109, PR #5110):
 * without it, narrow kernels are under-weighted against wide ones. `logZ` may be precomputed.
 */
export function truncatedNormalLogPdf(
  x: number,
  mu: number,
  sigma: number,
  low: number,
  high: number,
  logZ: number = truncationLogMass(mu, sigma, low, high),
): number {
  if (x < low || x > high) return -Infinity;
  const z = (x - mu) / sigma;
  return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma) - logZ;
}

/** log of the mass of N(mu, sigma^2) inside [low, high]: the truncation's normaliser. */
export function truncationLogMass(mu: number, sigma: number, low: number, high: number): number {
  return logGaussMass((low - mu) / sigma, (high - mu) / sigma);
}

/** log of the mass of N(mu, sigma^2) truncated to [low, high] that falls in [lo, hi]. `logZ` may be precomputed. */
export function truncatedNormalLogMass(
  lo: number,
  hi: number,
  mu: number,
  sigma: number,
  low: number,
  high: number,
  logZ: number = truncationLogMass(mu, sigma, low, high),
): number {
  const a = Math.max(lo, low);
  const b = Math.min(hi, high);
  if (a >= b) return -Infinity;
  return logGaussMass((a - mu) / sigma, (b - mu) / sigma) - logZ;
}

/** One draw from N(mu, sigma^2) truncated to [low, high], by inverting the CDF. */
export function sampleTruncatedNormal(rng: Rng, mu: number, sigma: number, low: number, high: number): number {
  const a = (low - mu) / sigma;
  const b = (high - mu) / sigma;
  const u = rng.random();
  const z = truncatedStandardPpf(u, a, b);
  return Math.min(high, Math.max(low, mu + sigma * z));
}

/**
 * Quantile u of the standard normal truncated to [a, b]. Solved in whichever tail holds the
 * interval (SciPy's truncnorm._ppf does the same), by bisection on logNdtr, which is monotone
 * and accurate where Phi itself underflows.
 */
export function truncatedStandardPpf(u: number, a: number, b: number): number {
  if (a >= b) return a;
  const mass = logGaussMass(a, b);
  if (a < 0) {
    const target = logAddExp(logNdtr(a), Math.log(u) + mass);
    return bisectLogNdtr(target, a, b);
  }
  const target = logAddExp(logNdtr(-b), Math.log1p(-u) + mass);
  return -bisectLogNdtr(target, -b, -a);
}

/** The x in [lo, hi] with logNdtr(x) = target. */
function bisectLogNdtr(target: number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (logNdtr(mid) < target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** log(exp(p) - exp(q)) for p >= q. */
function logDiff(p: number, q: number): number {
  if (q === -Infinity) return p;
  return p + Math.log1p(-Math.exp(q - p));
}

/** log(exp(p) + exp(q)). */
export function logAddExp(p: number, q: number): number {
  const m = Math.max(p, q);
  if (m === -Infinity) return -Infinity;
  return m + Math.log1p(Math.exp(-Math.abs(p - q)));
}
