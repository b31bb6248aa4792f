/**
 * What the analysis charts draw: completed trials with finite objective values. Running trials
 * change many times a second while they report steps; these charts ignore that and redraw only
 * when a trial finished, an already drawn trial changed, or the selection changed.
 */
import type { TrialSummary } from '../../src/protocol/dashboard-messages';
import type { ChangeSet, DashboardModel } from '../state/dashboard-model';

/** Completed trials whose values are all finite numbers, in trial order. */
export function completedTrials(model: DashboardModel): TrialSummary[] {
  return model.trials.filter((t) => t.state === 'complete' && t.values !== null && t.values.length > 0 && t.values.every(Number.isFinite));
}

/** The trial with this number (model.trials is in number order). */
export function trialByNumber(model: DashboardModel, number: number): TrialSummary | undefined {
  const trials = model.trials;
  let lo = 0;
  let hi = trials.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = trials[mid] as TrialSummary;
    if (t.number === number) return t;
    if (t.number < number) lo = mid + 1;
    else hi = mid - 1;
  }
  return trials.find((t) => t.number === number);
}

/**
 * Remembers which trials a chart drew, to answer "does this change set need a redraw?" cheaply:
 * new steps of running trials do not; a trial that completed, or one drawn before that changed
 * (failed on a rerun, say), does.
 */
export class DrawnTrials {
  private drawn = new Set<number>();

  needsRedraw(model: DashboardModel, changes: ChangeSet): boolean {
    if (changes.all || changes.selection) return true;
    for (const n of changes.trials) {
      if (this.drawn.has(n)) return true;
      const t = trialByNumber(model, n);
      if (t && t.state === 'complete') return true;
    }
    return false;
  }

  remember(trials: readonly TrialSummary[]): void {
    this.drawn = new Set(trials.map((t) => t.number));
  }

  forget(): void {
    this.drawn.clear();
  }
}
