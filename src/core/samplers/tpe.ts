/**
 * Tree-structured Parzen Estimator (Bergstra et al., "Algorithms for Hyper-Parameter
 * Optimization", NeurIPS 2011), with the options of Optuna's TPESampler.
 *
 * Finished trials are split into the best gamma(n) ("below") and the rest ("above"); a Parzen
 * estimator l(x) is fitted to the below values and g(x) to the above ones; n_ei_candidates draws
 * from l(x) are scored by log l(x) - log g(x), which ranks them as expected improvement does
 * (Bergstra et al. 2011, section 4.1), and the best one is proposed.
 *
 * - univariate (multivariate: false): each parameter is modelled on its own, in
 *   sampleIndependent, from the trials in which it was present;
 * - multivariate: the parameters every trial has are modelled jointly with product kernels
 *   (Falkner et al., "BOHB", ICML 2018; Optuna's multivariate=True), in sampleRelative, so
 *   correlated parameters (a valley like Rosenbrock's) are followed instead of averaged away;
 * - group: a conditional space is cut into groups of parameters that always occur together and
 *   each group is modelled jointly (tpe/group-decomposition.ts);
 * - constantLiar: running trials count as the worst observations, so asks made while other
 *   trials run are pushed away from them (tpe/observations.ts);
 * - several objectives: the below group is chosen by non-domination rank and hypervolume
 *   (MOTPE, Ozaki et al. 2022; tpe/multi-objective-split.ts).
 */
import { type Distribution, type ParamValue, jsonEquals } from '../space/distributions';
import type { ParameterSpec, SearchSpace } from '../space/search-space';
import type { StudyView } from '../study/trial';
import type { Rng } from '../random/rng';
import { defaultWeights } from './parzen-estimator';
import { sampleUniform } from './random';
import type { Sampler } from './sampler';
import { SamplerError } from './sampler-error';
import { freshSeed, proposalRng } from './sampler-rng';
import { decomposeGroups, intersectionGroup } from './tpe/group-decomposition';
import { type TpeObservation, collectObservations, finishedCount, splitBelow } from './tpe/observations';
import { type MixtureDimension, ParzenMixture } from './tpe/parzen-mixture';

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
  /** Model the parameters all trials share jointly (default true; see the bench in bench/samplers). */
  readonly multivariate?: boolean;
  /** With multivariate: also model each group of co-occurring conditional parameters jointly (default true). */
  readonly group?: boolean;
  /** Treat running trials as the worst observations, so parallel asks spread out (default true). */
  readonly constantLiar?: boolean;
  /** Kernel normalisation of the Parzen estimators (see MixtureSettings.kernels). */
  readonly kernels?: 'mass' | 'peak';
  /** Kernel widths of joint (multivariate) estimators (see MixtureSettings.bandwidth); default 'neighbour' (bench/samplers). */
  readonly bandwidth?: 'scott' | 'neighbour';
  /**
   * How much narrower than Bergstra's magic clip, (high - low) / (n + 1), a kernel may get; it is
   * never narrower than 1% of the range. 1 is Optuna's. The default, 6, lets kernels tighten
   * where the good trials cluster, which is where the last digits of a 100-trial study come
   * from: on held-out seeds of the bench it took Branin from 0.4218 to 0.3997 and Ackley-10
   * from 15.4 to 11.9 without losing elsewhere (npm run bench:samplers shows the factor 1 row).
   */
  readonly magicClipFactor?: number;
}

/**
 * Optuna's default_gamma: the best 10% of finished trials, at most 25, form l(x). Bergstra et
 * al. used a fixed quantile; the cap keeps l(x) from diluting as a study grows.
 */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** The parameters of one jointly modelled group, with their current distributions. */
interface GroupDims {
  readonly names: readonly string[];
  readonly dists: readonly MixtureDimension[];
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
  private readonly multivariate: boolean;
  private readonly group: boolean;
  private readonly constantLiar: boolean;
  private readonly kernels: 'mass' | 'peak';
  private readonly bandwidth: 'scott' | 'neighbour';
  private readonly magicClipFactor: number;

