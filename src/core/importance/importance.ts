/**
 * Parameter importance for the live dashboard and the library: which parameters explain the
 * objective's variation, as shares that sum to 1. Two methods:
 *
 * - 'fanova' (default): a 64-tree random forest fitted to the completed trials (parameters
 *   binned, log ranges in log space; see regression-forest.ts), then each parameter's
 *   first-order variance integrated exactly over the trees' boxes (fanova.ts), as fANOVA and
 *   Optuna's FanovaImportanceEvaluator do. Milliseconds for thousands of trials, so it is
 *   recomputed as trials finish. A space with conditional parameters is not a box: integrating
 *   over it would average in combinations that cannot occur (momentum under adam), so there the
 *   integral over the other parameters is an average over the trials that did occur
 *   (marginal-variance.ts). Optuna's fANOVA drops conditional parameters instead. Plain binned marginals of the raw trials were rejected: a
 *   sampler like TPE draws good values of all parameters together late in a study, and raw
 *   marginals then credit parameters that only co-occur with good ones; the forest separates them.
 * - 'ped-anova': the fast alternative with no model (ped-anova.ts): how differently each
 *   parameter is distributed among the top 10% of trials than among all of them.
 */
import { Rng } from '../random/rng';
import type { SearchSpace } from '../space/search-space';
import type { Direction, FrozenTrial } from '../study/trial';
import { type BinnedFeature, binFeature } from './feature-binning';
import { DEFAULT_FOREST, fitForest } from './regression-forest';
import { fanovaMainEffects } from './fanova';
import { marginalVariances } from './marginal-variance';
import { pedAnovaDivergences } from './ped-anova';

export type ImportanceMethod = 'fanova' | 'ped-anova';

const CONDITIONAL_FANOVA_LABEL = 'fANOVA-style (random forest, first-order effects averaged over the trials: the space is conditional)';

const METHOD_LABEL: Record<ImportanceMethod, string> = {
  fanova: 'fANOVA (random forest, first-order effects)',
  'ped-anova': 'PED-ANOVA (top-10% vs all, Pearson divergence)',
};

/** Fewer completed trials than this give no importance: a forest on 4 points is noise. */
export const MIN_TRIALS = 5;

export interface ImportanceOptions {
  /** Seed of the forest's bootstrap; the same trials and seed give the same result. */
  readonly seed?: number;
  readonly trees?: number;
  /** Which objective of a multi-objective study (default 0, the first). */
  readonly objective?: number;
  readonly method?: ImportanceMethod;
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
  const method = options.method ?? 'fanova';
  if (!Object.hasOwn(METHOD_LABEL, method)) throw new RangeError(`unknown importance method ${JSON.stringify(method)}: use one of ${Object.keys(METHOD_LABEL).join(', ')}`);
  const label = METHOD_LABEL[method];
  const used = trials.filter((t) => t.state === 'complete' && t.values !== null && Number.isFinite(t.values[objective]));
  const empty = (reason: string): ImportanceResult => ({ method: label, values: {}, reason, trials: used.length });
  if (space.parameters.length === 0) return empty('the study has no parameters');
  if (used.length < MIN_TRIALS) {
    return empty(`importance needs at least ${MIN_TRIALS} completed trials; ${used.length} so far`);
  }

  const y = Float64Array.from(used, (t) => (t.values as readonly number[])[objective] as number);
  clipBadTail(y, direction);
  const columns = space.parameters.map((p) => used.map((t) => t.params[p.name]));
  let scores: Float64Array;
  let conditional = false;
  if (method === 'ped-anova') {
    const losses = direction === 'minimize' ? y : y.map((v) => -v);
    scores = pedAnovaDivergences(space.parameters, columns, losses);
  } else {
    const features: BinnedFeature[] = space.parameters.map((p, i) => binFeature(p.name, p.distribution, columns[i] as (typeof columns)[number]));
    const forest = fitForest(features, y, new Rng(options.seed ?? 0), { ...DEFAULT_FOREST, trees: options.trees ?? DEFAULT_FOREST.trees });
    conditional = space.parameters.some((p) => p.condition !== undefined);
    scores = conditional ? marginalVariances(forest, features, new Rng((options.seed ?? 0) + 1)) : fanovaMainEffects(forest, features);
  }
  let total = 0;
  for (const v of scores) total += v;
  if (!(total > 0)) return empty('the objective did not vary with any parameter over the completed trials');
  const values: Record<string, number> = {};
  space.parameters.forEach((p, i) => (values[p.name] = (scores[i] as number) / total));
  return { method: conditional ? CONDITIONAL_FANOVA_LABEL : label, values, trials: used.length };
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
