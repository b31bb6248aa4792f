/** The best trial of a study for one objective, and the best-so-far curve, both respecting the direction. */
import type { TrialSummary } from '../../src/protocol/dashboard-messages';

export type Direction = 'minimize' | 'maximize';

const better = (a: number, b: number, direction: Direction): boolean => (direction === 'minimize' ? a < b : a > b);

/** Completed trials' value of objective `index`, skipping trials without a finite value. */
export function objectiveValue(t: TrialSummary, index: number): number | null {
  if (t.state !== 'complete' || t.values === null) return null;
  const v = t.values[index];
  return v !== undefined && Number.isFinite(v) ? v : null;
}

export function bestTrial(trials: readonly TrialSummary[], index: number, direction: Direction): TrialSummary | undefined {
  let best: TrialSummary | undefined;
  let bestValue = 0;
  for (const t of trials) {
    const v = objectiveValue(t, index);
    if (v === null) continue;
    if (best === undefined || better(v, bestValue, direction)) {
      best = t;
      bestValue = v;
    }
  }
  return best;
}

/** [trial number, best value so far] at each completed trial that improved on the ones before. */
export function bestSoFar(trials: readonly TrialSummary[], index: number, direction: Direction): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  let best: number | null = null;
  for (const t of trials) {
    const v = objectiveValue(t, index);
    if (v === null) continue;
    if (best === null || better(v, best, direction)) {
      best = v;
      out.push({ x: t.number, y: v });
    }
  }
  return out;
}
