/**
 * The univariate Parzen estimators of TPE (Bergstra et al., "Algorithms for Hyper-Parameter
 * Optimization", NeurIPS 2011), with the bandwidth and prior rules of Optuna's
 * samplers/_tpe/parzen_estimator.py (default settings: prior on, magic clip on, endpoints off).
 *
 * A numeric estimator is a weighted mixture of truncated normals, one per observation plus one
 * wide prior kernel; a categorical one is a weighted mixture of smoothed one-hot rows. Values
 * going in and out are in the parameter's own space; log ranges are modelled in log space and
 * int / stepped ranges as discretised normals over bounds widened by half a step.
 *
 * TPE itself runs the joint, typed-array version in tpe/parzen-mixture.ts, which reuses the
 * range model and kernel rule exported here; these estimators stay as the reference it is
 * tested against (parzen-estimator.test.ts checks them against Optuna's own numbers).
 */
import type { Rng } from '../random/rng';
import type { CategoricalDistribution, FloatDistribution, IntDistribution } from '../space/distributions';
import { gridSize, gridValue } from './numeric-grid';
import { logAddExp, sampleTruncatedNormal, truncatedNormalLogMass, truncatedNormalLogPdf, truncationLogMass } from './truncated-normal';

export interface ParzenEstimatorSettings {
  /** Weight of the prior kernel relative to an observation of weight 1 (Optuna: 1.0). */
  readonly priorWeight: number;
  /** Weights of n observations, oldest first (Optuna's default_weights). */
  readonly weights: (n: number) => readonly number[];
}

export interface ParzenEstimator {
  /** `size` draws, each on the distribution's grid and inside its range. */
  sample(rng: Rng, size: number): number[];
  /** log density (log probability mass, for discrete ranges) of the mixture at `value`. */
  logPdf(value: number): number;
}

/**
 * Optuna's default_weights, after Bergstra et al. 2013 ("Making a Science of Model Search"):
 * the 25 most recent observations weigh 1, older ones ramp linearly down towards 1/n so that
 * the model drifts with the search instead of being anchored to its first guesses.
 */
export function defaultWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const out: number[] = [];
  // numpy.linspace(1/n, 1, ramp): ramp evenly spaced values, both ends included.
  for (let i = 0; i < ramp; i++) out.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) out.push(1);
  return out;
}

/** Mixture weights: the observations' weights, then the prior's, normalised to sum 1. */
function mixtureWeights(n: number, settings: ParzenEstimatorSettings): number[] {
  const w = settings.weights(n).slice(0, n);
  if (w.length !== n || w.some((x) => !(x >= 0) || !Number.isFinite(x))) {
    throw new Error(`TPE weights function must return ${n} finite non-negative numbers`);
  }
  w.push(settings.priorWeight);
  const total = w.reduce((s, x) => s + x, 0);
  return w.map((x) => x / total);
}

/** The estimator for a float or int range, fitted to observed values in that range. */
export function numericParzenEstimator(
  dist: FloatDistribution | IntDistribution,
  observations: readonly number[],
  settings: ParzenEstimatorSettings,
): ParzenEstimator {
  const model = numericModel(dist);
  const weights = mixtureWeights(observations.length, settings);
  const { mus, sigmas } = univariateKernels(observations.map(model.toModel), model.low, model.high);
  const logZ = mus.map((mu, k) => truncationLogMass(mu, sigmas[k] as number, model.low, model.high));
  const logWeights = weights.map(Math.log);
  return {
    sample(rng, size) {
      const out: number[] = [];
      for (let i = 0; i < size; i++) {
        const k = rng.choiceWeighted(weights);
        out.push(model.fromModel(sampleTruncatedNormal(rng, mus[k] as number, sigmas[k] as number, model.low, model.high)));
      }
      return out;
    },
    logPdf(value) {
      const cell = model.cell(value);
      const x = model.toModel(value);
      let total = -Infinity;
      for (let k = 0; k < mus.length; k++) {
        const mu = mus[k] as number;
        const sigma = sigmas[k] as number;
        const z = logZ[k] as number;
        const log = cell
          ? truncatedNormalLogMass(cell[0], cell[1], mu, sigma, model.low, model.high, z)
          : truncatedNormalLogPdf(x, mu, sigma, model.low, model.high, z);
        total = logAddExp(total, (logWeights[k] as number) + log);
      }
      return total;
    },
  };
}

