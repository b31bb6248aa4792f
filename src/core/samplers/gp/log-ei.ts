/**
 * Log expected improvement, computed so that it stays finite and accurate where expected
 * improvement itself underflows to 0 (Ament et al., "Unexpected Improvements to Expected
 * Improvement for Bayesian Optimization", NeurIPS 2023, eq. 9 and appendix A.1). With plain EI
 * most of a well-explored space has EI == 0 exactly, so an optimiser sees a flat zero surface
 * with zero gradient; log EI keeps a usable slope everywhere.
 *
 * For minimisation, with f ~ N(mu, sigma^2) and the best value so far f*:
 *   EI = sigma * h(z),  z = (f* - mu) / sigma,  h(z) = phi(z) + z Phi(z)
 *   log EI = log sigma + log h(z)
 */
import { erfc } from '../erf';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const HALF_LOG_PI_OVER_2 = 0.5 * Math.log(Math.PI / 2);
const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
/** Below -1/sqrt(machine epsilon) the asymptotic form is exact to double precision (Ament et al.). */
const ASYMPTOTIC_Z = -1 / Math.sqrt(Number.EPSILON);

const word = new DataView(new ArrayBuffer(8));

/** x with the low 32 bits of its mantissa cleared, so x_hi^2 is exact. */
function highPart(x: number): number {
  word.setFloat64(0, x);
  word.setUint32(4, 0);
  return word.getFloat64(0);
}

/**
 * The scaled complementary error function erfcx(x) = exp(x^2) erfc(x), finite for large x
 * where erfc underflows (it decays like 1 / (x sqrt(pi))).
 */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 26) {
    // exp(x^2) split as exp(hi^2) exp((x - hi)(x + hi)): hi^2 is exact, so the exponent carries
    // no rounding error even where x^2 is in the hundreds (the fdlibm trick erf.ts uses too).
    const hi = highPart(x);
    return Math.exp(hi * hi) * Math.exp((x - hi) * (x + hi)) * erfc(x);
  }
  // Asymptotic series 1/(x sqrt(pi)) sum_k (-1)^k (2k-1)!! / (2x^2)^k (Abramowitz & Stegun
  // 7.1.23); at x >= 26 the terms fall below 1e-16 by k = 6.
  const t = 1 / (2 * x * x);
  let term = 1;
  let sum = 1;
  for (let k = 1; k <= 8; k++) {
    term *= -(2 * k - 1) * t;
    sum += term;
  }
  return (sum * INV_SQRT_PI) / x;
}

/** log Phi(z), the log of the standard normal CDF, accurate in both tails. */
export function logNdtr(z: number): number {
  if (z > 6) return Math.log1p(-0.5 * erfc(z * INV_SQRT2));
  if (z > -1) return Math.log(0.5 * erfc(-z * INV_SQRT2));
  return Math.log(0.5 * erfcx(-z * INV_SQRT2)) - 0.5 * z * z;
}

/** log(1 - exp(a)) for a < 0 without cancellation (Maechler 2012, "Accurately computing log(1 - exp(-|a|))"). */
function log1mexp(a: number): number {
  return a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
}

/** log h(z), h(z) = phi(z) + z Phi(z) = E[max(0, z + N(0, 1))]. */
export function logH(z: number): number {
  if (z > -1) {
    const pdf = Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
    const cdf = 0.5 * erfc(-z * INV_SQRT2);
    return Math.log(pdf + z * cdf);
  }
  if (z > ASYMPTOTIC_Z) {
    // h(z) = phi(z) (1 - |z| sqrt(pi/2) erfcx(-z / sqrt 2)) for z < 0 (Ament et al., eq. 9).
    return -0.5 * z * z - LOG_SQRT_2PI + log1mexp(Math.log(erfcx(-z * INV_SQRT2) * -z) + HALF_LOG_PI_OVER_2);
  }
  return -0.5 * z * z - LOG_SQRT_2PI - 2 * Math.log(-z);
}

/** d log h / dz = Phi(z) / h(z), through logs so it stays finite in the far left tail. */
export function logHDerivative(z: number): number {
  return Math.exp(logNdtr(z) - logH(z));
}

/** log EI of a minimisation at a point whose posterior is N(mean, variance), best value so far `best`. */
export function logExpectedImprovement(mean: number, variance: number, best: number): number {
  const sigma = Math.sqrt(variance);
  return Math.log(sigma) + logH((best - mean) / sigma);
}
