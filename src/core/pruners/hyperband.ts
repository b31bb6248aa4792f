/**
 * Hyperband (Li et al., "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
 * Optimization", JMLR 2018), after Optuna's HyperbandPruner: several successive-halving
 * brackets side by side, from aggressive (judges at the first rung) to patient (first judgement
 * late), because how early a learning curve tells good from bad differs by problem, and
 * Hyperband hedges across it.
 *
 * Bracket s runs asynchronous successive halving with minEarlyStoppingRate s. Each trial
 * belongs to one bracket, chosen by a hash of its number with the weights of Algorithm 1 (the
 * bracket that prunes hardest gets the most trials), and competes only with the trials of its
 * bracket. Like AshaPruner, this keeps no state: brackets and rung values are re-derived from
 * the trials, so a resumed engine or a second worker judges exactly as the first.
 *
 * maxResource 'auto' (Optuna's default) is the last step of the first trial to complete, plus
 * one; until a trial completes nothing is pruned. Optuna fixes it at its first call too.
 */
import { type FrozenTrial, type StudyView, lastStep } from '../study/trial';
import { AshaPruner } from './asha';
import type { Pruner } from './pruner';
import { checkInteger } from './percentile';
import { PrunerError } from './pruner-error';

export interface HyperbandPrunerOptions {
  /** Steps in the first rung of the most aggressive bracket (Optuna: 1). */
  readonly minResource?: number;
  /** The step count of a full run, or 'auto' (Optuna's default). */
  readonly maxResource?: number | 'auto';
  /** eta: each rung keeps the best 1/reductionFactor (Optuna: 3). */
  readonly reductionFactor?: number;
  /** Prune at a rung until more than this many trials have reached it (Optuna: 0). */
  readonly bootstrapCount?: number;
}

interface Brackets {
  readonly pruners: readonly AshaPruner[];
  /** Trials allotted to each bracket per cycle (Hyperband's n_s, as ratios). */
  readonly budgets: readonly number[];
  readonly total: number;
}

export class HyperbandPruner implements Pruner {
  readonly name = 'hyperband';
  private readonly minResource: number;
  private readonly maxResource: number | 'auto';
  private readonly reductionFactor: number;
  private readonly bootstrapCount: number;
  private cached: { maxResource: number; brackets: Brackets } | undefined;

  constructor(options: HyperbandPrunerOptions = {}) {
    this.minResource = checkInteger('minResource', options.minResource ?? 1, 1);
    this.maxResource = options.maxResource ?? 'auto';
    this.reductionFactor = checkInteger('reductionFactor', options.reductionFactor ?? 3, 2);
    this.bootstrapCount = checkInteger('bootstrapCount', options.bootstrapCount ?? 0, 0);
    if (this.maxResource !== 'auto' && (!Number.isInteger(this.maxResource) || this.maxResource < this.minResource)) {
      throw new PrunerError('invalid-option', `maxResource must be "auto" or an integer >= minResource, got ${JSON.stringify(this.maxResource)}`, 'maxResource');
    }
    if (this.bootstrapCount > 0 && this.maxResource === 'auto') {
      throw new PrunerError('invalid-option', 'bootstrapCount needs an explicit maxResource, not "auto"', 'bootstrapCount');
    }
  }

  shouldPrune(study: StudyView, trial: FrozenTrial): boolean {
    if (study.directions.length !== 1) return false;
    const brackets = this.brackets(study.trials);
    if (brackets === undefined) return false;
    const bracket = bracketOf(trial.number, brackets);
    const sameBracket = study.trials.filter((t) => t.id === trial.id || bracketOf(t.number, brackets) === bracket);
    return (brackets.pruners[bracket] as AshaPruner).shouldPrune({ directions: study.directions, trials: sameBracket }, trial);
  }

  /** The bracket a trial belongs to (0 prunes hardest), or undefined before maxResource is known. */
  bracketOf(study: StudyView, trialNumber: number): number | undefined {
    const brackets = this.brackets(study.trials);
    return brackets === undefined ? undefined : bracketOf(trialNumber, brackets);
  }

  /** Number of brackets for a study whose full run is maxResource steps. */
  bracketCount(maxResource: number): number {
    // floor(log_eta(max / min)) + 1, computed without float log error at exact powers.
    let n = 1;
    while (this.minResource * this.reductionFactor ** n <= maxResource) n++;
    return n;
  }

  private brackets(trials: readonly FrozenTrial[]): Brackets | undefined {
    const maxResource = this.maxResource === 'auto' ? firstCompletedSteps(trials) : this.maxResource;
    if (maxResource === undefined) return undefined;
    if (this.cached?.maxResource === maxResource) return this.cached.brackets;
    const n = this.bracketCount(maxResource);
    const pruners: AshaPruner[] = [];
    const budgets: number[] = [];
    for (let id = 0; id < n; id++) {
      const s = n - 1 - id;
      budgets.push(Math.ceil((n * this.reductionFactor ** s) / (s + 1)));
      pruners.push(new AshaPruner({ minResource: this.minResource, reductionFactor: this.reductionFactor, minEarlyStoppingRate: id, bootstrapCount: this.bootstrapCount }));
    }
    const brackets = { pruners, budgets, total: budgets.reduce((a, b) => a + b, 0) };
    this.cached = { maxResource, brackets };
    return brackets;
  }
}

/** The bracket of a trial: a hash of its number spread over the brackets' budgets. */
function bracketOf(trialNumber: number, brackets: Brackets): number {
  let n = mix32(trialNumber) % brackets.total;
  for (let id = 0; id < brackets.budgets.length; id++) {
    n -= brackets.budgets[id] as number;
    if (n < 0) return id;
  }
  return brackets.budgets.length - 1;
}

/** A 32-bit integer hash (murmur3's finaliser) so consecutive trials land in different brackets. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Last step + 1 of the first trial to complete (by completion time, then number). */
function firstCompletedSteps(trials: readonly FrozenTrial[]): number | undefined {
  let best: { at: number; number: number; steps: number } | undefined;
  for (const t of trials) {
    if (t.state !== 'complete') continue;
    const step = lastStep(t);
    if (step === undefined) continue;
    const at = t.datetimeComplete?.getTime() ?? Infinity;
    if (best === undefined || at < best.at || (at === best.at && t.number < best.number)) best = { at, number: t.number, steps: step + 1 };
  }
  return best?.steps;
}
