/**
 * The CMA Evolution Strategy on the unit cube [0, 1]^n, after Hansen, "The CMA Evolution
 * Strategy: A Tutorial" (arXiv:1604.00772, 2016): weighted recombination, cumulative step-size
 * adaptation, rank-one and rank-mu covariance updates, with the tutorial's default constants
 * (its Table 1). Discrete coordinates get the margin of CMA-ES with Margin (integer-margin.ts);
 * samples outside the cube are resampled, then mirrored, so nothing is ever proposed outside.
 * Restarts follow IPOP-CMA-ES (Auger & Hansen 2005): when the run converges or stagnates, start
 * again from a new mean with twice the population.
 *
 * States are plain values: an update returns a new state, so the sampler can rebuild any
 * generation from a study's trials.
 */
import type { Rng } from '../../random/rng';
import { type CellOf, marginAlpha, marginScale } from './integer-margin';
import { symmetricEigen } from './symmetric-eigen';

export interface CmaParameters {
  readonly n: number;
  readonly lambda: number;
  readonly mu: number;
  readonly weights: Float64Array;
  readonly mueff: number;
  readonly cc: number;
  readonly cs: number;
  readonly c1: number;
  readonly cmu: number;
  readonly ds: number;
  readonly chiN: number;
}

export interface CmaState {
  readonly params: CmaParameters;
  /** IPOP restart count (0 for the first run). */
  readonly restart: number;
  /** Generation within the current run. */
  readonly generation: number;
  readonly mean: Float64Array;
  readonly sigma: number;
  /** Covariance, row-major n x n. */
  readonly C: Float64Array;
  /** Eigenvectors of C (columns, row-major) and the square roots of its eigenvalues. */
  readonly B: Float64Array;
  readonly D: Float64Array;
  readonly pc: Float64Array;
  readonly ps: Float64Array;
  /** The margin's per-coordinate spread factors for the next generation. */
  readonly margin: Float64Array;
  /** Best objective value of each generation of this run, for the stagnation test. */
  readonly bestHistory: readonly number[];
}

export interface Solution {
  readonly x: Float64Array;
  /** To be minimised; failed trials come in as Infinity. */
  readonly value: number;
}

/** The default population size of Hansen's tutorial: 4 + floor(3 ln n). */
export function defaultPopulationSize(n: number): number {
  return 4 + Math.floor(3 * Math.log(Math.max(1, n)));
}

