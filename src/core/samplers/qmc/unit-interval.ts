/**
 * Every parameter as a coordinate of the unit interval [0, 1], the common ground of the
 * quasi-random, CMA-ES and NSGA-II samplers: they generate or recombine points of the unit
 * cube and decode them here. Log ranges are uniform in log space; discrete ranges (int,
 * stepped float, categorical) split [0, 1] into one cell per value, so a uniform coordinate
 * gives each value its share. Log ints use Optuna's cells [log(v - 0.5), log(v + 0.5)]
 * (its _SearchSpaceTransform), so each integer gets the log-width of its half-step neighbourhood.
 */
import type { Distribution, ParamValue } from '../../space/distributions';
import { toInternal } from '../../space/distributions';
import { gridSize, gridValue } from '../numeric-grid';

/** Decodes a coordinate in [0, 1] (clamped) to a value of the distribution. */
export function fromUnit(dist: Distribution, u: number): ParamValue {
  const t = clamp01(u);
  if (dist.type === 'categorical') return dist.choices[cellIndex(t, dist.choices.length)] as ParamValue;
  if (dist.low === dist.high) return dist.low;
  if (dist.type === 'int' && dist.log) {
    const [a, b] = logIntBounds(dist.low, dist.high);
    return clamp(Math.round(Math.exp(a + t * (b - a))), dist.low, dist.high);
  }
  if (dist.log) {
    const a = Math.log(dist.low);
    return clamp(Math.exp(a + t * (Math.log(dist.high) - a)), dist.low, dist.high);
  }
  const size = gridSize(dist);
  if (size !== null) return gridValue(dist, cellIndex(t, size));
  return clamp(dist.low + t * (dist.high - dist.low), dist.low, dist.high);
}

/**
 * Encodes a value of the distribution to its coordinate: the centre of its cell for discrete
 * ranges (the log centre for log ints), so fromUnit(toUnit(v)) === v.
 */
export function toUnit(name: string, dist: Distribution, value: ParamValue): number {
  if (dist.type === 'categorical') return (toInternal(name, dist, value) + 0.5) / dist.choices.length;
  const v = toInternal(name, dist, value);
  if (dist.low === dist.high) return 0.5;
  if (dist.type === 'int' && dist.log) {
    const [a, b] = logIntBounds(dist.low, dist.high);
    return clamp01((Math.log(v) - a) / (b - a));
  }
  if (dist.log) return clamp01((Math.log(v) - Math.log(dist.low)) / (Math.log(dist.high) - Math.log(dist.low)));
  const size = gridSize(dist);
  if (size !== null) {
    const step = dist.step ?? 0;
    return (clamp(Math.round((v - dist.low) / step), 0, size - 1) + 0.5) / size;
  }
  return clamp01((v - dist.low) / (dist.high - dist.low));
}

/**
 * The cell [lo, hi] of [0, 1] that decodes to the same value as u, for discrete ranges; null
 * for continuous ones. CMA-ES with margin uses it to keep a chance of leaving the cell.
 */
export function unitCell(dist: Distribution, u: number): readonly [number, number] | null {
  const t = clamp01(u);
  if (dist.type === 'categorical') return equalCell(t, dist.choices.length);
  if (dist.low === dist.high) return [0, 1];
  if (dist.type === 'int' && dist.log) {
    const [a, b] = logIntBounds(dist.low, dist.high);
    const v = fromUnit(dist, t) as number;
    return [clamp01((Math.log(v - 0.5) - a) / (b - a)), clamp01((Math.log(v + 0.5) - a) / (b - a))];
  }
  if (dist.log) return null;
  const size = gridSize(dist);
  return size === null ? null : equalCell(t, size);
}

function equalCell(t: number, n: number): readonly [number, number] {
  const k = cellIndex(t, n);
  return [k / n, (k + 1) / n];
}

function cellIndex(t: number, n: number): number {
  return Math.min(n - 1, Math.floor(t * n));
}

function logIntBounds(low: number, high: number): readonly [number, number] {
  return [Math.log(low - 0.5), Math.log(high + 0.5)];
}

function clamp01(x: number): number {
  return Number.isNaN(x) ? 0.5 : Math.min(1, Math.max(0, x));
}

function clamp(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}
