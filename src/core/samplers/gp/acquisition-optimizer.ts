/**
 * Maximises an acquisition function over the model coordinates, the way Optuna's GP sampler
 * does (optuna/_gp/optim_mixed.py), in three stages:
 *   1. score a few thousand candidates: uniform random points plus perturbations of the best
 *      trials (where the optimum of log EI usually is once the model has learned something);
 *   2. from the best few, run box-constrained L-BFGS on the numeric coordinates (discrete ones
 *      relaxed to the continuum), then snap discrete coordinates to their grid;
 *   3. coordinate search over the categorical and small discrete dimensions (try every
 *      choice, keep the best), alternated with the numeric search until nothing improves.
 * Every candidate is scored at the grid point it would be proposed at, so rounding never
 * promotes a point whose relaxed score was better than its real one.
 */
import type { Rng } from '../../random/rng';
import type { Acquisition } from './log-ei-acquisition';
import { lbfgsMinimize } from './lbfgs';

export interface CoordinateDomain {
  /** 'continuous': [0, 1]; 'discrete': [0, 1] relaxed, snapped by `snap`; 'categorical': an index. */
  readonly kind: 'continuous' | 'discrete' | 'categorical';
  /** Every allowed value, for dimensions small enough to enumerate in coordinate search. */
  readonly allowed: Float64Array | null;
  /** Number of choices of a categorical dimension. */
  readonly size: number;
  /** The allowed coordinate nearest to u. */
  snap(u: number): number;
}

export interface AcquisitionOptimizerOptions {
  /** Uniform random candidates scored in stage 1 (Optuna: 2048). */
  readonly nCandidates?: number;
  /** Perturbations scored around each of the `anchors`. */
  readonly nPerAnchor?: number;
  /** Starting points for the local search (Optuna: 10). */
  readonly nLocalSearch?: number;
  readonly maxLocalIterations?: number;
}

export interface AcquisitionOptimum {
  readonly x: Float64Array;
  readonly value: number;
}

/**
 * The maximiser of `acq` over `domains` (one per coordinate). `anchors` are coordinates of good
 * trials whose neighbourhoods are searched as well.
 */
export function optimizeAcquisition(
  acq: Acquisition,
  domains: readonly CoordinateDomain[],
  anchors: readonly Float64Array[],
  rng: Rng,
  options: AcquisitionOptimizerOptions = {},
): AcquisitionOptimum {
  const d = domains.length;
  const nCandidates = options.nCandidates ?? 2048;
  const nPerAnchor = options.nPerAnchor ?? 64;
  const nLocal = options.nLocalSearch ?? 10;
  const maxLocalIterations = options.maxLocalIterations ?? 50;

  const candidates: Float64Array[] = [];
  for (let i = 0; i < nCandidates; i++) {
    const p = new Float64Array(d);
    domains.forEach((dom, c) => {
      p[c] = dom.kind === 'categorical' ? rng.int(dom.size) : dom.snap(rng.random());
    });
    candidates.push(p);
  }
  for (const anchor of anchors) {
    for (let i = 0; i < nPerAnchor; i++) {
      // Scales from 0.3% to 30% of the range: the close ones refine, the far ones escape.
      const scale = 10 ** (-2.5 + 2 * rng.random());
      const p = new Float64Array(d);
      domains.forEach((dom, c) => {
        const a = anchor[c] as number;
        if (dom.kind === 'categorical') p[c] = rng.random() < 1 / Math.max(2, d) ? rng.int(dom.size) : a;
        else p[c] = dom.snap(Math.min(1, Math.max(0, a + scale * rng.normal())));
      });
      candidates.push(p);
    }
  }

  const scores = candidates.map((p) => acq.value(p));
  const order = scores.map((_, i) => i).sort((a, b) => safe(scores[b] as number) - safe(scores[a] as number) || a - b);
  const starts: number[] = [];
  for (const i of order) {
    if (starts.length >= nLocal) break;
    const p = candidates[i] as Float64Array;
    if (starts.some((j) => sameCoordinates(candidates[j] as Float64Array, p))) continue;
    starts.push(i);
  }

  let best: AcquisitionOptimum = { x: candidates[order[0] as number] as Float64Array, value: safe(scores[order[0] as number] as number) };
  for (const i of starts) {
    const local = localSearch(acq, domains, candidates[i] as Float64Array, safe(scores[i] as number), maxLocalIterations);
    if (local.value > best.value) best = local;
  }
  return best;
}

function localSearch(acq: Acquisition, domains: readonly CoordinateDomain[], start: Float64Array, startValue: number, maxIterations: number): AcquisitionOptimum {
  const d = domains.length;
  let x = new Float64Array(start);
  let value = startValue;
  const hasNumeric = domains.some((dom) => dom.kind !== 'categorical');
  for (let round = 0; round < 4; round++) {
    let improved = false;
    if (hasNumeric) {
      // Categorical coordinates are held still by equal bounds.
      const lower = new Float64Array(d);
      const upper = new Float64Array(d);
      domains.forEach((dom, c) => {
        if (dom.kind === 'categorical') lower[c] = upper[c] = x[c] as number;
        else upper[c] = 1;
      });
      const result = lbfgsMinimize(
        (p, grad) => {
          const v = acq.valueAndGradient(p, grad);
          for (let c = 0; c < d; c++) grad[c] = -(grad[c] as number);
          return -v;
        },
        x,
        { lower, upper, gtol: 1e-4, maxIterations, ftol: 1e-8 },
      );
      const snapped = new Float64Array(d);
      domains.forEach((dom, c) => {
        snapped[c] = dom.snap(result.x[c] as number);
      });
      const v = safe(acq.value(snapped));
      if (v > value) {
        x = snapped;
        value = v;
        improved = true;
      }
    }
    for (let c = 0; c < d; c++) {
      const dom = domains[c] as CoordinateDomain;
      if (dom.kind === 'continuous' || !dom.allowed) continue;
      const current = x[c] as number;
      let chosen = current;
      for (const option of dom.allowed) {
        if (option === current) continue;
        x[c] = option;
        const v = safe(acq.value(x));
        if (v > value) {
          value = v;
          chosen = option;
          improved = true;
        }
      }
      x[c] = chosen;
    }
    if (!improved) break;
  }
  return { x, value };
}

/** NaN (a numerically broken posterior) ranks below every real score. */
function safe(v: number): number {
  return Number.isNaN(v) ? -Infinity : v;
}

function sameCoordinates(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
