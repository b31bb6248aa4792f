/**
 * Gaussian-process Bayesian optimisation, the thin adapter between the Sampler contract and the
 * math in ./gp/ (the same split as Optuna's GPSampler and optuna/_gp). Each ask:
 *   1. encodes the completed trials' always-present parameters as model coordinates
 *      (gp/search-space-encoding.ts) and their objective, minimised, Box-Cox warped and
 *      standardised (gp/output-warping.ts); past maxModelTrials, the best half and a spread of
 *      the rest;
 *   2. fits the Matern 5/2 ARD kernel's hyperparameters by MAP (gp/gaussian-process.ts),
 *      warm-started from this sampler's previous fit;
 *   3. adds running trials as pending points whose value is the posterior mean there (the
 *      "kriging believer" of Ginsbourger et al. 2010), so parallel asks spread out instead of
 *      proposing the same point;
 *   4. maximises log expected improvement (gp/log-ei.ts; Ament et al. 2023) over the coordinates
 *      (gp/acquisition-optimizer.ts) and decodes the winner.
 * Conditional parameters, and every parameter before nStartupTrials trials have completed, come
 * from the random fallback. Failed and pruned trials are left out of the model: a pruned
 * trial's last value is not a value of the objective. Several objectives are outside what a
 * single GP models: the sampler then proposes at random and says so once through onWarning.
 */
import type { Rng } from '../random/rng';
import type { ParamValue } from '../space/distributions';
import type { ParameterSpec, SearchSpace } from '../space/search-space';
import type { FrozenTrial, StudyView } from '../study/trial';
import { type CoordinateDomain, optimizeAcquisition } from './gp/acquisition-optimizer';
import { DEFAULT_MINIMUM_NOISE_VAR, GaussianProcess, type GpInputs, fitKernelParams } from './gp/gaussian-process';
import type { KernelParams } from './gp/kernel-params';
import { LogEiAcquisition } from './gp/log-ei-acquisition';
import { warpObjective } from './gp/output-warping';
import { type GpDimension, allowedCoordinates, decodeValue, encodeValue, gpDimensions, snapCoordinate } from './gp/search-space-encoding';
import { sampleUniform } from './random';
import type { Sampler } from './sampler';
import { SamplerError } from './sampler-error';
import { freshSeed, proposalRng } from './sampler-rng';

export interface GpSamplerOptions {
  /**
   * Fixes the proposals: two samplers with the same seed asked in the same sequence propose the
   * same points, and a new sampler continuing a study proposes what any other new one would.
   * (A sampler that has already fitted this study warm-starts from that fit, as Optuna's does,
   * so its proposal can differ slightly from a fresh sampler's on the same history.)
   */
  readonly seed?: number;
  /** Random proposals until this many trials have completed (Optuna: 10). */
  readonly nStartupTrials?: number;
  /**
   * The objective returns exactly the same value for the same parameters: the noise variance is
   * held at its floor instead of being fitted.
   */
  readonly deterministicObjective?: boolean;
  /** Random candidates scored per ask before local search (Optuna: 2048). */
  readonly nCandidates?: number;
  /** Local searches (L-BFGS-B) per ask, from the best candidates (Optuna: 10). */
  readonly nLocalSearch?: number;
  /**
   * Completed trials the model is fitted to at most (default 500). Fitting costs O(n^3): past
   * this, the best half and an even spread of the rest are kept, so an ask stays around a
   * second instead of growing to minutes at thousands of trials.
   */
  readonly maxModelTrials?: number;
  /** Hears about situations the sampler handles by falling back, such as several objectives. */
  readonly onWarning?: (message: string) => void;
}

/** Model inputs of a history: coordinates, minimised objective, and the pending points. */
interface Encoded {
  readonly x: number[][];
  readonly y: number[];
  readonly pending: number[][];
}

/** Coordinate search enumerates discrete dimensions up to this many grid points. */
const MAX_ENUMERATED_CHOICES = 64;
/** L-BFGS iterations of a hyperparameter fit from the default start, and from the previous fit. */
const COLD_FIT_ITERATIONS = 50;
/** Trials a cold fit of a large study starts from (see subsampleFit). */
const SUBSAMPLE_SIZE = 100;

/**
 * Each new trial moves the MAP estimate less as n grows, while an iteration costs O(n^3): past
 * 150 trials five iterations per ask keep up (the fit is amortised across asks).
 */
function warmFitIterations(n: number): number {
  return n > 150 ? 5 : 10;
}
/** Up to this many trials every ask scores the full candidate count. */
const FULL_CANDIDATES_UP_TO = 150;
const MIN_CANDIDATES = 512;
/** Good trials whose neighbourhoods the acquisition search samples densely. */
const N_ANCHORS = 5;

