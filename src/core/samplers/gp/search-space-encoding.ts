/**
 * How the GP sees a search space: each always-present parameter becomes one model coordinate.
 * Numeric parameters map to [0, 1] (log ranges in log space); int and stepped float ranges use
 * Optuna's continuous relaxation (optuna/_transform.py): the interval is widened by half a step
 * at each end so every grid point owns an equal share of [0, 1], and a proposal is rounded to
 * the nearest grid point. A categorical parameter's coordinate is its choice index, which the
 * kernel compares only for equality (matern52.ts).
 *
 * Conditional parameters are not encoded: whether they exist depends on other values, and a GP
 * needs every coordinate in every trial. Like Optuna's GPSampler, the sampler leaves them to the
 * independent (random) fallback.
 */
import { type Distribution, type ParamValue, isSingle, jsonEquals } from '../../space/distributions';
import type { ParameterSpec, SearchSpace } from '../../space/search-space';
import { gridSize, gridValue } from '../numeric-grid';

export type GpDimensionKind = 'continuous' | 'discrete' | 'categorical';

export interface GpDimension {
  readonly spec: ParameterSpec;
  readonly kind: GpDimensionKind;
  /** Grid points (discrete) or choices (categorical); Infinity for a continuous range. */
  readonly size: number;
  /** Bounds of the transformed value (log applied) that map to 0 and 1; unused for categorical. */
  readonly lo: number;
  readonly hi: number;
}

/** The parameters the GP models, in space order: unconditional ones that can take more than one value. */
export function gpDimensions(space: SearchSpace): GpDimension[] {
  const dims: GpDimension[] = [];
  for (const spec of space.parameters) {
    if (spec.condition || isSingle(spec.distribution)) continue;
    dims.push(dimensionOf(spec));
  }
  return dims;
}

function dimensionOf(spec: ParameterSpec): GpDimension {
  const dist = spec.distribution;
  if (dist.type === 'categorical') return { spec, kind: 'categorical', size: dist.choices.length, lo: 0, hi: 0 };
  const size = gridSize(dist);
  if (size === null) {
    return dist.log ? { spec, kind: 'continuous', size: Infinity, lo: Math.log(dist.low), hi: Math.log(dist.high) } : { spec, kind: 'continuous', size: Infinity, lo: dist.low, hi: dist.high };
  }
  const step = dist.step ?? 1;
  if (dist.log) return { spec, kind: 'discrete', size, lo: Math.log(dist.low - 0.5), hi: Math.log(dist.high + 0.5) };
  return { spec, kind: 'discrete', size, lo: dist.low - step / 2, hi: dist.high + step / 2 };
}

function isLog(dist: Distribution): boolean {
  return dist.type !== 'categorical' && dist.log;
}

/** A trial's value as a model coordinate, or undefined when it is missing or outside the range. */
export function encodeValue(dim: GpDimension, value: ParamValue | undefined): number | undefined {
  const dist = dim.spec.distribution;
  if (value === undefined) return undefined;
  if (dist.type === 'categorical') {
    const index = dist.choices.findIndex((c) => jsonEquals(c, value));
    return index < 0 ? undefined : index;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < dist.low || value > dist.high) return undefined;
  const t = isLog(dist) ? Math.log(value) : value;
  return (t - dim.lo) / (dim.hi - dim.lo);
}

/** The parameter value at a model coordinate: clipped to the range, on the grid, or the choice. */
export function decodeValue(dim: GpDimension, u: number): ParamValue {
  const dist = dim.spec.distribution;
  if (dist.type === 'categorical') return dist.choices[clampIndex(Math.round(u), dist.choices.length)] as ParamValue;
  // The ends map to the bounds exactly (exp(log(low)) can miss low by an ulp).
  if (dim.kind === 'continuous' && u <= 0) return dist.low;
  if (dim.kind === 'continuous' && u >= 1) return dist.high;
  const t = dim.lo + Math.min(1, Math.max(0, u)) * (dim.hi - dim.lo);
  const v = isLog(dist) ? Math.exp(t) : t;
  if (dim.kind === 'continuous') return Math.min(dist.high, Math.max(dist.low, v));
  const step = dist.type === 'int' ? dist.step : (dist.step as number);
  return gridValue(dist, clampIndex(Math.round((v - dist.low) / step), dim.size));
}

/** The coordinate of the value `u` decodes to: the identity for continuous, grid-snapped otherwise. */
export function snapCoordinate(dim: GpDimension, u: number): number {
  if (dim.kind === 'continuous') return Math.min(1, Math.max(0, u));
  if (dim.kind === 'categorical') return clampIndex(Math.round(u), dim.size);
  return encodeValue(dim, decodeValue(dim, u)) as number;
}

/** Every allowed coordinate of a discrete or categorical dimension, when there are at most `limit`. */
export function allowedCoordinates(dim: GpDimension, limit: number): Float64Array | null {
  if (dim.kind === 'continuous' || dim.size > limit) return null;
  if (dim.kind === 'categorical') return Float64Array.from({ length: dim.size }, (_, i) => i);
  const dist = dim.spec.distribution;
  if (dist.type === 'categorical') return null;
  return Float64Array.from({ length: dim.size }, (_, k) => encodeValue(dim, gridValue(dist, k)) as number);
}

function clampIndex(k: number, size: number): number {
  return Math.min(size - 1, Math.max(0, k));
}