/** The estimator for a categorical parameter, fitted to observed choice indices. */
export function categoricalParzenEstimator(
  dist: CategoricalDistribution,
  observations: readonly number[],
  settings: ParzenEstimatorSettings,
): ParzenEstimator {
  const n = observations.length;
  const k = dist.choices.length;
  const weights = mixtureWeights(n, settings);
  // Optuna's smoothing: every row starts at prior_weight / (n + 1) per choice, an observation
  // adds 1 to its own choice, and rows are normalised. The last row (the prior) stays uniform.
  const base = settings.priorWeight / (n + 1);
  const rows: number[][] = [];
  for (let i = 0; i <= n; i++) {
    const row = new Array<number>(k).fill(base);
    if (i < n) row[observations[i] as number] = (row[observations[i] as number] as number) + 1;
    const sum = row.reduce((s, x) => s + x, 0);
    rows.push(row.map((x) => x / sum));
  }
  const probs = new Array<number>(k).fill(0);
  for (let i = 0; i <= n; i++) for (let c = 0; c < k; c++) probs[c] = (probs[c] as number) + (weights[i] as number) * ((rows[i] as number[])[c] as number);
  return {
    sample(rng, size) {
      const out: number[] = [];
      for (let s = 0; s < size; s++) out.push(rng.choiceWeighted(rows[rng.choiceWeighted(weights)] as number[]));
      return out;
    },
    logPdf(value) {
      return Math.log(probs[value] ?? 0);
    },
  };
}

export interface NumericModel {
  /** Bounds of the model space (log space for log ranges, widened by half a step when discrete). */
  readonly low: number;
  readonly high: number;
  toModel(value: number): number;
  /** A model-space draw mapped to a value of the distribution. */
  fromModel(x: number): number;
  /** For discrete ranges, the model-space interval whose mass is the value's probability. */
  cell(value: number): readonly [number, number] | null;
}

/** How a numeric range maps to the space its kernels live in; shared with TPE's joint mixture. */
export function numericModel(dist: FloatDistribution | IntDistribution): NumericModel {
  const clip = (x: number): number => Math.min(dist.high, Math.max(dist.low, x));
  if (dist.type === 'float' && dist.log) {
    return { low: Math.log(dist.low), high: Math.log(dist.high), toModel: Math.log, fromModel: (x) => clip(Math.exp(x)), cell: () => null };
  }
  if (dist.type === 'int' && dist.log) {
    // Each integer owns [v - 0.5, v + 0.5] in log space. Optuna 3.1 sampled this way but scored
    // the point density; scoring the cell's mass follows the fix in optuna/optuna PR #6258.
    return {
      low: Math.log(dist.low - 0.5),
      high: Math.log(dist.high + 0.5),
      toModel: Math.log,
      fromModel: (x) => clip(Math.round(Math.exp(x))),
      cell: (v) => [Math.log(v - 0.5), Math.log(v + 0.5)],
    };
  }
  const size = gridSize(dist);
  if (size === null) {
    return { low: dist.low, high: dist.high, toModel: (v) => v, fromModel: clip, cell: () => null };
  }
  // Int and stepped float: normals over [low - step/2, last point + step/2], each grid point
  // owning the step-wide cell around it (Optuna's `q`).
  const step = dist.step ?? 1;
  const last = gridValue(dist, size - 1);
  return {
    low: dist.low - 0.5 * step,
    high: last + 0.5 * step,
    toModel: (v) => v,
    fromModel: (x) => gridValue(dist, Math.min(size - 1, Math.max(0, Math.round((x - dist.low) / step)))),
    cell: (v) => [v - 0.5 * step, v + 0.5 * step],
  };
}

