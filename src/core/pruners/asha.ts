/**
 * Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter
 * Tuning", MLSys 2020, arXiv:1810.05934), after Optuna's SuccessiveHalvingPruner.
 *
 * Rung r ends at step minResource * reductionFactor^(minEarlyStoppingRate + r). When a trial
 * first reports a step at or past a rung's end, it competes with every trial that has reached
 * that rung so far, running ones included (that is what makes it asynchronous: nobody waits
 * for a rung to fill). It goes on if its value is in the best 1/reductionFactor of them, and is
 * pruned otherwise. One report may cross several rungs (non-contiguous steps); it then has to
 * win each of them with the same value, as in Optuna.
 *
 * Optuna records each trial's rung values in system attributes as it goes. This pruner keeps no
 * state: a trial's value at a rung is its value at the first step it reported at or past the
 * rung's end, read from the intermediate values in the journal, so a restarted engine or a
 * second worker judges exactly as the first. Two consequences differ from Optuna in corner
 * cases: a trial that ignored a prune and kept reporting still competes at later rungs, and,
 * with minResource 'auto', rungs a running trial crossed before the first trial completed are
 * not judged retroactively (Optuna judges them at the trial's next report, with its newer value).
 *
 * Pruning needs one objective, so in a multi-objective study this pruner never prunes.
 */
import { type FrozenTrial, type StudyView, lastStep } from '../study/trial';
import type { Pruner } from './pruner';
import { PrunerError } from './pruner-error';

export interface AshaPrunerOptions {
  /**
   * Steps in the first rung (the paper's r). 'auto' (Optuna's default) takes the last step of
   * the first completed trial divided by 100, at least 1, and prunes nothing before a trial
   * completes.
   */
  readonly minResource?: number | 'auto';
  /** Keep the best 1/reductionFactor at each rung (the paper's eta; Optuna: 4). */
  readonly reductionFactor?: number;
  /** Skips the first rungs (the paper's s; Optuna: 0). */
  readonly minEarlyStoppingRate?: number;
  /** Prune at a rung until more than this many trials have reached it (Optuna: 0). */
  readonly bootstrapCount?: number;
}

export class AshaPruner implements Pruner {
  readonly name = 'asha';
  private readonly minResource: number | 'auto';
  private readonly reductionFactor: number;
  private readonly minEarlyStoppingRate: number;
  private readonly bootstrapCount: number;

  constructor(options: AshaPrunerOptions = {}) {
    this.minResource = options.minResource ?? 'auto';
    this.reductionFactor = options.reductionFactor ?? 4;
    this.minEarlyStoppingRate = options.minEarlyStoppingRate ?? 0;
    this.bootstrapCount = options.bootstrapCount ?? 0;
    if (this.minResource !== 'auto' && (!Number.isInteger(this.minResource) || this.minResource < 1)) {
      throw new PrunerError('invalid-option', `minResource must be an integer >= 1 or "auto", got ${JSON.stringify(this.minResource)}`, 'minResource');
    }
    if (!Number.isInteger(this.reductionFactor) || this.reductionFactor < 2) {
      throw new PrunerError('invalid-option', `reductionFactor must be an integer >= 2, got ${this.reductionFactor}`, 'reductionFactor');
    }
    if (!Number.isInteger(this.minEarlyStoppingRate) || this.minEarlyStoppingRate < 0) {
      throw new PrunerError('invalid-option', `minEarlyStoppingRate must be an integer >= 0, got ${this.minEarlyStoppingRate}`, 'minEarlyStoppingRate');
    }
    if (!Number.isInteger(this.bootstrapCount) || this.bootstrapCount < 0) {
      throw new PrunerError('invalid-option', `bootstrapCount must be an integer >= 0, got ${this.bootstrapCount}`, 'bootstrapCount');
    }
    if (this.bootstrapCount > 0 && this.minResource === 'auto') {
      // As in Optuna: with 'auto' the rungs are unknown until a trial completes, so a bootstrap
      // count could not be honoured for the trials already past the first rung.
      throw new PrunerError('invalid-option', 'bootstrapCount needs an explicit minResource, not "auto"', 'bootstrapCount');
    }
  }

