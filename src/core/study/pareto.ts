/** Non-dominated sorting helpers for multi-objective studies. */
import type { Direction, FrozenTrial } from './trial';

/** Does a dominate b: no worse in every objective and better in one (values in minimise form)? */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let better = false;
  for (let i = 0; i < a.length; i++) {
    if ((a[i] as number) > (b[i] as number)) return false;
    if ((a[i] as number) < (b[i] as number)) better = true;
  }
  return better;
}

/** Trials that no other trial dominates, in trial order. */
export function paretoFront(trials: readonly FrozenTrial[], directions: readonly Direction[]): FrozenTrial[] {
  const signed = trials.map((t) => (t.values as readonly number[]).map((v, i) => (directions[i] === 'maximize' ? -v : v)));
  return trials.filter((_, i) => !signed.some((other, j) => j !== i && dominates(other, signed[i] as number[])));
}
