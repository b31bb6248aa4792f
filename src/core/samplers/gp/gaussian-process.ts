/**
 * Gaussian-process regression with the Matern 5/2 ARD kernel: the MAP fit of its
 * hyperparameters (log marginal likelihood + log prior, maximised by L-BFGS with analytic
 * gradients through the Cholesky factor) and the posterior used by the acquisition function.
 * Inputs are rows of a row-major n x d Float64Array, already in the model's coordinates
 * (numeric dimensions in [0, 1], categorical dimensions holding a choice index).
 *
 * Marginal likelihood and its gradient (Rasmussen & Williams 2006, eqs. 2.30 and 5.9):
 *   log p(y | X, theta) = -1/2 y^T K^-1 y - 1/2 log |K| - n/2 log 2 pi
 *   d/d theta_j = 1/2 tr((alpha alpha^T - K^-1) dK/d theta_j),  alpha = K^-1 y
 */
import { cholesky, choleskyInverse, choleskySolve, choleskyWithJitter, solveLower, solveUpperTransposed } from './cholesky';
import { type KernelParams, defaultKernelParams } from './kernel-params';
import { lbfgsMinimize } from './lbfgs';
import { matern52, matern52Derivative, squaredDelta } from './matern52';
import { defaultLogPrior, defaultLogPriorGradient } from './prior';

export interface GpInputs {
  /** n x d, row-major. */
  readonly x: Float64Array;
  readonly n: number;
  readonly d: number;
  /** 1 where a dimension is categorical (Hamming distance), 0 where numeric. */
  readonly isCategorical: Uint8Array;
}

/** Optuna's floor on the noise variance: keeps the fit away from interpolating noise exactly. */
export const DEFAULT_MINIMUM_NOISE_VAR = 1e-6;

const LOG_2PI = Math.log(2 * Math.PI);
const SQRT5 = Math.sqrt(5);

/** K = s * matern52(d2) + noise * I, plus s * matern52'(d2) in `derivative` (lower triangles). */
export function kernelMatrix(inputs: GpInputs, params: KernelParams, derivative?: Float64Array): Float64Array {
  const { x, n, d, isCategorical } = inputs;
  const lambda = params.inverseSquaredLengthscales;
  const s = params.kernelScale;
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const xi = i * d;
    for (let j = 0; j < i; j++) {
      let d2 = 0;
      const xj = j * d;
      for (let c = 0; c < d; c++) d2 += (lambda[c] as number) * squaredDelta(x[xi + c] as number, x[xj + c] as number, isCategorical[c] === 1);
      const v = s * matern52(d2);
      k[ri + j] = v;
      k[j * n + i] = v;
      if (derivative) derivative[ri + j] = s * matern52Derivative(d2);
    }
    k[ri + i] = s + params.noiseVar;
  }
  return k;
}

/** log p(y | X, params), or -Infinity when K is not positive definite. */
export function logMarginalLikelihood(inputs: GpInputs, y: Float64Array, params: KernelParams): number {
  const { n } = inputs;
  const l = cholesky(kernelMatrix(inputs, params), n);
  if (!l) return -Infinity;
  const alpha = choleskySolve(l, n, new Float64Array(y));
  let quad = 0;
  let logDet = 0;
  for (let i = 0; i < n; i++) {
    quad += (y[i] as number) * (alpha[i] as number);
    logDet += 2 * Math.log(l[i * n + i] as number);
  }
  return -0.5 * quad - 0.5 * logDet - 0.5 * n * LOG_2PI;
}

export interface FitOptions {
  /** Noise variance never goes below this. */
  readonly minimumNoise?: number;
  /** Fix the noise at the minimum: the objective returns the same value for the same input. */
  readonly deterministic?: boolean;
  /** Warm start (a previous fit); the default is unit length scales and variances. */
  readonly initial?: KernelParams;
  /** Optuna fits with gtol 1e-2: the acquisition is insensitive to finer hyperparameter changes. */
  readonly gtol?: number;
  readonly maxIterations?: number;
}

