/**
 * fANOVA's first-order importance computed exactly on a fitted forest (Hutter, Hoos &
 * Leyton-Brown 2014, "An Efficient Approach for Assessing Hyperparameter Importance", ICML).
 *
 * Each tree partitions the search space into boxes (its leaves), so every integral fANOVA needs
 * is a sum over leaves weighted by box volumes, with no sampling:
 *   mean        mu    = sum_L v_L |L|
 *   variance    V     = sum_L v_L^2 |L| - mu^2
 *   marginal    a_i(x) = sum_{L containing x in dim i} v_L |L| / |L_i|   (the other dimensions integrated out)
 *   main effect V_i   = integral of a_i(x)^2 over dim i - mu^2
 * where |L| is the leaf's volume as a fraction of the space (the product over dimensions of the
 * share of each parameter's range it covers, BinnedFeature.measure) and |L_i| its extent in
 * dimension i. A parameter's importance is V_i / V averaged over the trees, as in the paper.
 *
 * Conditional parameters: "absent" is part of such a parameter's range, weighted by how often
 * the parameter was absent, so the boxes where it is absent keep their volume. Its own main
 * effect is taken over its active values only (the variance of its marginal about its mean
 * there), then scaled by how often it is active, so a parameter that exists in 1 trial of 10
 * cannot dominate and its presence alone (which only mirrors its parent) earns it nothing.
 */
import type { BinnedFeature } from './feature-binning';
import type { RegressionForest, RegressionTree } from './regression-forest';

interface Leaf {
  readonly value: number;
  /** Per feature: which bins the leaf's box covers. */
  readonly masks: readonly Uint8Array[];
  /** Per feature: the share of the feature's range (absent included) those bins cover. */
  readonly extents: Float64Array;
  readonly volume: number;
}

/** fANOVA main-effect share of each feature, in feature order (not normalised to sum 1). */
export function fanovaMainEffects(forest: RegressionForest, features: readonly BinnedFeature[]): Float64Array {
  const measures = features.map(spaceMeasure);
  const totals = new Float64Array(features.length);
  let usedTrees = 0;
  for (const tree of forest.trees) {
    const leaves = leavesOf(tree, features, measures);
    let mu = 0;
    let second = 0;
    for (const leaf of leaves) {
      mu += leaf.value * leaf.volume;
      second += leaf.value * leaf.value * leaf.volume;
    }
    const variance = second - mu * mu;
    if (!(variance > 1e-12 * Math.max(1, second))) continue; // a constant tree explains nothing
    usedTrees++;
    features.forEach((feat, i) => {
      const marginal = new Float64Array(feat.bins);
      for (const leaf of leaves) {
        const weight = (leaf.value * leaf.volume) / (leaf.extents[i] as number);
        const mask = leaf.masks[i] as Uint8Array;
        for (let b = 1; b < feat.bins; b++) if (mask[b]) marginal[b] = (marginal[b] as number) + weight;
      }
      // Mean and variance of the marginal over the parameter's active values.
      const measure = measures[i] as Float64Array;
      let active = 0;
      let mean = 0;
      for (let b = 1; b < feat.bins; b++) {
        active += measure[b] as number;
        mean += (measure[b] as number) * (marginal[b] as number);
      }
      if (!(active > 0)) return;
      mean /= active;
      let effect = 0;
      for (let b = 1; b < feat.bins; b++) effect += ((measure[b] as number) / active) * ((marginal[b] as number) - mean) ** 2;
      totals[i] = (totals[i] as number) + effect / variance;
    });
  }
  if (usedTrees === 0) return totals;
  features.forEach((feat, i) => (totals[i] = ((totals[i] as number) / usedTrees) * feat.activeFraction));
  return totals;
}

/**
 * Each bin's share of the space for the integrals: the value bins share the active fraction in
 * proportion to the range they cover, and bin 0 ("absent") takes the rest.
 */
function spaceMeasure(feat: BinnedFeature): Float64Array {
  let covered = 0;
  for (let b = 1; b < feat.bins; b++) covered += feat.measure[b] as number;
  const m = new Float64Array(feat.bins);
  const active = covered > 0 ? feat.activeFraction : 0;
  m[0] = 1 - active;
  for (let b = 1; b < feat.bins; b++) m[b] = covered > 0 ? (active * (feat.measure[b] as number)) / covered : 0;
  return m;
}

/** The tree's leaves with non-zero volume, each with the box it covers. */
function leavesOf(tree: RegressionTree, features: readonly BinnedFeature[], measures: readonly Float64Array[]): Leaf[] {
  const leaves: Leaf[] = [];
  const walk = (k: number, masks: Uint8Array[]): void => {
    const f = tree.feature[k] as number;
    if (f < 0) {
      const extents = new Float64Array(features.length);
      let volume = 1;
      for (let j = 0; j < features.length; j++) {
        const measure = measures[j] as Float64Array;
        const mask = masks[j] as Uint8Array;
        let covered = 0;
        for (let b = 0; b < measure.length; b++) if (mask[b]) covered += measure[b] as number;
        extents[j] = covered;
        volume *= covered;
      }
      if (volume > 0) leaves.push({ value: tree.value[k] as number, masks, extents, volume });
      return;
    }
    const goesLeft = tree.goesLeft[k] as Uint8Array;
    const parent = masks[f] as Uint8Array;
    const leftMask = new Uint8Array(parent.length);
    const rightMask = new Uint8Array(parent.length);
    for (let b = 0; b < parent.length; b++) {
      if (!parent[b]) continue;
      if (goesLeft[b]) leftMask[b] = 1;
      else rightMask[b] = 1;
    }
    const left = masks.slice();
    left[f] = leftMask;
    const right = masks.slice();
    right[f] = rightMask;
    walk(tree.left[k] as number, left);
    walk(tree.right[k] as number, right);
  };
  walk(
    0,
    features.map((feat) => new Uint8Array(feat.bins).fill(1)),
  );
  return leaves;
}
