/**
 * TPE's Parzen estimator over one or several parameters at once: a weighted mixture of product
 * kernels, one per observation plus a prior kernel, after Optuna's multivariate
 * _ParzenEstimator (Falkner et al., "BOHB", ICML 2018, section 3.2 use the same product-kernel
 * KDE). A kernel is a truncated normal in each numeric dimension (in log space for log ranges,
 * over the step-wide cell of a value for int and stepped ranges) times a smoothed one-hot row
 * in each categorical dimension.
 *
 * With one dimension and the 'neighbour' bandwidth this is exactly the univariate estimator of
 * parzen-estimator.ts (a test checks the two agree); this version is the one TPE runs because
 * it is laid out for speed: kernel parameters sit in typed arrays, dimension by dimension, so
 * scoring m candidates against K kernels is one tight O(m K d) loop with every logarithm and
 * normaliser hoisted out of it (Optuna's time per ask grows to ~33 ms at 1,000 trials; this
 * stays around a millisecond).
 */
import type { Rng } from '../../random/rng';
import type { CategoricalDistribution, FloatDistribution, IntDistribution } from '../../space/distributions';
import { type NumericModel, numericModel, univariateKernels } from '../parzen-estimator';
import { logGaussMass, sampleTruncatedNormal, truncationLogMass } from '../truncated-normal';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** A cell narrower than this many sigmas is scored by its midpoint density times its width (relative error < 1e-5). */
const NARROW_CELL = 1e-2;

/**
 * Optuna's SIGMA0_MAGNITUDE: Scott's rule bandwidth 0.2 * n^(-1/(d+4)) of each range, as used by
 * BOHB (Falkner et al. 2018) and Optuna's multivariate TPE.
 */
const SCOTT_MAGNITUDE = 0.2;

export type MixtureDimension = FloatDistribution | IntDistribution | CategoricalDistribution;

export interface MixtureSettings {
  /** Weight of the prior kernel relative to an observation of weight 1 (Optuna: 1.0). */
  readonly priorWeight: number;
  /** The observations' weights, oldest first; the prior's weight is appended. */
  readonly weights: readonly number[];
  /**
   * 'neighbour': each kernel's width is its larger gap to its sorted neighbours (Optuna's
   * univariate rule); 'scott': one width per dimension by Scott's rule (Optuna's multivariate).
   */
  readonly bandwidth: 'neighbour' | 'scott';
  /**
   * 'mass': every continuous kernel is a probability density (integrates to 1). 'peak': every
   * kernel has the same height whatever its width, as in Optuna 3.1, whose truncnorm.logpdf
   * left out the -log(sigma) (optuna/optuna#5109): wide kernels (the prior, sparse regions)
   * then weigh more against narrow ones.
   */
  readonly kernels?: 'mass' | 'peak';
  /** How much narrower than Bergstra's magic clip a kernel may get (1: Optuna's; see TpeSamplerOptions.magicClipFactor). */
  readonly magicClipFactor?: number;
}

interface NumericColumn {
  readonly kind: 'numeric';
  readonly model: NumericModel;
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  readonly invSigmas: Float64Array;
  /** Int and stepped ranges: a value's probability is its cell's mass (NumericModel.cell). */
  readonly discrete: boolean;
  readonly log: boolean;
}

interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly nChoices: number;
  /** Row k holds kernel k's probabilities over the choices. */
  readonly probs: Float64Array;
  readonly logProbs: Float64Array;
}

type Column = NumericColumn | CategoricalColumn;

export class ParzenMixture {
  private constructor(
    private readonly columns: readonly Column[],
    /** Normalised kernel weights and their running sums, for sampling. */
    private readonly cumulative: Float64Array,
    /** Per kernel: log weight minus the normalisers of its continuous dimensions. */
    private readonly base: Float64Array,
  ) {}