export class GpSampler implements Sampler {
  readonly name = 'gp';
  private readonly seed: number;
  private readonly nStartupTrials: number;
  private readonly deterministic: boolean;
  private readonly nCandidates: number;
  private readonly nLocalSearch: number;
  private readonly maxModelTrials: number;
  private readonly onWarning: ((message: string) => void) | undefined;
  private warned = false;
  /** The last fit per set of modelled parameters: the warm start of the next one. */
  private readonly fitCache = new Map<string, KernelParams>();

  constructor(options: GpSamplerOptions = {}) {
    this.seed = options.seed ?? freshSeed();
    this.nStartupTrials = options.nStartupTrials ?? 10;
    this.deterministic = options.deterministicObjective ?? false;
    this.nCandidates = options.nCandidates ?? 2048;
    this.nLocalSearch = options.nLocalSearch ?? 10;
    this.maxModelTrials = options.maxModelTrials ?? 500;
    this.onWarning = options.onWarning;
    if (!Number.isInteger(this.nStartupTrials) || this.nStartupTrials < 0) {
      throw new SamplerError('invalid-option', `GP nStartupTrials must be a non-negative integer, got ${this.nStartupTrials}`);
    }
    if (!Number.isInteger(this.nCandidates) || this.nCandidates < 1) {
      throw new SamplerError('invalid-option', `GP nCandidates must be a positive integer, got ${this.nCandidates}`);
    }
    if (!Number.isInteger(this.maxModelTrials) || this.maxModelTrials < 2) {
      throw new SamplerError('invalid-option', `GP maxModelTrials must be an integer >= 2, got ${this.maxModelTrials}`);
    }
    if (!Number.isInteger(this.nLocalSearch) || this.nLocalSearch < 0) {
      throw new SamplerError('invalid-option', `GP nLocalSearch must be a non-negative integer, got ${this.nLocalSearch}`);
    }
  }

  sampleRelative(study: StudyView, space: SearchSpace): Record<string, ParamValue> {
    if (study.directions.length !== 1) {
      this.warnOnce(`the GP sampler models one objective; this study has ${study.directions.length}, so it samples at random (use NSGA-II or multi-objective TPE)`);
      return {};
    }
    const dims = gpDimensions(space);
    if (dims.length === 0) return {};
    const encoded = limitTrials(encode(study, dims), this.maxModelTrials);
    if (encoded.y.length < Math.max(this.nStartupTrials, 1)) return {};
    const proposal = this.propose(dims, encoded, proposalRng(this.seed, study, 'gp:relative'));
    const out: Record<string, ParamValue> = {};
    dims.forEach((dim, c) => {
      out[dim.spec.name] = decodeValue(dim, proposal[c] as number);
    });
    return out;
  }

  /** Conditional parameters and the startup phase: random search (the GP's fallback in Optuna too). */
  sampleIndependent(study: StudyView, param: ParameterSpec, _chosen: Readonly<Record<string, ParamValue>>): ParamValue {
    return sampleUniform(param.distribution, proposalRng(this.seed, study, param.name));
  }

  private propose(dims: readonly GpDimension[], encoded: Encoded, rng: Rng): Float64Array {
    const d = dims.length;
    const isCategorical = Uint8Array.from(dims, (dim) => (dim.kind === 'categorical' ? 1 : 0));
    const y = warpObjective(encoded.y);
    const inputs = toInputs(encoded.x, d, isCategorical);

    const key = dims.map((dim) => `${dim.spec.name}:${dim.kind}`).join('|');
    const previous = this.fitCache.get(key) ?? this.subsampleFit(inputs, y);
    const params = fitKernelParams(inputs, y, {
      deterministic: this.deterministic,
      minimumNoise: DEFAULT_MINIMUM_NOISE_VAR,
      initial: previous,
      // A warm start is already close: a few iterations per ask keep tracking the optimum as
      // trials arrive (the fit is amortised over asks), which is what bounds an ask at n = 300.
      maxIterations: previous ? warmFitIterations(encoded.y.length) : COLD_FIT_ITERATIONS,
      // The log posterior is a sum over trials, so its curvature grows with n: the same
      // gradient means a step n times smaller. Optuna's gtol of 1e-2 is for n ~ 10.
      gtol: Math.max(1e-2, 1e-3 * encoded.y.length),
    });
    this.fitCache.set(key, params);

    let gp = GaussianProcess.fit(inputs, y, params);
    let best = Math.min(...y);
    if (encoded.pending.length > 0) {
      // Kriging believer: pretend each running trial returned its posterior mean. Its variance
      // collapses, so log EI there drops and the next proposal goes elsewhere.
      const fantasies = encoded.pending.map((p) => gp.predict(Float64Array.from(p)).mean);
      const all = toInputs([...encoded.x, ...encoded.pending], d, isCategorical);
      gp = GaussianProcess.fit(all, Float64Array.from([...y, ...fantasies]), params);
      best = Math.min(best, ...fantasies);
    }

    const domains: CoordinateDomain[] = dims.map((dim) => ({
      kind: dim.kind,
      size: dim.size,
      allowed: allowedCoordinates(dim, MAX_ENUMERATED_CHOICES),
      snap: (u: number) => snapCoordinate(dim, u),
    }));
    const anchors = bestRows(encoded.x, y, N_ANCHORS).map((row) => Float64Array.from(row));
    return optimizeAcquisition(new LogEiAcquisition(gp, best), domains, anchors, rng, {
      nCandidates: candidateCount(this.nCandidates, encoded.y.length),
      nLocalSearch: this.nLocalSearch,
    }).x;
  }

