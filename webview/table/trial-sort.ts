/**
 * The trials table's order. Keys: 'number', 'state', 'duration', 'value:<objective index>',
 * 'param:<name>'. Trials without the key (no value yet, a conditional parameter they did not
 * use) go last in both directions, and ties keep trial-number order, so the order is stable
 * while a study runs.
 */
import type { TrialStateName, TrialSummary } from '../../src/protocol/dashboard-messages';
import { trialDuration } from '../shell/format';
import type { SortOrder } from '../state/ui-state';

type Key = number | string | null;

const STATE_ORDER: Readonly<Record<TrialStateName, number>> = { running: 0, waiting: 1, complete: 2, pruned: 3, fail: 4 };

function keyOf(t: TrialSummary, key: string, now: number): Key {
  if (key === 'number') return t.number;
  if (key === 'state') return STATE_ORDER[t.state];
  if (key === 'duration') return trialDuration(t, now);
  if (key.startsWith('value:')) {
    const v = t.values?.[Number(key.slice(6))];
    return v === undefined || Number.isNaN(v) ? null : v;
  }
  if (key.startsWith('param:')) {
    const v = t.params[key.slice(6)];
    if (v === undefined || v === null) return null;
    if (typeof v === 'number' || typeof v === 'string') return v;
    return JSON.stringify(v);
  }
  return t.number;
}

function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // Numbers before strings, as a spreadsheet does with mixed columns.
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** `trials` in the table's order (a new array). */
export function sortTrials(trials: readonly TrialSummary[], order: SortOrder, now: number): TrialSummary[] {
  const keyed = trials.map((t) => ({ t, k: keyOf(t, order.key, now) }));
  const sign = order.descending ? -1 : 1;
  keyed.sort((a, b) => {
    if (a.k === null || b.k === null) {
      if (a.k === b.k) return a.t.number - b.t.number;
      return a.k === null ? 1 : -1;
    }
    return sign * compareKeys(a.k, b.k) || a.t.number - b.t.number;
  });
  return keyed.map((e) => e.t);
}