/**
 * Kernel centres and bandwidths, after Optuna's univariate rule (consider_endpoints=False,
 * consider_magic_clip=True): the observations plus a prior at the middle of the range; each
 * kernel's sigma is the larger gap to its sorted neighbours (the range ends count as
 * neighbours, except that the outermost kernels use their inner gap only); sigmas are clipped
 * to [(high - low) / min(100, clipFactor * (n + 1)), high - low] (Bergstra's "magic clip",
 * which keeps dense clusters from collapsing to spikes; clipFactor 1 is Optuna's); the prior's
 * sigma is the whole range.
 */
export function univariateKernels(observations: ArrayLike<number>, low: number, high: number, clipFactor = 1): { mus: Float64Array; sigmas: Float64Array } {
  const m = observations.length + 1;
  const mus = new Float64Array(m);
  mus.set(observations);
  mus[m - 1] = 0.5 * (low + high);
  const order = stableOrder(mus);
  // sorted[r + 1] is the r-th smallest centre; the range ends stand at either side.
  const sorted = new Float64Array(m + 2);
  sorted[0] = low;
  for (let r = 0; r < m; r++) sorted[r + 1] = mus[order[r] as number] as number;
  sorted[m + 1] = high;
  const range = high - low;
  const minSigma = range / Math.min(100, clipFactor * (1 + m));
  const sigmas = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const i = r + 1;
    const left = (sorted[i] as number) - (sorted[i - 1] as number);
    const right = (sorted[i + 1] as number) - (sorted[i] as number);
    // With two kernels or more, the outermost ones take their inner gap only.
    const sigma = m >= 2 && r === 0 ? right : m >= 2 && r === m - 1 ? left : Math.max(left, right);
    sigmas[order[r] as number] = Math.min(range, Math.max(minSigma, sigma));
  }
  sigmas[m - 1] = range;
  return { mus, sigmas };
}

/** Scratch space for reading a double's bits (big-endian, whatever the platform). */
const BITS = new DataView(new ArrayBuffer(8));

/**
 * Indices of `values` in ascending order, ties in index order: the same as sorting the indices
 * with a comparator. A least-significant-digit radix sort on the values' bits, one byte at a
 * time: it is stable, so ties keep their index order, and it has no data-dependent branches,
 * whereas a comparison sort of a thousand fresh values per dimension and ask (g(x) in a long
 * study) spends most of its time in mispredicted comparisons (about 2.5x slower, measured).
 */
function stableOrder(values: Float64Array): Int32Array {
  const m = values.length;
  // Each value's bits as an unsigned 64-bit key (hi, lo) that sorts as the numbers do: flip
  // every bit of a negative number, only the sign bit of a positive one. Adding 0 turns -0
  // into +0, so the two zeros tie as they do under <.
  const hi = new Uint32Array(m);
  const lo = new Uint32Array(m);
  for (let i = 0; i < m; i++) {
    BITS.setFloat64(0, (values[i] as number) + 0);
    const h = BITS.getUint32(0);
    const l = BITS.getUint32(4);
    const negative = (h & 0x80000000) !== 0;
    hi[i] = negative ? ~h : h | 0x80000000;
    lo[i] = negative ? ~l : l;
  }
  let order = new Int32Array(m);
  let next = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  const starts = new Int32Array(256);
  for (let pass = 0; pass < 8; pass++) {
    const words = pass < 4 ? lo : hi;
    const shift = 8 * (pass % 4);
    starts.fill(0);
    for (let i = 0; i < m; i++) {
      const digit = ((words[i] as number) >>> shift) & 255;
      starts[digit] = (starts[digit] as number) + 1;
    }
    // A byte that every value shares (the exponent's, for values of one range) orders nothing.
    if (starts[((words[0] as number) >>> shift) & 255] === m) continue;
    let sum = 0;
    for (let digit = 0; digit < 256; digit++) {
      const count = starts[digit] as number;
      starts[digit] = sum;
      sum += count;
    }
    for (let i = 0; i < m; i++) {
      const k = order[i] as number;
      const digit = ((words[k] as number) >>> shift) & 255;
      next[starts[digit] as number] = k;
      starts[digit] = (starts[digit] as number) + 1;
    }
    [order, next] = [next, order];
  }
  return order;
}