export function cmaParameters(n: number, lambda: number): CmaParameters {
  const mu = Math.floor(lambda / 2);
  // Hansen (2016), equations (49)-(53): positive weights for the mu best, negative ones for the
  // rest (active CMA, Jastrebski & Arnold 2006), scaled so that C stays positive definite.
  const raw = Array.from({ length: lambda }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  const positive = raw.slice(0, mu);
  const negative = raw.slice(mu);
  const sumPos = positive.reduce((s, w) => s + w, 0);
  const sumNeg = negative.reduce((s, w) => s - w, 0);
  const mueff = sumPos ** 2 / positive.reduce((s, w) => s + w * w, 0);
  const mueffNeg = negative.length === 0 ? 0 : sumNeg ** 2 / negative.reduce((s, w) => s + w * w, 0);
  const alphaCov = 2;
  const c1 = alphaCov / ((n + 1.3) ** 2 + mueff);
  const cmu = Math.min(1 - c1, (alphaCov * (mueff - 2 + 1 / mueff)) / ((n + 2) ** 2 + (alphaCov * mueff) / 2));
  const alphaMuNeg = 1 + c1 / cmu;
  const alphaMueffNeg = 1 + (2 * mueffNeg) / (mueff + 2);
  const alphaPosdefNeg = (1 - c1 - cmu) / (n * cmu);
  const negScale = Math.min(alphaMuNeg, alphaMueffNeg, alphaPosdefNeg) / (sumNeg || 1);
  const weights = Float64Array.from(raw, (w) => (w >= 0 ? w / sumPos : w * negScale));
  const cc = (4 + mueff / n) / (n + 4 + (2 * mueff) / n);
  const cs = (mueff + 2) / (n + mueff + 5);
  const ds = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + cs;
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  return { n, lambda, mu, weights, mueff, cc, cs, c1, cmu, ds, chiN };
}

export function initialState(mean: Float64Array, sigma: number, lambda: number, restart: number, cellOf: CellOf): CmaState {
  const n = mean.length;
  const params = cmaParameters(n, lambda);
  const C = identity(n);
  const state = {
    params,
    restart,
    generation: 0,
    mean: Float64Array.from(mean),
    sigma,
    C,
    B: identity(n),
    D: new Float64Array(n).fill(1),
    pc: new Float64Array(n),
    ps: new Float64Array(n),
    bestHistory: [],
  };
  return { ...state, margin: marginScale(state.mean, sigma, diagonal(C, n), cellOf, marginAlpha(n, lambda)) };
}

/** Resampling attempts before a point outside the cube is mirrored back (the cmaes library uses 100). */
const MAX_RESAMPLES = 100;

/** One candidate x = mean + sigma * A * B D z, inside [0, 1]^n. */
export function sampleCandidate(state: CmaState, rng: Rng): Float64Array {
  const { n } = state.params;
  const x = new Float64Array(n);
  for (let attempt = 0; ; attempt++) {
    const z = Float64Array.from({ length: n }, () => rng.normal());
    let inside = true;
    for (let i = 0; i < n; i++) {
      let y = 0;
      for (let j = 0; j < n; j++) y += (state.B[i * n + j] as number) * (state.D[j] as number) * (z[j] as number);
      const xi = (state.mean[i] as number) + state.sigma * (state.margin[i] as number) * y;
      x[i] = xi;
      if (!(xi >= 0 && xi <= 1)) inside = false;
    }
    if (inside) return x;
    if (attempt + 1 >= MAX_RESAMPLES) return x.map(mirror);
  }
}

/**
 * One generation's update from its evaluated solutions (at least mu of them; the best mu by
 * value recombine). Returns the next state of the same run.
 */
export function updateState(state: CmaState, solutions: readonly Solution[], cellOf: CellOf): CmaState {
  const p = state.params;
  const { n, mu, weights, mueff, cc, cs, c1, cmu, ds, chiN } = p;
  const ranked = [...solutions].sort((a, b) => compareValues(a.value, b.value));
  // y_i = (x_i - m) / (sigma * A): the margin widens sampling only, not what is learned (Hamano et al. 2022).
  const ys = ranked.map((s) => Float64Array.from({ length: n }, (_, i) => ((s.x[i] as number) - (state.mean[i] as number)) / (state.sigma * (state.margin[i] as number))));
  const yw = new Float64Array(n);
  for (let k = 0; k < Math.min(mu, ys.length); k++) {
    const y = ys[k] as Float64Array;
    for (let i = 0; i < n; i++) yw[i] = (yw[i] as number) + (weights[k] as number) * (y[i] as number);
  }
  const mean = Float64Array.from({ length: n }, (_, i) => Math.min(1, Math.max(0, (state.mean[i] as number) + state.sigma * (state.margin[i] as number) * (yw[i] as number))));
  const invSqrtC = (y: Float64Array): Float64Array => {
    // C^(-1/2) y = B D^-1 B^T y
    const bty = Float64Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (state.B[i * n + j] as number) * (y[i] as number);
      return s / (state.D[j] as number);
    });
    return Float64Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += (state.B[i * n + j] as number) * (bty[j] as number);
      return s;
    });
  };
  const whitened = invSqrtC(yw);
  const ps = Float64Array.from({ length: n }, (_, i) => (1 - cs) * (state.ps[i] as number) + Math.sqrt(cs * (2 - cs) * mueff) * (whitened[i] as number));
  const psNorm = Math.hypot(...ps);
  const g = state.generation + 1;
  const hsig = psNorm / Math.sqrt(1 - (1 - cs) ** (2 * g)) < (1.4 + 2 / (n + 1)) * chiN ? 1 : 0;
  const pc = Float64Array.from({ length: n }, (_, i) => (1 - cc) * (state.pc[i] as number) + hsig * Math.sqrt(cc * (2 - cc) * mueff) * (yw[i] as number));
  // Negative weights act on directions normalised by their Mahalanobis length (Hansen 2016, eq. 46).
  const rankWeights = ys.map((y, k) => {
    const w = weights[k] as number;
    if (w >= 0) return w;
    const norm2 = invSqrtC(y).reduce((s, v) => s + v * v, 0);
    return norm2 > 0 ? (w * n) / norm2 : 0;
  });
  const weightSum = Array.from(weights.subarray(0, ys.length)).reduce((s, w) => s + w, 0);
  const C = new Float64Array(n * n);
  const decay = 1 + c1 * (1 - hsig) * cc * (2 - cc) - c1 - cmu * weightSum;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let rankMu = 0;
      ys.forEach((y, k) => {
        rankMu += (rankWeights[k] as number) * (y[i] as number) * (y[j] as number);
      });
      const c = decay * (state.C[i * n + j] as number) + c1 * (pc[i] as number) * (pc[j] as number) + cmu * rankMu;
      C[i * n + j] = c;
      C[j * n + i] = c;
    }
  }
  const sigma = state.sigma * Math.exp(Math.min(1, (cs / ds) * (psNorm / chiN - 1)));
  const { values, vectors } = symmetricEigen(C, n);
  const D = Float64Array.from(values, (v) => Math.sqrt(Math.max(v, 1e-300)));
  const best = ranked[0]?.value ?? Infinity;
  return {
    params: p,
    restart: state.restart,
    generation: g,
    mean,
    sigma,
    C,
    B: vectors,
    D,
    pc,
    ps,
    margin: marginScale(mean, sigma, diagonal(C, n), cellOf, marginAlpha(n, p.lambda)),
    bestHistory: [...state.bestHistory, best],
  };
}

