/**
 * Median stopping (Golovin et al., "Google Vizier", KDD 2017), as Optuna's MedianPruner: the
 * percentile pruner at the 50th percentile, so a trial stops when its best value so far is
 * worse than the median of what completed trials reported at the same step.
 */
import { type PercentilePrunerOptions, PercentilePruner } from './percentile';

export type MedianPrunerOptions = PercentilePrunerOptions;

export class MedianPruner extends PercentilePruner {
  override readonly name: string = 'median';

  /** Optuna's defaults: nStartupTrials 5, nWarmupSteps 0, intervalSteps 1, nMinTrials 1. */
  constructor(options: MedianPrunerOptions = {}) {
    super(50, options);
  }
}
