/**
 * A small random forest of regression trees over binned features (see feature-binning.ts), the
 * surrogate model whose marginals give parameter importance.
 *
 * Settings follow Optuna's fANOVA evaluator (sklearn RandomForestRegressor: bootstrap, every
 * feature considered at each split) with a depth cap and a minimum leaf size, because a live
 * dashboard recomputes this every time a trial finishes and a handful of trials must not be
 * fitted down to their noise. Splits maximise the reduction of squared error; a categorical
 * feature is split by ordering its bins by mean objective (Breiman et al. 1984, sec. 9.4: the
 * best subset split for squared error is a prefix of that order).
 */
import type { Rng } from '../random/rng';
import type { BinnedFeature } from './feature-binning';

export interface ForestOptions {
  readonly trees: number;
  readonly maxDepth: number;
  readonly minLeaf: number;
  /** Trials drawn (with replacement) per tree; more trials than this are subsampled. */
  readonly maxSamples: number;
}

/**
 * 64 trees as in Optuna's evaluator. Each tree draws at most 256 trials (sklearn's max_samples)
 * and stops at depth 10 or 3 trials a leaf, so the cost stops growing with the study: about
 * 40-60 ms for 1,000-10,000 trials x 10 parameters on a 2-core machine, where 512-trial, fully
 * grown trees cost 2.5x as much for shares within 0.02 of these in the tests.
 */
export const DEFAULT_FOREST: ForestOptions = { trees: 64, maxDepth: 10, minLeaf: 3, maxSamples: 256 };