/**
 * Termination tests of the cmaes library Optuna uses (after Hansen's tutorial, appendix B.3):
 * the spread collapsed (TolX), exploded (TolXUp), the values of the last generations and of
 * this one are flat (TolFun), or the covariance is ill-conditioned (ConditionCov).
 */
export function shouldRestart(state: CmaState, lastValues: readonly number[], sigma0: number): boolean {
  const { n, lambda } = state.params;
  let maxD = 0;
  let minD = Infinity;
  for (const d of state.D) {
    maxD = Math.max(maxD, d);
    minD = Math.min(minD, d);
  }
  if (state.sigma * maxD < 1e-12 * sigma0) return true;
  if (state.sigma * maxD > 1e4 * sigma0) return true;
  if ((maxD / minD) ** 2 > 1e14) return true;
  const window = 10 + Math.ceil((30 * n) / lambda);
  if (state.bestHistory.length >= window) {
    const recent = [...state.bestHistory.slice(-window), ...lastValues].filter(Number.isFinite);
    if (recent.length > 0 && Math.max(...recent) - Math.min(...recent) < 1e-12) return true;
  }
  return false;
}

/** NaN ranks last, like an infinitely bad value. */
function compareValues(a: number, b: number): number {
  const x = Number.isNaN(a) ? Infinity : a;
  const y = Number.isNaN(b) ? Infinity : b;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Reflects a coordinate into [0, 1] (period 2). */
function mirror(x: number): number {
  if (!Number.isFinite(x)) return 0.5;
  const r = ((x % 2) + 2) % 2;
  return r <= 1 ? r : 2 - r;
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

function diagonal(m: Float64Array, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => m[i * n + i] as number);
}
