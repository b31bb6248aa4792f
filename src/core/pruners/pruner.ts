/**
 * The pruner contract, after Optuna's BasePruner: one question per reported step. The study
 * calls shouldPrune after each intermediate value of a running trial; `trial` already holds
 * that value. A pruner must not assume steps are contiguous or that other trials are finished.
 */
import type { FrozenTrial, StudyView } from '../study/trial';

export interface Pruner {
  readonly name: string;
  shouldPrune(study: StudyView, trial: FrozenTrial): boolean;
}