  shouldPrune(study: StudyView, trial: FrozenTrial): boolean {
    if (study.directions.length !== 1) return false;
    const step = lastStep(trial);
    if (step === undefined) return false;
    const minResource = this.minResource === 'auto' ? estimateMinResource(study.trials) : this.minResource;
    if (minResource === undefined) return false;
    const maximize = study.directions[0] === 'maximize';
    const value = trial.intermediateValues.get(step) as number;

    // Rungs whose end an earlier report already reached were judged at that report.
    let previous = -Infinity;
    for (const s of trial.intermediateValues.keys()) if (s !== step && s > previous) previous = s;
    let rung = 0;
    while (this.rungEnd(minResource, rung) <= previous) rung++;

    for (; this.rungEnd(minResource, rung) <= step; rung++) {
      if (Number.isNaN(value)) return true;
      const end = this.rungEnd(minResource, rung);
      const competing = [value];
      for (const other of study.trials) {
        if (other.id === trial.id) continue;
        const v = valueAtRung(other, end);
        if (v !== undefined) competing.push(v);
      }
      // `competing` includes this trial, hence <= (Optuna's bootstrap rule).
      if (competing.length <= this.bootstrapCount) return true;
      if (!isPromotable(value, competing, this.reductionFactor, maximize)) return true;
    }
    return false;
  }

  private rungEnd(minResource: number, rung: number): number {
    return minResource * this.reductionFactor ** (this.minEarlyStoppingRate + rung);
  }
}

/**
 * Optuna's _is_trial_promotable_to_next_rung: promote when the value is within the best
 * floor(n / reductionFactor) of the n competing values. While fewer than reductionFactor trials
 * have reached the rung, that count is 0, and Optuna (which cannot pause trials to wait for
 * more) promotes only a value that is the best so far.
 */
export function isPromotable(value: number, competing: readonly number[], reductionFactor: number, maximize: boolean): boolean {
  let index = Math.floor(competing.length / reductionFactor) - 1;
  if (index === -1) index = 0;
  const sorted = [...competing].sort((a, b) => a - b);
  return maximize ? value >= (sorted[sorted.length - 1 - index] as number) : value <= (sorted[index] as number);
}

/**
 * Optuna's 'auto' min resource: last step / 100 (integer division), at least 1. Optuna fixes it
 * at the first pruning check after a trial completes; taking the earliest completed trial keeps
 * it fixed without storing it.
 */
function estimateMinResource(trials: readonly FrozenTrial[]): number | undefined {
  let first: FrozenTrial | undefined;
  let firstStep: number | undefined;
  for (const t of trials) {
    if (t.state !== 'complete') continue;
    const step = lastStep(t);
    if (step === undefined) continue;
    if (first === undefined || completedEarlier(t, first)) {
      first = t;
      firstStep = step;
    }
  }
  return firstStep === undefined ? undefined : Math.max(Math.floor(firstStep / 100), 1);
}

function completedEarlier(a: FrozenTrial, b: FrozenTrial): boolean {
  const ta = a.datetimeComplete?.getTime() ?? Infinity;
  const tb = b.datetimeComplete?.getTime() ?? Infinity;
  return ta !== tb ? ta < tb : a.number < b.number;
}

/**
 * A trial's value at the rung ending at `end`: the value it reported at its first step at or
 * past `end`. Undefined when it has not got there, or reported NaN there (Optuna prunes such a
 * trial without recording a rung value).
 */
function valueAtRung(trial: FrozenTrial, end: number): number | undefined {
  let firstStep: number | undefined;
  for (const s of trial.intermediateValues.keys()) if (s >= end && (firstStep === undefined || s < firstStep)) firstStep = s;
  if (firstStep === undefined) return undefined;
  const v = trial.intermediateValues.get(firstStep) as number;
  return Number.isNaN(v) ? undefined : v;
}
