/**
 * The history TPE learns from, and its split into the good ("below", l(x)) and the rest
 * ("above", g(x)) groups, after Optuna 3.1's _get_observation_pairs / _split_observation_pairs.
 */
import type { FrozenTrial, StudyView } from '../../study/trial';
import { hasParams, lastStep } from '../../study/trial';
import { selectBestMultiObjective } from './multi-objective-split';

export interface TpeObservation {
  readonly trial: FrozenTrial;
  /**
   * The first ranking key, smaller is better: -Infinity for completed trials, minus the last
   * step for pruned ones (deeper is better), 1 for trials pruned before any report, +Infinity
   * for running trials under the constant liar.
   */
  readonly stepKey: number;
  /** Single objective: the value to minimise (negated for 'maximize'); NaN ranks last. */
  readonly loss: number;
  /** Several objectives: the completed trial's values, all in minimise form; else null. */
  readonly values: readonly number[] | null;
}

export interface ObservationOptions {
  readonly considerPrunedTrials: boolean;
  /**
   * Count running trials that hold parameters as observations worse than any finished one
   * (Ginsbourger et al., "Kriging is well-suited to parallelize optimization", 2010: the
   * "constant liar"; Optuna's constant_liar), so the trials asked while others run are pushed
   * away from the points already being evaluated.
   */
  readonly constantLiar: boolean;
}

/** Every trial TPE may learn from, in number order. */
export function collectObservations(study: StudyView, options: ObservationOptions): TpeObservation[] {
  const signs = study.directions.map((d) => (d === 'maximize' ? -1 : 1));
  const single = signs.length === 1;
  const sign = signs[0] ?? 1;
  const out: TpeObservation[] = [];
  for (const trial of study.trials) {
    if (trial.state === 'complete') {
      if (!trial.values || trial.values.length !== signs.length) continue;
      if (single) out.push({ trial, stepKey: -Infinity, loss: sign * (trial.values[0] as number), values: null });
      else out.push({ trial, stepKey: -Infinity, loss: NaN, values: trial.values.map((v, i) => (signs[i] as number) * v) });
    } else if (trial.state === 'pruned' && options.considerPrunedTrials && single) {
      const step = lastStep(trial);
      if (step === undefined) out.push({ trial, stepKey: 1, loss: 0, values: null });
      else out.push({ trial, stepKey: -step, loss: sign * (trial.intermediateValues.get(step) as number), values: null });
    } else if (trial.state === 'running' && options.constantLiar && hasParams(trial)) {
      out.push({ trial, stepKey: Infinity, loss: Infinity, values: null });
    }
  }
  return out;
}

/** Observations of finished trials: what the startup phase and gamma count. */
export function finishedCount(observations: readonly TpeObservation[]): number {
  let n = 0;
  for (const o of observations) if (o.stepKey !== Infinity) n++;
  return n;
}

/**
 * Marks the nBelow best observations. One objective: by (stepKey, loss). Several: completed
 * trials by non-domination rank, the last admitted front thinned by hypervolume contribution
 * (Ozaki et al., "Multiobjective TPE", JAIR 2022, section 3.2); pruned and running trials stay
 * above.
 */
export function splitBelow(observations: readonly TpeObservation[], nBelow: number, nObjectives: number): boolean[] {
  const isBelow = new Array<boolean>(observations.length).fill(false);
  if (nBelow <= 0) return isBelow;
  if (nObjectives === 1) {
    for (const i of bestIndices(observations, nBelow)) isBelow[i] = true;
    return isBelow;
  }
  const complete: number[] = [];
  observations.forEach((o, i) => {
    if (o.values !== null) complete.push(i);
  });
  const chosen = selectBestMultiObjective(
    complete.map((i) => (observations[i] as TpeObservation).values as readonly number[]),
    Math.min(nBelow, complete.length),
  );
  for (const c of chosen) isBelow[complete[c] as number] = true;
  return isBelow;
}

/** Above this many, bestIndices sorts the whole history rather than inserting into its shortlist. */
const SHORTLIST_LIMIT = 64;

/**
 * Indices of the k best observations by (compare, then index), best first. TPE's below group
 * (at most 25 by default) is far smaller than a long history, so one pass keeping a sorted
 * shortlist replaces sorting every observation on every ask; a large k (a custom gamma) sorts
 * instead, which bounds the worst case at n log n.
 */
function bestIndices(observations: readonly TpeObservation[], k: number): number[] {
  const at = (i: number): TpeObservation => observations[i] as TpeObservation;
  if (k > SHORTLIST_LIMIT) return observations.map((_, i) => i).sort((i, j) => compare(at(i), at(j)) || i - j).slice(0, k);
  const best: number[] = [];
  for (let i = 0; i < observations.length; i++) {
    const o = at(i);
    // Ties go to the earlier index: a newcomer must beat the worst kept one, and goes after its equals.
    if (best.length === k && compare(o, at(best[k - 1] as number)) >= 0) continue;
    let slot = best.length;
    while (slot > 0 && compare(o, at(best[slot - 1] as number)) < 0) slot--;
    best.splice(slot, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

function compare(a: TpeObservation, b: TpeObservation): number {
  if (a.stepKey !== b.stepKey) return a.stepKey < b.stepKey ? -1 : 1;
  const la = Number.isNaN(a.loss) ? Infinity : a.loss;
  const lb = Number.isNaN(b.loss) ? Infinity : b.loss;
  return la < lb ? -1 : la > lb ? 1 : 0;
}