  /**
   * Fits the mixture. `observations[d][i]` is observation i's value of dimension d, in the
   * parameter's own terms (the number itself, or a choice index for a categorical).
   */
  static fit(dims: readonly MixtureDimension[], observations: readonly ArrayLike<number>[], settings: MixtureSettings): ParzenMixture {
    const n = observations[0]?.length ?? 0;
    if (settings.weights.length !== n || settings.weights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
      throw new Error(`TPE weights must be ${n} finite non-negative numbers`);
    }
    const K = n + 1;
    const weights = new Float64Array(K);
    let total = settings.priorWeight;
    for (let i = 0; i < n; i++) total += settings.weights[i] as number;
    for (let i = 0; i < n; i++) weights[i] = (settings.weights[i] as number) / total;
    weights[n] = settings.priorWeight / total;
    const cumulative = new Float64Array(K);
    let run = 0;
    for (let k = 0; k < K; k++) cumulative[k] = run += weights[k] as number;

    const base = new Float64Array(K);
    for (let k = 0; k < K; k++) base[k] = Math.log(weights[k] as number);
    const peak = settings.kernels === 'peak';
    const scott = SCOTT_MAGNITUDE * Math.max(n, 1) ** (-1 / (dims.length + 4));
    const columns = dims.map((dist, d): Column => {
      const values = observations[d] ?? [];
      if (dist.type === 'categorical') return categoricalColumn(dist.choices.length, values, settings.priorWeight);
      const model = numericModel(dist);
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = model.toModel(values[i] as number);
      const range = model.high - model.low;
      let mus: Float64Array;
      let sigmas: Float64Array;
      if (settings.bandwidth === 'neighbour') {
        ({ mus, sigmas } = univariateKernels(x, model.low, model.high, settings.magicClipFactor));
      } else {
        // Optuna's multivariate rule: one Scott width, clipped by the magic clip, prior = range.
        mus = new Float64Array(K);
        mus.set(x);
        mus[n] = 0.5 * (model.low + model.high);
        sigmas = new Float64Array(K).fill(Math.min(range, Math.max(range / Math.min(100, (settings.magicClipFactor ?? 1) * K), scott * range)));
        sigmas[n] = range;
      }
      const discrete = model.cell(dist.low) !== null;
      const invSigmas = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        const s = sigmas[k] as number;
        invSigmas[k] = 1 / s;
        const logZ = inRangeLogMass(mus[k] as number, s, model.low, model.high);
        base[k] = (base[k] as number) - logZ - (discrete ? 0 : (peak ? 0 : Math.log(s)) + LOG_SQRT_2PI);
      }
      return { kind: 'numeric', model, mus, sigmas, invSigmas, discrete, log: dist.log };
    });
    return new ParzenMixture(columns, cumulative, base);
  }

  /** `size` joint draws; result[d][j] is draw j's value of dimension d, on its grid and in range. */
  sample(rng: Rng, size: number): Float64Array[] {
    const out = this.columns.map(() => new Float64Array(size));
    const K = this.base.length;
    const total = this.cumulative[K - 1] as number;
    for (let j = 0; j < size; j++) {
      const k = pickKernel(this.cumulative, rng.random() * total);
      this.columns.forEach((c, d) => {
        const target = out[d] as Float64Array;
        if (c.kind === 'categorical') {
          target[j] = pickChoice(c.probs, k * c.nChoices, c.nChoices, rng.random());
        } else {
          target[j] = c.model.fromModel(drawTruncated(rng, c.mus[k] as number, c.sigmas[k] as number, c.model.low, c.model.high));
        }
      });
    }
    return out;
  }

  /** log density (log mass in discrete dimensions) of each point; points[d][j] as `sample` returns them. */
  logPdf(points: readonly Float64Array[], size: number): Float64Array {
    const K = this.base.length;
    const acc = new Float64Array(K);
    const out = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      acc.set(this.base);
      for (let d = 0; d < this.columns.length; d++) {
        const c = this.columns[d] as Column;
        const v = (points[d] as Float64Array)[j] as number;
        if (c.kind === 'categorical') addCategorical(acc, c, v);
        else if (c.discrete) addDiscrete(acc, c, v);
        else addContinuous(acc, c, c.log ? Math.log(v) : v);
      }
      out[j] = logSumExp(acc);
    }
    return out;
  }
}

function addCategorical(acc: Float64Array, c: CategoricalColumn, choice: number): void {
  const lp = c.logProbs;
  const stride = c.nChoices;
  for (let k = 0, at = choice; k < acc.length; k++, at += stride) acc[k] = (acc[k] as number) + (lp[at] as number);
}

function addContinuous(acc: Float64Array, c: NumericColumn, x: number): void {
  const mus = c.mus;
  const inv = c.invSigmas;
  for (let k = 0; k < acc.length; k++) {
    const z = (x - (mus[k] as number)) * (inv[k] as number);
    acc[k] = (acc[k] as number) - 0.5 * z * z;
  }
}

/** Adds each kernel's log mass over the value's cell (its normaliser is already in `base`). */
function addDiscrete(acc: Float64Array, c: NumericColumn, v: number): void {
  const [lo, hi] = c.model.cell(v) as readonly [number, number];
  const a = Math.max(lo, c.model.low);
  const b = Math.min(hi, c.model.high);
  const mid = 0.5 * (a + b);
  const mus = c.mus;
  const invs = c.invSigmas;
  for (let k = 0; k < acc.length; k++) {
    const inv = invs[k] as number;
    const mu = mus[k] as number;
    const width = (b - a) * inv;
    let logMass: number;
    if (width < NARROW_CELL) {
      const z = (mid - mu) * inv;
      logMass = -0.5 * z * z - LOG_SQRT_2PI + Math.log(width);
    } else {
      logMass = logGaussMass((a - mu) * inv, (b - mu) * inv);
    }
    acc[k] = (acc[k] as number) + logMass;
  }
}

