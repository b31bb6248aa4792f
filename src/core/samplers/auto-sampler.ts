/**
 * The sampler users get when they choose none: at each ask it picks a sampler from the search
 * space and the study so far, in the spirit of OptunaHub's AutoSampler, with rules measured on
 * this project's bench (bench/samplers, results in bench/results/samplers.md):
 *
 *   1. several objectives                            -> TPE in its multi-objective form (MOTPE)
 *      or NSGA-II (see MULTI_OBJECTIVE_CHOICE);
 *   2. a conditional parameter, or more categorical
 *      parameters than numeric ones                    -> TPE (multivariate, grouped, constant
 *                                                        liar): a GP's kernel has no notion of a
 *                                                        parameter that is absent, and treats
 *                                                        choices as corners of a cube;
 *   3. more than GP_MAX_DIMENSIONS parameters        -> TPE;
 *   4. GP_MAX_TRIALS finished trials or more         -> TPE: a GP's ask grows with the cube of
 *                                                        the history (Cholesky), TPE's linearly;
 *   5. otherwise (a small mostly numeric space,
 *      a budget of a few hundred trials)             -> Gaussian-process BO, the most sample-
 *                                                        efficient of the lot there.
 *
 * Each ask's choice is readable through `lastChoice` and `trialSystemAttrs()`, which a study
 * records on the trial under AUTO_SAMPLER_ATTR so users see what ran.
 */
import type { JsonValue, ParamValue } from '../space/distributions';
import { isSingle } from '../space/distributions';
import type { ParameterSpec, SearchSpace } from '../space/search-space';
import type { StudyView } from '../study/trial';
import { GpSampler } from './gp-sampler';
import { Nsga2Sampler } from './nsga2-sampler';
import type { Sampler } from './sampler';
import { freshSeed } from './sampler-rng';
import { TpeSampler } from './tpe';

/** Trial system attribute naming the sampler the automatic sampler used for that trial. */
export const AUTO_SAMPLER_ATTR = 'tunekit:auto_sampler';

/** GP is used up to this many parameters (the bench's GP ask at 10-D, 300 trials stays well under 0.5 s). */
export const GP_MAX_DIMENSIONS = 10;
/** ... and while fewer trials than this have finished. */
export const GP_MAX_TRIALS = 300;
/** The multi-objective pick, from the ZDT1/ZDT2 rows of the bench. */
export const MULTI_OBJECTIVE_CHOICE: 'tpe' | 'nsga2' = 'nsga2';

export type AutoChoice = 'gp' | 'tpe' | 'nsga2';

export interface AutoDecision {
  readonly sampler: AutoChoice;
  /** Why, in words a user reads in the trial's attributes. */
  readonly reason: string;
}

export interface AutoSamplerOptions {
  readonly seed?: number;
  readonly gpMaxDimensions?: number;
  readonly gpMaxTrials?: number;
}

/** The rules above, as a pure function of the space and the study. */
export function chooseSampler(study: StudyView, space: SearchSpace, limits: { gpMaxDimensions: number; gpMaxTrials: number } = { gpMaxDimensions: GP_MAX_DIMENSIONS, gpMaxTrials: GP_MAX_TRIALS }): AutoDecision {
  if (study.directions.length > 1) {
    return { sampler: MULTI_OBJECTIVE_CHOICE, reason: `${study.directions.length} objectives` };
  }
  const free = space.parameters.filter((p) => !isSingle(p.distribution));
  const conditional = free.filter((p: ParameterSpec) => p.condition !== undefined).length;
  if (conditional > 0) return { sampler: 'tpe', reason: `${conditional} conditional parameter(s)` };
  const categorical = free.filter((p) => p.distribution.type === 'categorical').length;
  if (categorical > free.length - categorical) {
    return { sampler: 'tpe', reason: `${categorical} of ${free.length} parameters are categorical` };
  }
  if (free.length > limits.gpMaxDimensions) return { sampler: 'tpe', reason: `${free.length} parameters (GP up to ${limits.gpMaxDimensions})` };
  let finished = 0;
  for (const t of study.trials) if (t.state === 'complete' || t.state === 'pruned') finished++;
  if (finished >= limits.gpMaxTrials) return { sampler: 'tpe', reason: `${finished} finished trials (GP up to ${limits.gpMaxTrials})` };
  return { sampler: 'gp', reason: `${free.length} parameters, ${finished} finished trials` };
}

export class AutoSampler implements Sampler {
  readonly name = 'auto';
  private readonly seed: number;
  private readonly limits: { gpMaxDimensions: number; gpMaxTrials: number };
  private readonly delegates = new Map<AutoChoice, Sampler>();
  private current: Sampler | undefined;
  private decision: AutoDecision | undefined;

  constructor(options: AutoSamplerOptions = {}) {
    this.seed = options.seed ?? freshSeed();
    this.limits = { gpMaxDimensions: options.gpMaxDimensions ?? GP_MAX_DIMENSIONS, gpMaxTrials: options.gpMaxTrials ?? GP_MAX_TRIALS };
  }

  /** What the last ask used, and why. */
  get lastChoice(): AutoDecision | undefined {
    return this.decision;
  }

  /** System attributes for the trial just sampled: which sampler ran, and why. */
  trialSystemAttrs(): Record<string, JsonValue> {
    return this.decision ? { [AUTO_SAMPLER_ATTR]: { sampler: this.decision.sampler, reason: this.decision.reason } } : {};
  }

  sampleRelative(study: StudyView, space: SearchSpace): Record<string, ParamValue> {
    this.decision = chooseSampler(study, space, this.limits);
    this.current = this.delegate(this.decision.sampler);
    return this.current.sampleRelative(study, space);
  }

  sampleIndependent(study: StudyView, param: ParameterSpec, chosen: Readonly<Record<string, ParamValue>>): ParamValue {
    // The contract calls sampleRelative first; a caller that skipped it gets TPE, which handles anything.
    return (this.current ?? this.delegate('tpe')).sampleIndependent(study, param, chosen);
  }

  /** One long-lived delegate per kind, so samplers that keep state across asks (GP warm starts, NSGA-II) keep it. */
  private delegate(choice: AutoChoice): Sampler {
    let s = this.delegates.get(choice);
    if (!s) {
      s = choice === 'gp' ? new GpSampler({ seed: this.seed }) : choice === 'nsga2' ? new Nsga2Sampler({ seed: this.seed }) : new TpeSampler({ seed: this.seed });
      this.delegates.set(choice, s);
    }
    return s;
  }
}
