/** The pruner that never prunes (Optuna's NopPruner): every trial runs to its end. */
import type { FrozenTrial, StudyView } from '../study/trial';
import type { Pruner } from './pruner';

export class NopPruner implements Pruner {
  readonly name = 'none';

  shouldPrune(_study: StudyView, _trial: FrozenTrial): boolean {
    return false;
  }
}