/**
 * exp() of anything below this is exactly 0 (below half the smallest subnormal, e^-745.13), so
 * such terms can be skipped without changing a bit of the result.
 */
const EXP_UNDERFLOW = -746;

function logSumExp(acc: Float64Array): number {
  let max = -Infinity;
  for (let k = 0; k < acc.length; k++) if ((acc[k] as number) > max) max = acc[k] as number;
  if (max === -Infinity) return -Infinity;
  // Most of a long history's kernels are far from any one candidate: skipping their exp(),
  // which would add exactly 0, saves most of this loop's time.
  let sum = 0;
  for (let k = 0; k < acc.length; k++) {
    const t = (acc[k] as number) - max;
    if (!(t < EXP_UNDERFLOW)) sum += Math.exp(t);
  }
  return max + Math.log(sum);
}

/**
 * log of the mass of N(mu, sigma^2) inside [low, high], the kernel's truncation normaliser. A
 * kernel's centre always lies in its range (observations and the prior's midpoint do), so the
 * mass is at least about a half and an absolute error of 1.5e-7 in each tail (Abramowitz &
 * Stegun 7.1.26, one exp instead of the exact erfc's series) changes logZ by under 1e-6: far
 * below anything that could reorder TPE's candidates, and it is the bulk of fitting g(x) to a
 * thousand observations. A centre outside the range takes the exact path.
 */
function inRangeLogMass(mu: number, sigma: number, low: number, high: number): number {
  if (mu < low || mu > high) return truncationLogMass(mu, sigma, low, high);
  const outside = upperTail((mu - low) / sigma) + upperTail((high - mu) / sigma);
  return Math.log1p(-outside);
}

/** P(Z > t) for t >= 0, by Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7 / 2). */
function upperTail(t: number): number {
  const x = t * Math.SQRT1_2;
  // Kernels far from this end: exp(-x^2) would be exactly 0 (see EXP_UNDERFLOW), and so the tail.
  if (-x * x < EXP_UNDERFLOW) return 0;
  const u = 1 / (1 + 0.3275911 * x);
  const poly = u * (0.254829592 + u * (-0.284496736 + u * (1.421413741 + u * (-1.453152027 + u * 1.061405429))));
  return 0.5 * poly * Math.exp(-x * x);
}

/**
 * One draw of N(mu, sigma^2) truncated to [low, high]: by rejection while the range holds a
 * good share of the mass (exact, and a few normals instead of a bisection on the CDF), else by
 * inverting the CDF.
 */
function drawTruncated(rng: Rng, mu: number, sigma: number, low: number, high: number): number {
  if (mu >= low && mu <= high) {
    for (let i = 0; i < 16; i++) {
      const x = mu + sigma * rng.normal();
      if (x >= low && x <= high) return x;
    }
  }
  return sampleTruncatedNormal(rng, mu, sigma, low, high);
}

/**
 * Optuna's categorical kernels: each observation's row starts at priorWeight / (n + 1) per
 * choice plus 1 on its own choice, normalised; the prior's row is uniform.
 */
function categoricalColumn(nChoices: number, values: ArrayLike<number>, priorWeight: number): CategoricalColumn {
  const n = values.length;
  const probs = new Float64Array((n + 1) * nChoices);
  const fill = priorWeight / (n + 1);
  for (let i = 0; i <= n; i++) {
    const row = i * nChoices;
    for (let c = 0; c < nChoices; c++) probs[row + c] = fill;
    if (i < n) probs[row + (values[i] as number)] = fill + 1;
    let sum = 0;
    for (let c = 0; c < nChoices; c++) sum += probs[row + c] as number;
    for (let c = 0; c < nChoices; c++) probs[row + c] = (probs[row + c] as number) / sum;
  }
  return { kind: 'categorical', nChoices, probs, logProbs: Float64Array.from(probs, Math.log) };
}

/** The first kernel whose running weight exceeds r (binary search). */
function pickKernel(cumulative: Float64Array, r: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function pickChoice(probs: Float64Array, offset: number, n: number, u: number): number {
  let r = u;
  for (let c = 0; c < n; c++) {
    r -= probs[offset + c] as number;
    if (r < 0) return c;
  }
  return n - 1;
}