/**
 * The kernel parameters as the optimiser sees them: logs, so positivity is free, and the noise
 * as log(noise - minimum) so it can approach the floor smoothly (Optuna's parameterisation).
 */
function toRaw(params: KernelParams, minimumNoise: number, deterministic: boolean): Float64Array {
  const d = params.inverseSquaredLengthscales.length;
  const raw = new Float64Array(d + (deterministic ? 1 : 2));
  for (let c = 0; c < d; c++) raw[c] = Math.log(Math.max(params.inverseSquaredLengthscales[c] as number, 1e-12));
  raw[d] = Math.log(params.kernelScale);
  // Starting a hair above the floor (Optuna adds 1% of it) keeps log() finite.
  if (!deterministic) raw[d + 1] = Math.log(Math.max(params.noiseVar - 0.99 * minimumNoise, 0.01 * minimumNoise));
  return raw;
}

function fromRaw(raw: Float64Array, d: number, minimumNoise: number, deterministic: boolean): KernelParams {
  const lambda = new Float64Array(d);
  for (let c = 0; c < d; c++) lambda[c] = Math.exp(raw[c] as number);
  return {
    inverseSquaredLengthscales: lambda,
    kernelScale: Math.exp(raw[d] as number),
    noiseVar: deterministic ? minimumNoise : Math.exp(raw[d + 1] as number) + minimumNoise,
  };
}

/**
 * Per-pair squared coordinate differences (categorical: 0 or 1), pair (i, j) with j < i at
 * row i(i-1)/2 + j, d values each. The inputs do not change during a fit, so the dozens of
 * likelihood evaluations share them instead of recomputing them twice each.
 */
export function pairwiseSquaredDeltas(inputs: GpInputs): Float64Array {
  const { x, n, d, isCategorical } = inputs;
  const out = new Float64Array(((n * (n - 1)) / 2) * d);
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      for (let c = 0; c < d; c++) out[o++] = squaredDelta(x[i * d + c] as number, x[j * d + c] as number, isCategorical[c] === 1);
    }
  }
  return out;
}

/** Buffers one likelihood evaluation needs, reused across the evaluations of a fit. */
export interface LikelihoodWorkspace {
  readonly k: Float64Array;
  readonly factor: Float64Array;
  readonly inverse: Float64Array;
  readonly scratch: Float64Array;
}

export function createLikelihoodWorkspace(n: number): LikelihoodWorkspace {
  return { k: new Float64Array(n * n), factor: new Float64Array(n * n), inverse: new Float64Array(n * n), scratch: new Float64Array(n * n) };
}

/**
 * -(log marginal likelihood + log prior) at raw parameters, with its gradient in `grad`.
 * About n^3/2 multiply-adds (factor, inverse) plus n^2 d for the length-scale terms.
 * `deltas` (pairwiseSquaredDeltas) may be passed to skip recomputing them.
 */
