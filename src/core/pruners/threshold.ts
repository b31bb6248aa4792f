/**
 * Threshold pruning, after Optuna's ThresholdPruner: stop a trial as soon as its latest value
 * leaves a fixed band (a loss above 10, an accuracy below 0.2) or is NaN. It needs no other
 * trials, so it acts from the very first trial: the guard against runs that diverge.
 *
 * The bounds are absolute values of the reported metric, so the study's direction does not
 * change them. In a multi-objective study it never prunes (trials report no single value).
 */
import { type FrozenTrial, type StudyView, lastStep } from '../study/trial';
import { checkInteger, isFirstInIntervalStep } from './percentile';
import type { Pruner } from './pruner';
import { PrunerError } from './pruner-error';

export interface ThresholdPrunerOptions {
  /** Prune when the latest value is below this. */
  readonly lower?: number;
  /** Prune when the latest value is above this. */
  readonly upper?: number;
  /** No pruning before this step (Optuna: 0). */
  readonly nWarmupSteps?: number;
  /** Check only once per this many steps after warmup (Optuna: 1). */
  readonly intervalSteps?: number;
}

export class ThresholdPruner implements Pruner {
  readonly name = 'threshold';
  private readonly lower: number;
  private readonly upper: number;
  private readonly nWarmupSteps: number;
  private readonly intervalSteps: number;

  constructor(options: ThresholdPrunerOptions = {}) {
    if (options.lower === undefined && options.upper === undefined) {
      throw new PrunerError('invalid-option', 'the threshold pruner needs lower, upper or both (the band a metric must stay in)', 'upper');
    }
    for (const key of ['lower', 'upper'] as const) {
      const v = options[key];
      if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) {
        throw new PrunerError('invalid-option', `${key} must be a number, got ${JSON.stringify(v)}`, key);
      }
    }
    this.lower = options.lower ?? -Infinity;
    this.upper = options.upper ?? Infinity;
    if (this.lower > this.upper) {
      throw new PrunerError('invalid-option', `lower (${this.lower}) must not be above upper (${this.upper})`, 'lower');
    }
    this.nWarmupSteps = checkInteger('nWarmupSteps', options.nWarmupSteps ?? 0, 0);
    this.intervalSteps = checkInteger('intervalSteps', options.intervalSteps ?? 1, 1);
  }

  shouldPrune(study: StudyView, trial: FrozenTrial): boolean {
    if (study.directions.length !== 1) return false;
    const step = lastStep(trial);
    if (step === undefined || step < this.nWarmupSteps) return false;
    if (!isFirstInIntervalStep(step, trial.intermediateValues.keys(), this.nWarmupSteps, this.intervalSteps)) return false;
    const value = trial.intermediateValues.get(step) as number;
    return Number.isNaN(value) || value < this.lower || value > this.upper;
  }
}
