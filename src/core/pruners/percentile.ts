/**
 * Percentile pruning, after Optuna's PercentilePruner (pruners/_percentile.py), whose
 * semantics this follows: at the trial's latest step, compare the best value the trial has
 * reported so far (over all its steps) with the given percentile of the values that *completed*
 * trials reported at exactly that step; prune when it is worse. Completed trials that never
 * reported that step do not vote, so non-contiguous steps (say, an evaluation every 5 epochs)
 * only compare trials at steps they share.
 *
 * One deliberate difference: a NaN at the latest step prunes the trial. Optuna takes nanmin
 * over the steps, so a run whose loss diverged to NaN after a good start keeps running; a
 * diverged run does not recover, and Optuna's own SuccessiveHalvingPruner prunes on NaN too.
 *
 * Pruning needs one objective (Optuna refuses trial.report in multi-objective studies), so in
 * a multi-objective study this pruner never prunes.
 */
import { type FrozenTrial, type StudyView, lastStep } from '../study/trial';
import type { Pruner } from './pruner';
import { PrunerError } from './pruner-error';

export interface PercentilePrunerOptions {
  /** No pruning until this many trials have completed (Optuna: 5). */
  readonly nStartupTrials?: number;
  /** No pruning before this step of the trial (Optuna: 0; assumes steps start at 0). */
  readonly nWarmupSteps?: number;
  /** Check only once per this many steps after warmup (Optuna: 1). */
  readonly intervalSteps?: number;
  /** Prune only when at least this many completed trials reported the step (Optuna: 1). */
  readonly nMinTrials?: number;
}

export class PercentilePruner implements Pruner {
  readonly name: string = 'percentile';
  private readonly nStartupTrials: number;
  private readonly nWarmupSteps: number;
  private readonly intervalSteps: number;
  private readonly nMinTrials: number;

  /** Keeps trials in the best `percentile` percent (25 keeps the top quarter). */
  constructor(
    private readonly percentile: number,
    options: PercentilePrunerOptions = {},
  ) {
    if (!(percentile >= 0 && percentile <= 100)) {
      throw new PrunerError('invalid-option', `percentile must be between 0 and 100, got ${percentile}`, 'percentile');
    }
    this.nStartupTrials = checkInteger('nStartupTrials', options.nStartupTrials ?? 5, 0);
    this.nWarmupSteps = checkInteger('nWarmupSteps', options.nWarmupSteps ?? 0, 0);
    this.intervalSteps = checkInteger('intervalSteps', options.intervalSteps ?? 1, 1);
    this.nMinTrials = checkInteger('nMinTrials', options.nMinTrials ?? 1, 1);
  }

  shouldPrune(study: StudyView, trial: FrozenTrial): boolean {
    if (study.directions.length !== 1) return false;
    const completed = study.trials.filter((t) => t.state === 'complete' && t.id !== trial.id);
    if (completed.length === 0 || completed.length < this.nStartupTrials) return false;

    const step = lastStep(trial);
    if (step === undefined || step < this.nWarmupSteps) return false;
    if (!isFirstInIntervalStep(step, trial.intermediateValues.keys(), this.nWarmupSteps, this.intervalSteps)) return false;
    if (Number.isNaN(trial.intermediateValues.get(step))) return true;

    const maximize = study.directions[0] === 'maximize';
    const best = bestValue(trial.intermediateValues.values(), maximize);
    if (Number.isNaN(best)) return true;

    const atStep: number[] = [];
    for (const t of completed) {
      const v = t.intermediateValues.get(step);
      if (v !== undefined) atStep.push(v);
    }
    if (atStep.length < this.nMinTrials) return false;
    // For 'maximize' the kept percentile sits at the top of the distribution.
    const threshold = nanPercentile(atStep, maximize ? 100 - this.percentile : this.percentile);
    if (Number.isNaN(threshold)) return false;
    return maximize ? best < threshold : best > threshold;
  }
}

/**
 * numpy.nanpercentile with its default linear interpolation: the q-th percentile of the
 * non-NaN values, NaN when there are none.
 */
export function nanPercentile(values: readonly number[], q: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const pos = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return lo === hi || a === b ? a : a + (b - a) * (pos - lo);
}

/**
 * Optuna's _is_first_in_interval_step: check at the first reported step at or after each
 * interval boundary (warmup, warmup + interval, ...), so a trial that skips a boundary is
 * checked at its next report rather than never.
 */
export function isFirstInIntervalStep(step: number, steps: Iterable<number>, warmup: number, interval: number): boolean {
  const nearestLowerPruningStep = Math.floor((step - warmup) / interval) * interval + warmup;
  let secondLast = -1;
  for (const s of steps) if (s !== step && s > secondLast) secondLast = s;
  return secondLast < nearestLowerPruningStep;
}

/** Best non-NaN value (numpy nanmin / nanmax); NaN when every value is NaN. */
export function bestValue(values: Iterable<number>, maximize: boolean): number {
  let best = NaN;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(best) || (maximize ? v > best : v < best)) best = v;
  }
  return best;
}

export function checkInteger(option: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new PrunerError('invalid-option', `${option} must be an integer >= ${min}, got ${value}`, option);
  }
  return value;
}
