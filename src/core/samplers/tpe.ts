/**
 * Tree-structured Parzen Estimator (Bergstra et al., "Algorithms for Hyper-Parameter
 * Optimization", NeurIPS 2011), univariate, with the defaults of Optuna's TPESampler.
 *
 * For each parameter, finished trials are split into the best gamma(n) ("below") and the rest
 * ("above"); a Parzen estimator l(x) is fitted to the below values and g(x) to the above ones;
 * n_ei_candidates draws from l(x) are scored by log l(x) - log g(x), which ranks them as
 * expected improvement does (Bergstra et al. 2011, section 4.1), and the best one is proposed.
 * Each parameter is modelled independently, which is what keeps conditional ("tree-structured")
 * spaces simple: a parameter's estimators see only the trials in which it was present.
 *
 * Multi-objective studies get random proposals for now: Optuna's MOTPE needs the hypervolume
 * subset selection that Tunekit does not have yet.
 */
import { type Distribution, type ParamValue, jsonEquals } from '../space/distributions';
import type { ParameterSpec, SearchSpace } from '../space/search-space';
import type { FrozenTrial, StudyView } from '../study/trial';
import { type ParzenEstimator, categoricalParzenEstimator, defaultWeights, numericParzenEstimator } from './parzen-estimator';
import { sampleUniform } from './random';
import type { Sampler } from './sampler';
import { SamplerError } from './sampler-error';
import { freshSeed, proposalRng } from './sampler-rng';

export interface TpeSamplerOptions {
  /** Fixes every proposal for a given study history. */
  readonly seed?: number;
  /** Random proposals until this many trials have finished (Optuna: 10). */
  readonly nStartupTrials?: number;
  /** Draws from l(x) scored per proposal (Optuna: 24, Bergstra et al. 2011). */
  readonly nEiCandidates?: number;
  /** Weight of each estimator's prior kernel (Optuna: 1.0). */
  readonly priorWeight?: number;
  /** How many of n finished trials form the "below" (good) group. */
  readonly gamma?: (n: number) => number;
  /** Weights of n observations, oldest first. */
  readonly weights?: (n: number) => readonly number[];
  /**
   * Rank pruned trials after every completed trial, the deeper the better, then by their last
   * reported value, as Optuna does, so early-stopped runs still teach TPE where not to look.
   */
  readonly considerPrunedTrials?: boolean;
}

/**
 * Optuna's default_gamma: the best 10% of finished trials, at most 25, form l(x). Bergstra et
 * al. used a fixed quantile; the cap keeps l(x) from diluting as a study grows.
 */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** One finished trial as TPE ranks it: smaller (stepKey, loss) is better. */
interface Observation {
  readonly trial: FrozenTrial;
  /** -Infinity for completed trials; minus the last step for pruned ones (deeper is better). */
  readonly stepKey: number;
  /** The value to minimise: the objective, negated for 'maximize'; NaN ranks last. */
  readonly loss: number;
}

export class TpeSampler implements Sampler {
  readonly name = 'tpe';
  private readonly seed: number;
  private readonly nStartupTrials: number;
  private readonly nEiCandidates: number;
  private readonly priorWeight: number;
  private readonly gamma: (n: number) => number;
  private readonly weights: (n: number) => readonly number[];
  private readonly considerPrunedTrials: boolean;

  constructor(options: TpeSamplerOptions = {}) {
    this.seed = options.seed ?? freshSeed();
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.nEiCandidates = options.nEiCandidates ?? 24;
    this.priorWeight = options.priorWeight ?? 1.0;
    this.gamma = options.gamma ?? defaultGamma;
    this.weights = options.weights ?? defaultWeights;
    this.considerPrunedTrials = options.considerPrunedTrials ?? true;
    if (!Number.isInteger(this.nStartupTrials) || this.nStartupTrials < 0) {
      throw new SamplerError('invalid-option', `TPE nStartupTrials must be a non-negative integer, got ${this.nStartupTrials}`);
    }
    if (!Number.isInteger(this.nEiCandidates) || this.nEiCandidates < 1) {
      throw new SamplerError('invalid-option', `TPE nEiCandidates must be a positive integer, got ${this.nEiCandidates}`);
    }
    if (!(this.priorWeight > 0) || !Number.isFinite(this.priorWeight)) {
      throw new SamplerError('invalid-option', `TPE priorWeight must be a positive number, got ${this.priorWeight}`);
    }
  }

  /** Univariate TPE models every parameter on its own, in sampleIndependent. */
  sampleRelative(_study: StudyView, _space: SearchSpace): Record<string, ParamValue> {
    return {};
  }

