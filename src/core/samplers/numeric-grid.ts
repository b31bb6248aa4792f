/**
 * The points of an int or stepped float range, shared by every sampler so that the random,
 * TPE and grid samplers put values on the same grid and report them with the same digits.
 */
import type { FloatDistribution, IntDistribution } from '../space/distributions';

export type NumericDistribution = FloatDistribution | IntDistribution;

/** Tolerance, in steps, for treating a float as a grid point (matches `contains`). */
const ON_GRID = 1e-8;

/** The grid step, or null for a continuous (or log) float range. */
export function gridStep(dist: NumericDistribution): number | null {
  if (dist.type === 'int') return dist.step;
  return dist.log ? null : dist.step;
}

/**
 * Number of grid points of an int or stepped float range; null for a continuous float. Integer
 * ranges on a log scale still have every integer as a point.
 */
export function gridSize(dist: NumericDistribution): number | null {
  const step = gridStep(dist);
  if (step === null) return dist.low === dist.high ? 1 : null;
  // The tolerance keeps a float range like [0, 1] step 0.1 at 11 points despite rounding.
  return Math.floor((dist.high - dist.low) / step + (dist.type === 'float' ? 1e-9 : 0)) + 1;
}

/** The k-th grid point, with floating-point noise removed (0.1 * 3 is 0.3, not 0.30000000000000004). */
export function gridValue(dist: NumericDistribution, k: number): number {
  const step = gridStep(dist) ?? 0;
  const raw = dist.low + k * step;
  if (dist.type === 'int') return raw;
  if (Math.abs(raw) < step * ON_GRID) return 0;
  const clean = Number(raw.toPrecision(12));
  return Math.abs(clean - raw) <= step * ON_GRID ? clean : raw;
}

/** The index of the grid point equal to `value`, or null when it is not on the grid. */
export function gridIndex(dist: NumericDistribution, value: number): number | null {
  const step = gridStep(dist);
  const size = gridSize(dist);
  if (step === null || size === null) return dist.low === dist.high && value === dist.low ? 0 : null;
  const k = (value - dist.low) / step;
  const kr = Math.round(k);
  if (Math.abs(k - kr) > ON_GRID * 100 || kr < 0 || kr >= size) return null;
  return kr;
}
