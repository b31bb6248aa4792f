/**
 * Which trial's parameters an apply writes, and the edit check both appliers share. The CLI's
 * `tunekit apply` and the editor's Apply commands phrase the problems differently (a flag to
 * pass, a dashboard to open), so the choice returns a typed problem and each side words it.
 */
import type { Study } from '../../core/study/study';
import type { FrozenTrial, TrialState } from '../../core/study/trial';
import { parsePython, syntaxErrorLines } from '../python-parser';

export type TrialChoiceProblem =
  | { readonly kind: 'no-such-trial'; readonly number: number; readonly trialCount: number }
  | { readonly kind: 'not-complete'; readonly number: number; readonly state: TrialState; readonly best?: number }
  | { readonly kind: 'several-objectives'; readonly objectives: number; readonly paretoFront: readonly number[] }
  | { readonly kind: 'no-complete-trial' };

/** A complete trial by number, or the best of a single-objective study. */
export function chooseTrial(study: Study, which: number | 'best'): FrozenTrial | TrialChoiceProblem {
  if (which !== 'best') {
    const trial = study.trials.find((t) => t.number === which);
    if (!trial) return { kind: 'no-such-trial', number: which, trialCount: study.trials.length };
    if (trial.state !== 'complete') {
      const best = study.directions.length === 1 ? study.bestTrial?.number : undefined;
      return { kind: 'not-complete', number: which, state: trial.state, ...(best === undefined ? {} : { best }) };
    }
    return trial;
  }
  if (study.directions.length > 1) {
    const paretoFront = study.bestTrials.map((t) => t.number);
    return paretoFront.length === 0 ? { kind: 'no-complete-trial' } : { kind: 'several-objectives', objectives: study.directions.length, paretoFront };
  }
  return study.bestTrial ?? { kind: 'no-complete-trial' };
}

export function isTrialChoiceProblem(choice: FrozenTrial | TrialChoiceProblem): choice is TrialChoiceProblem {
  return 'kind' in choice;
}

/**
 * Lines with syntax errors in `after` when the edit added some (an apply must never leave a
 * script that parsed worse than before); empty otherwise.
 */
export async function syntaxErrorsAddedByEdit(before: string, after: string): Promise<number[]> {
  const beforeTree = await parsePython(before);
  const afterTree = await parsePython(after);
  try {
    const errorsBefore = syntaxErrorLines(beforeTree).length;
    const errorsAfter = syntaxErrorLines(afterTree);
    return errorsAfter.length > errorsBefore ? errorsAfter : [];
  } finally {
    beforeTree.delete();
    afterTree.delete();
  }
}
