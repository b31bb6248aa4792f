/**
 * Turns trial parameters into small integer codes ("bins") that the importance forest splits
 * on, and records how much of the search space each bin covers.
 *
 * Why bins: histogram trees (the LightGBM idea) cost O(samples) per node instead of a sort, so
 * importance stays cheap enough to recompute every time a trial finishes. Why the coverage: the
 * marginal of a parameter is averaged over the *search space* (as fANOVA does, Hutter et al.
 * 2014), not over where the sampler happened to look; a bin's share of the range is its weight.
 *
 * Bin 0 of every feature holds trials where the parameter is absent (a conditional parameter
 * whose parent took another value), so the trees can tell "not there" from any value.
 */
import type { Distribution, JsonValue, ParamValue } from '../space/distributions';
import { jsonEquals } from '../space/distributions';

/** At most this many value bins per numeric parameter: finer bins add cost, not signal. */
export const MAX_NUMERIC_BINS = 32;

export interface BinnedFeature {
  readonly name: string;
  /** Ordered bins split by threshold; categorical bins by any subset. */
  readonly kind: 'ordered' | 'categorical';
  /** Number of bins, the missing bin 0 included. */
  readonly bins: number;
  /** The bin of each trial, in trial order. */
  readonly codes: Uint16Array;
  /** Share of the parameter's range each bin covers (0 for the missing bin); sums to 1. */
  readonly measure: Float64Array;
  /** Fraction of trials in which the parameter is present. */
  readonly activeFraction: number;
}

/**
 * Bins one parameter over the given trials' values (undefined = absent). Numeric ranges are
 * binned in the space the sampler draws in: log ranges in log space, so 1e-4..1e-3 weighs as much
 * as 1e-2..1e-1. Ints and stepped floats widen the range by half a step on each side so the end
 * values weigh as much as the inner ones.
 */
export function binFeature(name: string, dist: Distribution, values: readonly (ParamValue | undefined)[]): BinnedFeature {
  return dist.type === 'categorical' ? binCategorical(name, dist.choices, values) : binNumeric(name, dist, values);
}

function binCategorical(name: string, choices: readonly JsonValue[], values: readonly (ParamValue | undefined)[]): BinnedFeature {
  const codes = new Uint16Array(values.length);
  let active = 0;
  values.forEach((v, i) => {
    if (v === undefined) return;
    const index = choices.findIndex((c) => jsonEquals(c, v));
    // A value no longer among the choices (the space was edited mid-study) counts as absent.
    if (index < 0) return;
    codes[i] = index + 1;
    active++;
  });
  const measure = new Float64Array(choices.length + 1);
  for (let b = 1; b <= choices.length; b++) measure[b] = 1 / choices.length;
  return { name, kind: 'categorical', bins: choices.length + 1, codes, measure, activeFraction: values.length ? active / values.length : 0 };
}

function binNumeric(name: string, dist: Exclude<Distribution, { type: 'categorical' }>, values: readonly (ParamValue | undefined)[]): BinnedFeature {
  const half = dist.type === 'int' ? dist.step / 2 : dist.step === null ? 0 : dist.step / 2;
  const transform = dist.log ? Math.log : (x: number): number => x;
  // log ints: low >= 1, so low - 0.5 stays positive.
  let lo = transform(Math.max(dist.low - half, dist.log ? dist.low / 2 : -Infinity));
  let hi = transform(dist.high + half);

  const t: (number | undefined)[] = values.map((v) => (typeof v === 'number' && Number.isFinite(v) && (!dist.log || v > 0) ? transform(v) : undefined));
  const present = t.filter((x): x is number => x !== undefined);
  // Values outside the declared range (the space was narrowed mid-study) widen it rather than vanish.
  for (const x of present) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const edges = cutPoints(present);
  const bins = edges.length + 2;
  const codes = new Uint16Array(values.length);
  t.forEach((x, i) => {
    if (x !== undefined) codes[i] = 1 + upperBound(edges, x);
  });
  const measure = new Float64Array(bins);
  const width = hi - lo;
  if (width > 0) {
    let prev = lo;
    for (let b = 1; b < bins; b++) {
      const next = b - 1 < edges.length ? (edges[b - 1] as number) : hi;
      measure[b] = (next - prev) / width;
      prev = next;
    }
  } else {
    measure[1] = 1;
  }
  return { name, kind: 'ordered', bins, codes, measure, activeFraction: values.length ? present.length / values.length : 0 };
}

/**
 * Thresholds between bins: midpoints between neighbouring distinct values when there are few,
 * else midpoints at quantiles so each bin holds about the same number of trials.
 */
function cutPoints(present: readonly number[]): number[] {
  const sorted = Float64Array.from(present).sort();
  const distinct: number[] = [];
  for (const x of sorted) if (distinct.length === 0 || x !== distinct[distinct.length - 1]) distinct.push(x);
  if (distinct.length <= MAX_NUMERIC_BINS) {
    return distinct.slice(1).map((x, i) => ((distinct[i] as number) + x) / 2);
  }
  const edges: number[] = [];
  for (let k = 1; k < MAX_NUMERIC_BINS; k++) {
    const at = Math.floor((k * sorted.length) / MAX_NUMERIC_BINS);
    const below = sorted[at - 1] as number;
    const above = sorted[at] as number;
    if (below === above) continue;
    const edge = (below + above) / 2;
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  return edges;
}

/** Number of edges <= x. */
function upperBound(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
