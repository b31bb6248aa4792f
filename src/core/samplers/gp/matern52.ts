/**
 * The Matern 5/2 kernel with automatic relevance determination (one inverse squared length
 * scale per input dimension), as Optuna's GP uses (optuna/_gp/gp.py). Written in terms of the
 * weighted squared distance d2 = sum_d lambda_d * delta_d^2, so one function serves every kind
 * of dimension: continuous dimensions contribute (x_d - x'_d)^2, categorical dimensions the
 * Hamming term [x_d != x'_d] (a choice index has no order, so only "same or different" counts).
 *
 *   k(d2) = (1 + sqrt(5) r + 5/3 r^2) exp(-sqrt(5) r),  r = sqrt(d2)
 *   dk/dd2 = -5/6 (1 + sqrt(5) r) exp(-sqrt(5) r)
 *
 * (Rasmussen & Williams 2006, eq. 4.17.) The derivative in d2 stays finite at r = 0, which is
 * why the gradients below go through d2 rather than r.
 */

const SQRT5 = Math.sqrt(5);

/** Matern 5/2 correlation at weighted squared distance d2 (k(0) = 1). */
export function matern52(d2: number): number {
  const r = Math.sqrt(d2);
  return (1 + SQRT5 * r + (5 / 3) * d2) * Math.exp(-SQRT5 * r);
}

/** d matern52 / d d2. */
export function matern52Derivative(d2: number): number {
  const r = Math.sqrt(d2);
  return (-5 / 6) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

/**
 * The squared difference of two coordinates as the kernel sees it: the plain square for a
 * numeric dimension, 0 or 1 for a categorical one (its coordinate is a choice index).
 */
export function squaredDelta(a: number, b: number, categorical: boolean): number {
  if (categorical) return a === b ? 0 : 1;
  const t = a - b;
  return t * t;
}