  sampleIndependent(study: StudyView, param: ParameterSpec, _chosen: Readonly<Record<string, ParamValue>>): ParamValue {
    const dist = param.distribution;
    const single = singleValue(dist);
    if (single !== undefined) return single;
    // The same generator RandomSampler would use, so the startup phase is exactly random search.
    const rng = proposalRng(this.seed, study, param.name);
    if (study.directions.length !== 1) return sampleUniform(dist, rng);

    const observations = this.observations(study);
    if (observations.length < this.nStartupTrials || observations.length === 0) return sampleUniform(dist, rng);

    const nBelow = Math.max(0, Math.min(observations.length, Math.floor(this.gamma(observations.length))));
    const ranked = observations.map((_, i) => i).sort((i, j) => compare(observations[i] as Observation, observations[j] as Observation) || i - j);
    const isBelow = new Array<boolean>(observations.length).fill(false);
    for (const i of ranked.slice(0, nBelow)) isBelow[i] = true;

    // Chronological order within each group matters: the weights favour recent trials.
    const below: number[] = [];
    const above: number[] = [];
    observations.forEach((o, i) => {
      const x = encode(dist, o.trial.params, param.name);
      if (x !== undefined) (isBelow[i] ? below : above).push(x);
    });

    const settings = { priorWeight: this.priorWeight, weights: this.weights };
    const l = estimator(dist, below, settings);
    const g = estimator(dist, above, settings);
    let best = NaN;
    let bestScore = -Infinity;
    for (const x of l.sample(rng, this.nEiCandidates)) {
      const score = l.logPdf(x) - g.logPdf(x);
      if (Number.isNaN(best) || score > bestScore) {
        best = x;
        bestScore = Number.isNaN(score) ? -Infinity : score;
      }
    }
    return dist.type === 'categorical' ? (dist.choices[best] as ParamValue) : best;
  }

  /** Completed (and, if enabled, pruned) trials of a single-objective study, in number order. */
  private observations(study: StudyView): Observation[] {
    const sign = study.directions[0] === 'maximize' ? -1 : 1;
    const out: Observation[] = [];
    for (const trial of study.trials) {
      if (trial.state === 'complete') {
        const value = trial.values?.[0];
        if (value === undefined) continue;
        out.push({ trial, stepKey: -Infinity, loss: sign * value });
      } else if (trial.state === 'pruned' && this.considerPrunedTrials) {
        let step: number | undefined;
        for (const s of trial.intermediateValues.keys()) if (step === undefined || s > step) step = s;
        if (step === undefined) {
          // Pruned before reporting anything: behind every pruned trial that reported (Optuna).
          out.push({ trial, stepKey: 1, loss: 0 });
        } else {
          out.push({ trial, stepKey: -step, loss: sign * (trial.intermediateValues.get(step) as number) });
        }
      }
    }
    return out;
  }
}

function compare(a: Observation, b: Observation): number {
  if (a.stepKey !== b.stepKey) return a.stepKey < b.stepKey ? -1 : 1;
  const la = Number.isNaN(a.loss) ? Infinity : a.loss;
  const lb = Number.isNaN(b.loss) ? Infinity : b.loss;
  return la < lb ? -1 : la > lb ? 1 : 0;
}

function estimator(dist: Distribution, observations: number[], settings: { priorWeight: number; weights: (n: number) => readonly number[] }): ParzenEstimator {
  return dist.type === 'categorical'
    ? categoricalParzenEstimator(dist, observations, settings)
    : numericParzenEstimator(dist, observations, settings);
}

/**
 * A trial's value of the parameter in estimator terms (choice index, or the number itself), or
 * undefined when the trial lacks the parameter or its value no longer fits the distribution
 * (the search space was edited since that trial ran).
 */
function encode(dist: Distribution, params: Readonly<Record<string, ParamValue>>, name: string): number | undefined {
  if (!(name in params)) return undefined;
  const value = params[name] as ParamValue;
  if (dist.type === 'categorical') {
    const index = dist.choices.findIndex((c) => jsonEquals(c, value));
    return index < 0 ? undefined : index;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < dist.low || value > dist.high) return undefined;
  return value;
}

/** The only value of a distribution that admits one, else undefined. */
function singleValue(dist: Distribution): ParamValue | undefined {
  if (dist.type === 'categorical') return dist.choices.length === 1 ? (dist.choices[0] as ParamValue) : undefined;
  if (dist.low === dist.high) return dist.low;
  if (dist.type === 'int') return dist.low + dist.step > dist.high ? dist.low : undefined;
  return dist.step !== null && dist.low + dist.step > dist.high ? dist.low : undefined;
}
