/**
 * First-order (main-effect) variance of each parameter under a fitted forest, the quantity
 * fANOVA reports as a parameter's importance (Hutter, Hoos & Leyton-Brown 2014, "An Efficient
 * Approach for Assessing Hyperparameter Importance").
 *
 * The marginal prediction of parameter i at value v is the forest's mean prediction with i set
 * to v and every other parameter taken from the completed trials (a partial-dependence
 * estimate of fANOVA's integral over the other dimensions, used for conditional spaces, where
 * the whole box of fanova.ts would include combinations that cannot occur). Its variance is taken over v
 * uniform on i's range, weighting each bin by the share of the range it covers. A conditional
 * parameter is marginalised only over trials where it exists, and its variance scaled by how
 * often it does.
 */
import type { Rng } from '../random/rng';
import type { BinnedFeature } from './feature-binning';
import type { RegressionForest, RegressionTree } from './regression-forest';

/** Base points per marginal: enough for a stable mean, few enough to stay fast. */
export const MAX_BASE_POINTS = 128;

/** Main-effect variance of each feature, in feature order. */
export function marginalVariances(forest: RegressionForest, features: readonly BinnedFeature[], rng: Rng): Float64Array {
  const n = features[0]?.codes.length ?? 0;
  const out = new Float64Array(features.length);
  features.forEach((feat, i) => {
    const base: number[] = [];
    for (let s = 0; s < n; s++) if ((feat.codes[s] as number) !== 0) base.push(s);
    if (base.length === 0) return;
    const points = Int32Array.from(base.length > MAX_BASE_POINTS ? sampleWithoutReplacement(base, MAX_BASE_POINTS, rng) : base);
    const allBins: number[] = [];
    for (let b = 1; b < feat.bins; b++) if ((feat.measure[b] as number) > 0) allBins.push(b);
    const marginal = new Float64Array(feat.bins);
    for (const tree of forest.trees) addMarginal(tree, features, points, i, allBins, marginal);
    const scale = 1 / (points.length * forest.trees.length);
    let mean = 0;
    let weight = 0;
    for (const b of allBins) {
      mean += (feat.measure[b] as number) * (marginal[b] as number) * scale;
      weight += feat.measure[b] as number;
    }
    if (weight <= 0) return;
    mean /= weight;
    let variance = 0;
    for (const b of allBins) {
      const d = (marginal[b] as number) * scale - mean;
      variance += ((feat.measure[b] as number) / weight) * d * d;
    }
    out[i] = feat.activeFraction * variance;
  });
  return out;
}

/**
 * Adds to out[b], for every bin b in `bins`, the sum over the base points of the tree's
 * prediction with feature i set to b. The points go down the tree together, partitioned in
 * place at splits on other features (as in training); at a split on feature i they all follow
 * both children, each with the bins that go that way. One walk serves every bin.
 */
function addMarginal(tree: RegressionTree, features: readonly BinnedFeature[], points: Int32Array, i: number, bins: readonly number[], out: Float64Array): void {
  const walk = (k: number, from: number, to: number, subset: readonly number[]): void => {
    for (;;) {
      if (from === to) return;
      const f = tree.feature[k] as number;
      if (f < 0) {
        const v = (tree.value[k] as number) * (to - from);
        for (const b of subset) out[b] = (out[b] as number) + v;
        return;
      }
      const mask = tree.goesLeft[k] as Uint8Array;
      if (f !== i) {
        const codes = (features[f] as BinnedFeature).codes;
        let mid = from;
        for (let j = from; j < to; j++) {
          const s = points[j] as number;
          if (mask[codes[s] as number]) {
            points[j] = points[mid] as number;
            points[mid] = s;
            mid++;
          }
        }
        walk(tree.left[k] as number, from, mid, subset);
        k = tree.right[k] as number;
        from = mid;
        continue;
      }
      const l: number[] = [];
      const r: number[] = [];
      for (const b of subset) (mask[b] ? l : r).push(b);
      if (l.length) walk(tree.left[k] as number, from, to, l);
      if (!r.length) return;
      k = tree.right[k] as number;
      subset = r;
    }
  };
  walk(0, 0, points.length, bins);
}

function sampleWithoutReplacement(items: readonly number[], k: number, rng: Rng): number[] {
  const copy = [...items];
  for (let j = 0; j < k; j++) {
    const r = j + rng.int(copy.length - j);
    const tmp = copy[j] as number;
    copy[j] = copy[r] as number;
    copy[r] = tmp;
  }
  return copy.slice(0, k);
}
