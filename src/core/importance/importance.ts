/**
 * Parameter importance for the live dashboard: which parameters explain the objective's
 * variation, as shares that sum to 1.
 *
 * Method: a 64-tree random forest fitted to the completed trials (parameters binned, log ranges
 * in log space; see regression-forest.ts), then each parameter's main-effect variance: the
 * variance, over its range, of the forest's prediction averaged over the other parameters'
 * observed values (marginal-variance.ts). This is fANOVA's first-order importance (what
 * Optuna's FanovaImportanceEvaluator reports) with the integral over the other parameters
 * replaced by an average over trials, which needs no fANOVA tree algebra and runs in
 * milliseconds for thousands of trials, so it is recomputed as trials finish. Plain binned
 * marginals of the raw trials were rejected: a sampler like TPE draws good values of all
 * parameters together late in a study, and raw marginals then credit parameters that only
 * co-occur with good ones; the forest separates them.
 */
import { Rng } from '../random/rng';
import type { SearchSpace } from '../space/search-space';
import type { Direction, FrozenTrial } from '../study/trial';
import { type BinnedFeature, binFeature } from './feature-binning';
import { DEFAULT_FOREST, fitForest } from './regression-forest';
import { marginalVariances } from './marginal-variance';

export const IMPORTANCE_METHOD = 'random-forest marginal variance (fANOVA-style main effects)';

/** Fewer completed trials than this give no importance: a forest on 4 points is noise. */
export const MIN_TRIALS = 5;

export interface ImportanceOptions {
  /** Seed of the forest's bootstrap; the same trials and seed give the same result. */
  readonly seed?: number;
  readonly trees?: number;
  /** Which objective of a multi-objective study (default 0, the first). */
  readonly objective?: number;
}

export interface ImportanceResult {
  readonly method: string;
  /** Parameter name -> share of the explained variance; sums to 1, or empty (see reason). */
  readonly values: Record<string, number>;
  /** Why `values` is empty: too few completed trials, or an objective that never varied. */
  readonly reason?: string;
  /** Completed trials the result is based on. */
  readonly trials: number;
}

/**
 * Importance of each parameter of `space` for the objective of the completed trials. The
 * direction decides which tail is the "bad" one: values past Tukey's far fence on that side
 * (Q3 + 3 IQR when minimising) are clipped to it, so one diverged run with a loss of 1e9 does
 * not make whichever parameter it had the only one that matters.
 */
export function computeImportance(
  trials: readonly FrozenTrial[],
  space: SearchSpace,
  direction: Direction,
  options: ImportanceOptions = {},
): ImportanceResult {
  const objective = options.objective ?? 0;
  const used = trials.filter((t) => t.state === 'complete' && t.values !== null && Number.isFinite(t.values[objective]));
  const empty = (reason: string): ImportanceResult => ({ method: IMPORTANCE_METHOD, values: {}, reason, trials: used.length });
  if (space.parameters.length === 0) return empty('the study has no parameters');
  if (used.length < MIN_TRIALS) {
    return empty(`importance needs at least ${MIN_TRIALS} completed trials; ${used.length} so far`);
  }

  const y = Float64Array.from(used, (t) => (t.values as readonly number[])[objective] as number);
  clipBadTail(y, direction);
  const features: BinnedFeature[] = space.parameters.map((p) => binFeature(p.name, p.distribution, used.map((t) => t.params[p.name])));
  const rng = new Rng(options.seed ?? 0);
  const forest = fitForest(features, y, rng, { ...DEFAULT_FOREST, trees: options.trees ?? DEFAULT_FOREST.trees });
  const variances = marginalVariances(forest, features, rng);
  let total = 0;
  for (const v of variances) total += v;
  if (!(total > 0)) return empty('the objective did not vary with any parameter over the completed trials');
  const values: Record<string, number> = {};
  features.forEach((f, i) => (values[f.name] = (variances[i] as number) / total));
  return { method: IMPORTANCE_METHOD, values, trials: used.length };
}

function clipBadTail(y: Float64Array, direction: Direction): void {
  const sorted = Float64Array.from(y).sort();
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const iqr = q3 - q1;
  if (!(iqr > 0)) return;
  if (direction === 'minimize') {
    const fence = q3 + 3 * iqr;
    for (let i = 0; i < y.length; i++) if ((y[i] as number) > fence) y[i] = fence;
  } else {
    const fence = q1 - 3 * iqr;
    for (let i = 0; i < y.length; i++) if ((y[i] as number) < fence) y[i] = fence;
  }
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}
