/** Finding a trial by number in the model's trials, which are kept sorted by number. */
import type { TrialSummary } from '../../src/protocol/dashboard-messages';

/** Index of the trial with this number, or -(insertion point) - 1 when there is none. */
export function trialIndex(trials: readonly TrialSummary[], number: number): number {
  let lo = 0;
  let hi = trials.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const n = (trials[mid] as TrialSummary).number;
    if (n === number) return mid;
    if (n < number) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

export function findTrial(trials: readonly TrialSummary[], number: number): TrialSummary | undefined {
  const i = trialIndex(trials, number);
  return i >= 0 ? trials[i] : undefined;
}
