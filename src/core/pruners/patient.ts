/**
 * Patient pruning, after Optuna's PatientPruner: a trial is a candidate for stopping once its
 * best value over the last `patience` + 1 reports is no better (by more than minDelta) than its
 * best before them, i.e. it has plateaued. With a wrapped pruner, a plateaued trial is stopped
 * only if the wrapped pruner agrees; alone, a plateau is enough.
 *
 * "Last reports", not "last steps": steps need not be contiguous, so patience counts reports,
 * as Optuna does. NaN values are skipped when finding the bests (numpy nanmin / nanmax); a
 * trial whose recent reports are all NaN has not improved.
 *
 * minDelta follows Keras' EarlyStopping: an improvement smaller than minDelta does not count,
 * and an equal value is no improvement (an exactly flat curve is a plateau). Optuna 3.1 reads
 * it the other way round (a plateau needs the recent best to be worse than the earlier best plus
 * minDelta, so a larger minDelta prunes less), which surprises users who know Keras.
 */
import type { FrozenTrial, StudyView } from '../study/trial';
import { bestValue } from './percentile';
import type { Pruner } from './pruner';
import { PrunerError } from './pruner-error';

export interface PatientPrunerOptions {
  /** Reports without improvement tolerated before the trial counts as plateaued. */
  readonly patience?: number;
  /** How much better a value must be to count as an improvement (Optuna: 0). */
  readonly minDelta?: number;
}

export class PatientPruner implements Pruner {
  readonly name = 'patient';
  private readonly patience: number;
  private readonly minDelta: number;

  constructor(
    options: PatientPrunerOptions = {},
    private readonly wrapped?: Pruner,
  ) {
    const patience = options.patience ?? 3;
    if (!Number.isInteger(patience) || patience < 0) {
      throw new PrunerError('invalid-option', `patience must be an integer >= 0, got ${patience}`, 'patience');
    }
    const minDelta = options.minDelta ?? 0;
    if (typeof minDelta !== 'number' || !(minDelta >= 0)) {
      throw new PrunerError('invalid-option', `minDelta must be a number >= 0, got ${minDelta}`, 'minDelta');
    }
    this.patience = patience;
    this.minDelta = minDelta;
  }

  shouldPrune(study: StudyView, trial: FrozenTrial): boolean {
    if (study.directions.length !== 1) return false;
    const steps = [...trial.intermediateValues.keys()].sort((a, b) => a - b);
    if (steps.length <= this.patience + 1) return false;
    const split = steps.length - this.patience - 1;
    const values = steps.map((s) => trial.intermediateValues.get(s) as number);
    const maximize = study.directions[0] === 'maximize';
    const before = bestValue(values.slice(0, split), maximize);
    const after = bestValue(values.slice(split), maximize);
    if (Number.isNaN(before)) return false; // nothing to compare against yet
    const plateaued = Number.isNaN(after) || (maximize ? after <= before + this.minDelta : after >= before - this.minDelta);
    if (!plateaued) return false;
    return this.wrapped === undefined ? true : this.wrapped.shouldPrune(study, trial);
  }
}