/** One tree in flat arrays: node k is a leaf when feature[k] < 0. */
export interface RegressionTree {
  readonly feature: Int32Array;
  /** For a split node: 1 for each bin of its feature that goes left. */
  readonly goesLeft: (Uint8Array | null)[];
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

export interface RegressionForest {
  readonly trees: readonly RegressionTree[];
}

/** Fits a forest to `y` (one value per trial) from the features' bin codes. */
export function fitForest(features: readonly BinnedFeature[], y: Float64Array, rng: Rng, options: ForestOptions = DEFAULT_FOREST): RegressionForest {
  const n = y.length;
  // A handful of trials could not be split at all with leaves of minLeaf; smaller leaves then.
  options = { ...options, minLeaf: Math.min(options.minLeaf, Math.max(1, Math.floor(n / 4))) };
  const trees: RegressionTree[] = [];
  for (let t = 0; t < options.trees; t++) {
    const sample = new Int32Array(Math.min(n, options.maxSamples));
    for (let i = 0; i < sample.length; i++) sample[i] = rng.int(n);
    trees.push(fitTree(features, y, sample, options));
  }
  return { trees };
}

/** The forest's prediction for one trial given as a bin code per feature. */
export function predict(forest: RegressionForest, codes: ArrayLike<number>): number {
  let sum = 0;
  for (const tree of forest.trees) sum += predictTree(tree, codes);
  return sum / forest.trees.length;
}

export function predictTree(tree: RegressionTree, codes: ArrayLike<number>): number {
  let k = 0;
  let f = tree.feature[0] as number;
  while (f >= 0) {
    k = (tree.goesLeft[k] as Uint8Array)[codes[f] as number] ? (tree.left[k] as number) : (tree.right[k] as number);
    f = tree.feature[k] as number;
  }
  return tree.value[k] as number;
}

interface Split {
  readonly feature: number;
  readonly goesLeft: Uint8Array;
}

function fitTree(features: readonly BinnedFeature[], y: Float64Array, sample: Int32Array, options: ForestOptions): RegressionTree {
  const feature: number[] = [];
  const goesLeft: (Uint8Array | null)[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const maxBins = features.reduce((m, f) => Math.max(m, f.bins), 1);
  // Scratch histograms shared by every node of the tree.
  const scratch: Scratch = { sums: new Float64Array(maxBins), counts: new Float64Array(maxBins), order: new Int32Array(maxBins) };

  const grow = (from: number, to: number, depth: number): number => {
    const node = value.length;
    let total = 0;
    for (let i = from; i < to; i++) total += y[sample[i] as number] as number;
    feature.push(-1);
    goesLeft.push(null);
    left.push(-1);
    right.push(-1);
    value.push(total / (to - from));
    if (depth >= options.maxDepth || to - from < 2 * options.minLeaf) return node;
    const split = bestSplit(features, y, sample, from, to, total, scratch, options.minLeaf);
    if (!split) return node;
    // Partition sample[from, to) in place: left-going trials first.
    const codes = (features[split.feature] as BinnedFeature).codes;
    let mid = from;
    for (let i = from; i < to; i++) {
      const s = sample[i] as number;
      if (split.goesLeft[codes[s] as number]) {
        sample[i] = sample[mid] as number;
        sample[mid] = s;
        mid++;
      }
    }
    feature[node] = split.feature;
    goesLeft[node] = split.goesLeft;
    left[node] = grow(from, mid, depth + 1);
    right[node] = grow(mid, to, depth + 1);
    return node;
  };
  grow(0, sample.length, 0);
  return {
    feature: Int32Array.from(feature),
    goesLeft,
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

function bestSplit(
  features: readonly BinnedFeature[],
  y: Float64Array,
  sample: Int32Array,
  from: number,
  to: number,
  total: number,
  scratch: Scratch,
  minLeaf: number,
): Split | undefined {
  const { sums, counts, order } = scratch;
  const n = to - from;
  // Squared-error reduction of a split = sL^2/nL + sR^2/nR - s^2/n; the last term is constant.
  const base = (total * total) / n;
  let bestScore = base + 1e-12 * Math.abs(base) + 1e-300;
  let best: { feature: number; order: Int32Array; k: number; leftIsLarger: boolean } | undefined;
  for (let f = 0; f < features.length; f++) {
    const feat = features[f] as BinnedFeature;
    // Touch only the bins this node's trials hold: deep nodes have a few trials and many bins.
    const codes = feat.codes;
    let used = 0;
    for (let i = from; i < to; i++) {
      const s = sample[i] as number;
      const b = codes[s] as number;
      if ((counts[b] as number) === 0) order[used++] = b;
      sums[b] = (sums[b] as number) + (y[s] as number);
      counts[b] = (counts[b] as number) + 1;
    }
    if (used < 2) {
      for (let k = 0; k < used; k++) counts[order[k] as number] = sums[order[k] as number] = 0;
      continue;
    }
    const touched = order.subarray(0, used);
    if (feat.kind === 'categorical') {
      const sorted = Array.from(touched).sort((a, b) => (sums[a] as number) / (counts[a] as number) - (sums[b] as number) / (counts[b] as number));
      touched.set(sorted);
    } else if (used * 4 < feat.bins) {
      // Few bins touched: insertion sort (TypedArray#sort costs more per call than it saves here).
      for (let k = 1; k < used; k++) {
        const b = order[k] as number;
        let j = k - 1;
        while (j >= 0 && (order[j] as number) > b) {
          order[j + 1] = order[j] as number;
          j--;
        }
        order[j + 1] = b;
      }
    } else {
      used = 0;
      for (let b = 0; b < feat.bins; b++) if ((counts[b] as number) > 0) order[used++] = b;
    }
    let sL = 0;
    let nL = 0;
    let featureBestK = -1;
    let featureLeftIsLarger = false;
    for (let k = 0; k < used - 1; k++) {
      const b = order[k] as number;
      sL += sums[b] as number;
      nL += counts[b] as number;
      const nR = n - nL;
      if (nL < minLeaf || nR < minLeaf) continue;
      const sR = total - sL;
      const score = (sL * sL) / nL + (sR * sR) / nR;
      if (score > bestScore) {
        bestScore = score;
        featureBestK = k;
        featureLeftIsLarger = nL >= nR;
      }
    }
    // Copy the order once per feature that wins, not at every improvement: this runs per node.
    if (featureBestK >= 0) best = { feature: f, order: order.slice(0, used), k: featureBestK, leftIsLarger: featureLeftIsLarger };
    for (let k = 0; k < used; k++) counts[order[k] as number] = sums[order[k] as number] = 0;
  }
  if (!best) return undefined;
  const feat = features[best.feature] as BinnedFeature;
  return { feature: best.feature, goesLeft: leftMask(feat, best.order, best.k, best.leftIsLarger) };
}

interface Scratch {
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  readonly order: Int32Array;
}

/**
 * Which bins go left for a split after position k of `order`. Bins no trial of the node holds
 * must still go somewhere when the marginal is evaluated at them: for ordered features the
 * threshold sits midway in the gap of empty bins (as sklearn puts it midway between values, and
 * the missing bin 0 never takes a neighbour's place); unseen categories follow the larger child.
 */
function leftMask(feat: BinnedFeature, order: Int32Array, k: number, leftIsLarger: boolean): Uint8Array {
  const mask = new Uint8Array(feat.bins);
  if (feat.kind === 'categorical') {
    // `order` lists exactly the bins the node's trials hold.
    if (leftIsLarger) {
      mask.fill(1);
      for (let j = k + 1; j < order.length; j++) mask[order[j] as number] = 0;
    } else {
      for (let j = 0; j <= k; j++) mask[order[j] as number] = 1;
    }
    return mask;
  }
  const lastLeft = order[k] as number;
  const firstRight = order[k + 1] as number;
  const threshold = lastLeft === 0 ? 0 : Math.floor((lastLeft + firstRight) / 2);
  for (let b = 0; b <= threshold; b++) mask[b] = 1;
  return mask;
}