  constructor(options: TpeSamplerOptions = {}) {
    this.seed = options.seed ?? freshSeed();
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.nEiCandidates = options.nEiCandidates ?? 24;
    this.priorWeight = options.priorWeight ?? 1.0;
    this.gamma = options.gamma ?? defaultGamma;
    this.weights = options.weights ?? defaultWeights;
    this.considerPrunedTrials = options.considerPrunedTrials ?? true;
    this.multivariate = options.multivariate ?? true;
    this.group = options.group ?? true;
    this.constantLiar = options.constantLiar ?? true;
    this.kernels = options.kernels ?? 'mass';
    this.bandwidth = options.bandwidth ?? 'neighbour';
    this.magicClipFactor = options.magicClipFactor ?? 6;
    if (!Number.isInteger(this.nStartupTrials) || this.nStartupTrials < 0) {
      throw new SamplerError('invalid-option', `TPE nStartupTrials must be a non-negative integer, got ${this.nStartupTrials}`);
    }
    if (!Number.isInteger(this.nEiCandidates) || this.nEiCandidates < 1) {
      throw new SamplerError('invalid-option', `TPE nEiCandidates must be a positive integer, got ${this.nEiCandidates}`);
    }
    if (!(this.magicClipFactor >= 1) || !Number.isFinite(this.magicClipFactor)) {
      throw new SamplerError('invalid-option', `TPE magicClipFactor must be a number >= 1, got ${this.magicClipFactor}`);
    }
    if (!(this.priorWeight > 0) || !Number.isFinite(this.priorWeight)) {
      throw new SamplerError('invalid-option', `TPE priorWeight must be a positive number, got ${this.priorWeight}`);
    }
  }

  /** Multivariate TPE: one joint proposal per group of parameters that occur together. */
  sampleRelative(study: StudyView, space: SearchSpace): Record<string, ParamValue> {
    if (!this.multivariate) return {};
    const observations = this.observations(study);
    const n = finishedCount(observations);
    if (n < this.nStartupTrials || n === 0) return {};

    const modelled = space.parameters.filter((p) => singleValue(p.distribution) === undefined);
    const byName = new Map(modelled.map((p) => [p.name, p]));
    const order = modelled.map((p) => p.name);
    // Trials mostly share a handful of parameter sets: decompose each distinct set once. Runs
    // of trials with the same names as the one before are skipped without building their key.
    const distinct = new Map<string, Set<string>>();
    let previous: readonly string[] | undefined;
    for (const o of observations) {
      if (o.stepKey === Infinity || (previous !== undefined && sameNames(o.trial.params, previous))) continue;
      const names = Object.keys(o.trial.params);
      previous = names;
      const key = names.join('\u0000');
      if (!distinct.has(key)) distinct.set(key, new Set(names.filter((name) => byName.has(name))));
    }
    const paramSets = [...distinct.values()];
    const groups = this.group ? decomposeGroups(paramSets, order) : [intersectionGroup(paramSets, order)];

    const rng = proposalRng(this.seed, study, 'tpe:relative');
    const out: Record<string, ParamValue> = {};
    for (const names of groups) {
      if (names.length === 0) continue;
      const dims: GroupDims = { names, dists: names.map((name) => (byName.get(name) as ParameterSpec).distribution) };
      const proposal = this.propose(study, observations, dims, rng);
      if (proposal) Object.assign(out, proposal);
    }
    return out;
  }

  /** Univariate TPE, for parameters the relative proposal did not cover. */
  sampleIndependent(study: StudyView, param: ParameterSpec, _chosen: Readonly<Record<string, ParamValue>>): ParamValue {
    const dist = param.distribution;
    const single = singleValue(dist);
    if (single !== undefined) return single;
    // The same generator RandomSampler would use, so the startup phase is exactly random search.
    const rng = proposalRng(this.seed, study, param.name);
    const observations = this.observations(study);
    const n = finishedCount(observations);
    if (n < this.nStartupTrials || n === 0) return sampleUniform(dist, rng);
    const proposal = this.propose(study, observations, { names: [param.name], dists: [dist] }, rng);
    return proposal ? (proposal[param.name] as ParamValue) : sampleUniform(dist, rng);
  }