export function negativeLogPosterior(
  inputs: GpInputs,
  y: Float64Array,
  raw: Float64Array,
  grad: Float64Array,
  minimumNoise: number,
  deterministic: boolean,
  deltas: Float64Array = pairwiseSquaredDeltas(inputs),
  workspace: LikelihoodWorkspace = createLikelihoodWorkspace(inputs.n),
): number {
  const { n, d } = inputs;
  const params = fromRaw(raw, d, minimumNoise, deterministic);
  const lambda = params.inverseSquaredLengthscales;
  const s = params.kernelScale;
  // K in the lower triangle and s * matern52'(d2) in the upper one (Cholesky reads only the
  // lower), with the kernel inlined: this loop runs n^2/2 times per evaluation.
  const k = workspace.k;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      let d2 = 0;
      for (let c = 0; c < d; c++) d2 += (lambda[c] as number) * (deltas[o++] as number);
      const r = Math.sqrt(d2);
      const e = Math.exp(-SQRT5 * r);
      const v = s * (1 + SQRT5 * r + (5 / 3) * d2) * e;
      k[ri + j] = v;
      k[j * n + i] = s * (-5 / 6) * (1 + SQRT5 * r) * e;
    }
    k[ri + i] = s + params.noiseVar;
  }
  const l = cholesky(k, n, workspace.factor);
  if (!l) {
    grad.fill(0);
    return Infinity;
  }
  const alpha = choleskySolve(l, n, new Float64Array(y));
  let quad = 0;
  let logDet = 0;
  for (let i = 0; i < n; i++) {
    quad += (y[i] as number) * (alpha[i] as number);
    logDet += 2 * Math.log(l[i * n + i] as number);
  }
  const lml = -0.5 * quad - 0.5 * logDet - 0.5 * n * LOG_2PI;

  // W = alpha alpha^T - K^-1; only its lower triangle is needed, K and dK being symmetric.
  const kinv = choleskyInverse(l, n, workspace.inverse, workspace.scratch);
  const gLambda = new Float64Array(d);
  let traceW = 0;
  let wDotK = 0;
  o = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const ai = alpha[i] as number;
    const wii = ai * ai - (kinv[ri + i] as number);
    traceW += wii;
    wDotK += wii * (k[ri + i] as number);
    for (let j = 0; j < i; j++) {
      const w = ai * (alpha[j] as number) - (kinv[ri + j] as number);
      wDotK += 2 * w * (k[ri + j] as number);
      // Off-diagonal pairs count twice in the trace; the 1/2 of the formula cancels one.
      const c = w * (k[j * n + i] as number);
      for (let q = 0; q < d; q++) gLambda[q] = (gLambda[q] as number) + c * (deltas[o++] as number);
    }
  }
  const prior = defaultLogPrior(params);
  const priorGrad = defaultLogPriorGradient(params);
  for (let q = 0; q < d; q++) {
    grad[q] = -((lambda[q] as number) * (gLambda[q] as number) + (priorGrad.lengthscales[q] as number));
  }
  // dK/d log s = K - noise I.
  grad[d] = -(0.5 * (wDotK - params.noiseVar * traceW) + priorGrad.logKernelScale);
  if (!deterministic) {
    const excess = params.noiseVar - minimumNoise;
    grad[d + 1] = -(0.5 * traceW + priorGrad.noiseVar) * excess;
  }
  return -(lml + prior);
}

/**
 * MAP kernel parameters for (inputs, y): L-BFGS from `initial` (a warm start) and, if that
 * fails to produce a finite value, from the default start (Optuna's fallback).
 */
export function fitKernelParams(inputs: GpInputs, y: Float64Array, options: FitOptions = {}): KernelParams {
  const minimumNoise = options.minimumNoise ?? DEFAULT_MINIMUM_NOISE_VAR;
  const deterministic = options.deterministic ?? false;
  const starts = options.initial ? [options.initial, defaultKernelParams(inputs.d)] : [defaultKernelParams(inputs.d)];
  const deltas = pairwiseSquaredDeltas(inputs);
  const workspace = createLikelihoodWorkspace(inputs.n);
  for (const start of starts) {
    const result = lbfgsMinimize(
      (raw, grad) => negativeLogPosterior(inputs, y, raw, grad, minimumNoise, deterministic, deltas, workspace),
      toRaw(start, minimumNoise, deterministic),
      { gtol: options.gtol ?? 1e-2, maxIterations: options.maxIterations ?? 100, ftol: 1e-9 },
    );
    if (Number.isFinite(result.value)) return fromRaw(result.x, inputs.d, minimumNoise, deterministic);
  }
  return { ...defaultKernelParams(inputs.d), noiseVar: Math.max(deterministic ? minimumNoise : 1, minimumNoise) };
}

/** The fitted model: K's factor and alpha = K^-1 y, ready for posterior queries. */
export class GaussianProcess {
  private readonly factor: Float64Array;
  private readonly alpha: Float64Array;
  private readonly kStar: Float64Array;
  private readonly kDeriv: Float64Array;
  private readonly v: Float64Array;