  /**
   * A cold start on many trials (a resumed study): fit on every k-th trial first, where an
   * evaluation is (n/k)^3 cheaper, and let the caller refine on all of them. Undefined when the
   * study is small enough to fit cold directly.
   */
  private subsampleFit(inputs: GpInputs, y: Float64Array): KernelParams | undefined {
    const { n, d } = inputs;
    if (n <= SUBSAMPLE_SIZE) return undefined;
    const rows = Array.from({ length: SUBSAMPLE_SIZE }, (_, i) => Math.floor((i * n) / SUBSAMPLE_SIZE));
    const x = new Float64Array(rows.length * d);
    rows.forEach((r, i) => x.set(inputs.x.subarray(r * d, r * d + d), i * d));
    const sub: GpInputs = { x, n: rows.length, d, isCategorical: inputs.isCategorical };
    return fitKernelParams(sub, Float64Array.from(rows, (r) => y[r] as number), {
      deterministic: this.deterministic,
      minimumNoise: DEFAULT_MINIMUM_NOISE_VAR,
      maxIterations: COLD_FIT_ITERATIONS,
    });
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.onWarning?.(message);
  }
}

/**
 * The completed trials (every modelled parameter present and inside its range, a finite
 * value) and the running ones, as coordinates. The objective is negated for 'maximize'.
 */
function encode(study: StudyView, dims: readonly GpDimension[]): Encoded {
  const sign = study.directions[0] === 'maximize' ? -1 : 1;
  const x: number[][] = [];
  const y: number[] = [];
  const pending: number[][] = [];
  for (const trial of study.trials) {
    if (trial.state !== 'complete' && trial.state !== 'running') continue;
    const row = coordinates(trial, dims);
    if (!row) continue;
    if (trial.state === 'running') {
      pending.push(row);
      continue;
    }
    const value = trial.values?.[0];
    if (value === undefined || !Number.isFinite(value)) continue;
    x.push(row);
    y.push(sign * value);
  }
  return { x, y, pending };
}

/**
 * At most `max` completed trials: the best half of the budget (where the optimum is) plus an
 * evenly spaced selection of the others (the model must still know where things are bad).
 * Deterministic in the history, so seeded proposals stay reproducible.
 */
function limitTrials(encoded: Encoded, max: number): Encoded {
  const n = encoded.y.length;
  if (n <= max) return encoded;
  const byValue = [...encoded.y.keys()].sort((a, b) => (encoded.y[a] as number) - (encoded.y[b] as number) || a - b);
  const nBest = Math.ceil(max / 2);
  const keep = new Set(byValue.slice(0, nBest));
  const rest = byValue.slice(nBest).sort((a, b) => a - b);
  const nRest = max - nBest;
  for (let i = 0; i < nRest; i++) keep.add(rest[Math.floor((i * rest.length) / nRest)] as number);
  const rows = [...keep].sort((a, b) => a - b);
  return { x: rows.map((i) => encoded.x[i] as number[]), y: rows.map((i) => encoded.y[i] as number), pending: encoded.pending };
}

function coordinates(trial: FrozenTrial, dims: readonly GpDimension[]): number[] | undefined {
  const row: number[] = [];
  for (const dim of dims) {
    const u = encodeValue(dim, trial.params[dim.spec.name]);
    if (u === undefined) return undefined;
    row.push(u);
  }
  return row;
}

function toInputs(rows: readonly number[][], d: number, isCategorical: Uint8Array): GpInputs {
  const x = new Float64Array(rows.length * d);
  rows.forEach((row, i) => x.set(row, i * d));
  return { x, n: rows.length, d, isCategorical };
}

/**
 * Scoring a candidate costs O(n^2) (a triangular solve for the variance), so beyond
 * FULL_CANDIDATES_UP_TO trials the count shrinks as 1/n^2, keeping that stage's cost flat; the
 * local search from the best candidates and the best trials' neighbourhoods do the fine work.
 */
function candidateCount(requested: number, n: number): number {
  if (n <= FULL_CANDIDATES_UP_TO) return requested;
  return Math.max(Math.min(requested, MIN_CANDIDATES), Math.floor(requested * (FULL_CANDIDATES_UP_TO / n) ** 2));
}

/** The rows of the k smallest values, best first. */
function bestRows(rows: readonly number[][], y: Float64Array, k: number): number[][] {
  return [...y.keys()]
    .sort((a, b) => (y[a] as number) - (y[b] as number) || a - b)
    .slice(0, k)
    .map((i) => rows[i] as number[]);
}