  /**
   * The best of nEiCandidates draws from l(x) for one group, scored by log l(x) - log g(x);
   * undefined when no finished trial holds the whole group.
   */
  private propose(study: StudyView, all: readonly TpeObservation[], dims: GroupDims, rng: Rng): Record<string, ParamValue> | undefined {
    const d = dims.names.length;
    // The encoded values of the observations that hold the whole group, row by row.
    const held: TpeObservation[] = [];
    const encoded = new Float64Array(all.length * d);
    for (const o of all) {
      const row = held.length * d;
      let j = 0;
      for (; j < d; j++) {
        const x = encode(dims.dists[j] as Distribution, o.trial.params, dims.names[j] as string);
        if (x === undefined) break;
        encoded[row + j] = x;
      }
      if (j === d) held.push(o);
    }
    const n = finishedCount(held);
    if (n === 0) return undefined;
    const nBelow = Math.max(0, Math.min(n, Math.floor(this.gamma(n))));
    const isBelow = splitBelow(held, nBelow, study.directions.length);

    // One column per parameter for each group. Chronological order within each group matters:
    // the weights favour recent trials.
    let belowCount = 0;
    for (const b of isBelow) if (b) belowCount++;
    const below = dims.names.map(() => new Float64Array(belowCount));
    const above = dims.names.map(() => new Float64Array(held.length - belowCount));
    for (let i = 0, b = 0, a = 0; i < held.length; i++) {
      const target = isBelow[i] ? below : above;
      const at = isBelow[i] ? b++ : a++;
      for (let j = 0; j < d; j++) (target[j] as Float64Array)[at] = encoded[i * d + j] as number;
    }
    // A one-parameter group is univariate TPE, whose neighbour bandwidth adapts to the data.
    const bandwidth = d === 1 ? 'neighbour' : this.bandwidth;
    const fit = (columns: Float64Array[]): ParzenMixture =>
      ParzenMixture.fit(dims.dists, columns, { priorWeight: this.priorWeight, weights: this.weights((columns[0] as Float64Array).length), bandwidth, kernels: this.kernels, magicClipFactor: this.magicClipFactor });
    const l = fit(below);
    const g = fit(above);
    const candidates = l.sample(rng, this.nEiCandidates);
    const lScore = l.logPdf(candidates, this.nEiCandidates);
    const gScore = g.logPdf(candidates, this.nEiCandidates);
    let best = 0;
    let bestScore = -Infinity;
    for (let j = 0; j < this.nEiCandidates; j++) {
      const score = (lScore[j] as number) - (gScore[j] as number);
      if (score > bestScore) {
        bestScore = score;
        best = j;
      }
    }
    const out: Record<string, ParamValue> = {};
    dims.names.forEach((name, j) => {
      const dist = dims.dists[j] as Distribution;
      const x = (candidates[j] as Float64Array)[best] as number;
      out[name] = dist.type === 'categorical' ? (dist.choices[x] as ParamValue) : x;
    });
    return out;
  }

  private observations(study: StudyView): TpeObservation[] {
    return collectObservations(study, { considerPrunedTrials: this.considerPrunedTrials, constantLiar: this.constantLiar });
  }
}

/**
 * A trial's value of the parameter in estimator terms (choice index, or the number itself), or
 * undefined when the trial lacks the parameter or its value no longer fits the distribution
 * (the search space was edited since that trial ran).
 */
function encode(dist: Distribution, params: Readonly<Record<string, ParamValue>>, name: string): number | undefined {
  // One lookup: a stored parameter value is never undefined, so undefined means absent.
  const value = params[name];
  if (value === undefined) return undefined;
  if (dist.type === 'categorical') {
    const index = dist.choices.findIndex((c) => jsonEquals(c, value));
    return index < 0 ? undefined : index;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < dist.low || value > dist.high) return undefined;
  return value;
}

/** Whether `params` has exactly `names`, in that order (the order Object.keys gives). */
function sameNames(params: Readonly<Record<string, ParamValue>>, names: readonly string[]): boolean {
  let i = 0;
  for (const name in params) if (name !== names[i++]) return false;
  return i === names.length;
}

/** The only value of a distribution that admits one, else undefined. */
function singleValue(dist: Distribution): ParamValue | undefined {
  if (dist.type === 'categorical') return dist.choices.length === 1 ? (dist.choices[0] as ParamValue) : undefined;
  if (dist.low === dist.high) return dist.low;
  if (dist.type === 'int') return dist.low + dist.step > dist.high ? dist.low : undefined;
  return dist.step !== null && dist.low + dist.step > dist.high ? dist.low : undefined;
}
