/**
 * The margin of CMA-ES with Margin (Hamano, Saito, Nomura & Shirakawa 2022, "CMA-ES with Margin:
 * Lower-Bounding Marginal Probability for Mixed-Integer Black-Box Optimization", GECCO). A
 * discrete coordinate decodes through cells of [0, 1]; once the step size shrinks below a cell,
 * plain CMA-ES keeps sampling the same value and stalls. The margin scales the sampling spread
 * of each discrete coordinate (their diagonal matrix A) so that the probability of crossing
 * into the nearer neighbouring cell stays at least alpha; alpha = 1 / (n * lambda), the
 * paper's recommendation.
 */
import { ndtr } from '../truncated-normal';

/** A discrete coordinate's cell around u, or null for a continuous coordinate. */
export type CellOf = (dimension: number, u: number) => readonly [number, number] | null;

export function marginAlpha(n: number, lambda: number): number {
  return 1 / (n * lambda);
}

/**
 * Per-coordinate factors (>= 1 on discrete coordinates, 1 on continuous ones) that multiply a
 * sample's step: x = mean + sigma * A * y.
 */
export function marginScale(mean: Float64Array, sigma: number, diagC: Float64Array, cellOf: CellOf, alpha: number): Float64Array {
  const n = mean.length;
  const scale = new Float64Array(n).fill(1);
  const z = standardNormalQuantile(1 - alpha);
  for (let i = 0; i < n; i++) {
    const m = mean[i] as number;
    const cell = cellOf(i, m);
    if (!cell) continue;
    // Only edges to another value count: the box edges 0 and 1 lead nowhere.
    const distances: number[] = [];
    if (cell[0] > 0) distances.push(m - cell[0]);
    if (cell[1] < 1) distances.push(cell[1] - m);
    if (distances.length === 0) continue;
    const nearest = Math.max(0, Math.min(...distances));
    const spread = sigma * Math.sqrt(diagC[i] as number);
    // P(cross the nearer edge) = Phi(-d / (A * spread)) >= alpha  <=>  A >= d / (z * spread).
    const needed = nearest / (z * spread);
    if (needed > 1 && Number.isFinite(needed)) scale[i] = needed;
  }
  return scale;
}

/** Phi^-1(p) by bisection on the normal CDF: called once per generation, exactness matters more. */
export function standardNormalQuantile(p: number): number {
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = 0.5 * (lo + hi);
    if (ndtr(mid) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