  private constructor(
    readonly inputs: GpInputs,
    readonly params: KernelParams,
    factor: Float64Array,
    alpha: Float64Array,
  ) {
    this.factor = factor;
    this.alpha = alpha;
    this.kStar = new Float64Array(inputs.n);
    this.kDeriv = new Float64Array(inputs.n);
    this.v = new Float64Array(inputs.n);
  }

  static fit(inputs: GpInputs, y: Float64Array, params: KernelParams): GaussianProcess {
    const { factor } = choleskyWithJitter(kernelMatrix(inputs, params), inputs.n);
    return new GaussianProcess(inputs, params, factor, choleskySolve(factor, inputs.n, new Float64Array(y)));
  }

  /** Posterior mean and variance (of the latent function, without noise) at point p. */
  predict(p: Float64Array): { mean: number; variance: number } {
    const { n } = this.inputs;
    const kStar = this.fillKStar(p, null);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += (kStar[i] as number) * (this.alpha[i] as number);
    const v = this.v;
    v.set(kStar);
    solveLower(this.factor, n, v);
    let vv = 0;
    for (let i = 0; i < n; i++) vv += (v[i] as number) * (v[i] as number);
    return { mean, variance: Math.max(this.params.kernelScale - vv, 1e-12 * this.params.kernelScale) };
  }

  /**
   * Posterior mean and variance at p, with their gradients with respect to p's numeric
   * coordinates written to dMean and dVariance (categorical coordinates get 0).
   */
  predictWithGradient(p: Float64Array, dMean: Float64Array, dVariance: Float64Array): { mean: number; variance: number } {
    const { n, d, x, isCategorical } = this.inputs;
    const lambda = this.params.inverseSquaredLengthscales;
    const kStar = this.fillKStar(p, this.kDeriv);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += (kStar[i] as number) * (this.alpha[i] as number);
    const w = this.v;
    w.set(kStar);
    solveLower(this.factor, n, w);
    let vv = 0;
    for (let i = 0; i < n; i++) vv += (w[i] as number) * (w[i] as number);
    // w = K^-1 k*: the variance's gradient is -2 w^T dk*/dp.
    solveUpperTransposed(this.factor, n, w);
    dMean.fill(0);
    dVariance.fill(0);
    for (let i = 0; i < n; i++) {
      const di = this.kDeriv[i] as number;
      const a = (this.alpha[i] as number) * di;
      const b = (w[i] as number) * di;
      const xi = i * d;
      for (let c = 0; c < d; c++) {
        if (isCategorical[c]) continue;
        const dd2 = 2 * (lambda[c] as number) * ((p[c] as number) - (x[xi + c] as number));
        dMean[c] = (dMean[c] as number) + a * dd2;
        dVariance[c] = (dVariance[c] as number) - 2 * b * dd2;
      }
    }
    const floor = 1e-12 * this.params.kernelScale;
    const variance = this.params.kernelScale - vv;
    if (variance < floor) {
      dVariance.fill(0);
      return { mean, variance: floor };
    }
    return { mean, variance };
  }

  /** k(X_i, p) for every training row, and s * matern52'(d2) in `deriv` when given (kernel inlined: the hot loop of the acquisition search). */
  private fillKStar(p: Float64Array, deriv: Float64Array | null): Float64Array {
    const { n, d, x, isCategorical } = this.inputs;
    const lambda = this.params.inverseSquaredLengthscales;
    const s = this.params.kernelScale;
    const kStar = this.kStar;
    for (let i = 0; i < n; i++) {
      let d2 = 0;
      const ri = i * d;
      for (let c = 0; c < d; c++) {
        const t = (x[ri + c] as number) - (p[c] as number);
        d2 += (lambda[c] as number) * (isCategorical[c] === 1 ? (t === 0 ? 0 : 1) : t * t);
      }
      const r = Math.sqrt(d2);
      const e = Math.exp(-SQRT5 * r);
      kStar[i] = s * (1 + SQRT5 * r + (5 / 3) * d2) * e;
      if (deriv) deriv[i] = s * (-5 / 6) * (1 + SQRT5 * r) * e;
    }
    return kStar;
  }
}
