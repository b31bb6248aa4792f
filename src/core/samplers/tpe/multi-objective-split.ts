/**
 * Which completed trials of a multi-objective study form MOTPE's "below" group (Ozaki et al.,
 * "Multiobjective Tree-Structured Parzen Estimator", JAIR 2022, section 3.2; Optuna 3.1's
 * _split_observation_pairs): whole non-domination fronts, best first, while they fit; from the
 * front that does not fit, the subset that keeps the most hypervolume, chosen greedily
 * (greedy hypervolume subset selection is within 1 - 1/e of the best subset, since hypervolume
 * is submodular: Ulrich & Thiele, "Bounding the effectiveness of hypervolume-based
 * (mu + lambda)-archiving algorithms", LION 2012). Up to three objectives the exact hypervolume
 * (study/hypervolume.ts: a sweep in 2-D, WFG in 3-D) is cheap for a front; with more it gets
 * costly, so that last front is thinned by NSGA-II's crowding distance instead (Deb et al.
 * 2002), which spreads the chosen points along the front for the same reason.
 */
import { dominates } from '../../study/pareto';
import { hypervolume } from '../../study/hypervolume';

/** Beyond this many objectives the last front is thinned by crowding distance (see above). */
const MAX_HYPERVOLUME_OBJECTIVES = 3;

/** Indices of `k` of `points` (objective vectors, all minimised), best first by front. */
export function selectBestMultiObjective(points: readonly (readonly number[])[], k: number): number[] {
  const chosen: number[] = [];
  for (const front of nonDominatedFronts(points)) {
    if (chosen.length >= k) break;
    const room = k - chosen.length;
    if (front.length <= room) {
      chosen.push(...front);
      continue;
    }
    const members = front.map((i) => points[i] as readonly number[]);
    const picked = (members[0]?.length ?? 0) <= MAX_HYPERVOLUME_OBJECTIVES ? greedyHypervolumeSubset(members, room, referencePoint(points)) : mostCrowdedLast(members, room);
    chosen.push(...picked.map((j) => front[j] as number));
  }
  return chosen;
}

/** Fronts of non-dominated sorting (Deb et al. 2002), each a list of indices, best first. */
export function nonDominatedFronts(points: readonly (readonly number[])[]): number[][] {
  const n = points.length;
  const dominatedBy = new Array<number>(n).fill(0);
  const dominating: number[][] = points.map(() => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = points[i] as readonly number[];
      const b = points[j] as readonly number[];
      if (dominates(a, b)) {
        (dominating[i] as number[]).push(j);
        dominatedBy[j] = (dominatedBy[j] as number) + 1;
      } else if (dominates(b, a)) {
        (dominating[j] as number[]).push(i);
        dominatedBy[i] = (dominatedBy[i] as number) + 1;
      }
    }
  }
  const fronts: number[][] = [];
  let current = points.map((_, i) => i).filter((i) => dominatedBy[i] === 0);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominating[i] as number[]) {
        dominatedBy[j] = (dominatedBy[j] as number) - 1;
        if (dominatedBy[j] === 0) next.push(j);
      }
    }
    current = next.sort((a, b) => a - b);
  }
  return fronts;
}

/**
 * Optuna 3.1's reference point: the worst value of each objective, moved 10% further out
 * (so every point contributes some volume), and never exactly 0.
 */
function referencePoint(points: readonly (readonly number[])[]): number[] {
  const m = points[0]?.length ?? 0;
  const ref: number[] = [];
  for (let j = 0; j < m; j++) {
    let worst = -Infinity;
    for (const p of points) worst = Math.max(worst, p[j] as number);
    const moved = Math.max(1.1 * worst, 0.9 * worst);
    ref.push(moved === 0 ? 1e-12 : moved);
  }
  return ref;
}

function greedyHypervolumeSubset(points: readonly (readonly number[])[], k: number, ref: readonly number[]): number[] {
  const chosen: number[] = [];
  const left = new Set(points.map((_, i) => i));
  let current = 0;
  while (chosen.length < k) {
    let best = -1;
    let bestGain = -Infinity;
    for (const i of left) {
      const gain = hypervolume([...chosen.map((c) => points[c] as readonly number[]), points[i] as readonly number[]], ref) - current;
      if (gain > bestGain) {
        bestGain = gain;
        best = i;
      }
    }
    chosen.push(best);
    left.delete(best);
    current += bestGain;
  }
  return chosen;
}

/** The k points of one front with the largest crowding distance (Deb et al. 2002). */
function mostCrowdedLast(points: readonly (readonly number[])[], k: number): number[] {
  const n = points.length;
  const m = points[0]?.length ?? 0;
  const distance = new Array<number>(n).fill(0);
  for (let j = 0; j < m; j++) {
    const order = points.map((_, i) => i).sort((a, b) => ((points[a] as readonly number[])[j] as number) - ((points[b] as readonly number[])[j] as number));
    const lo = (points[order[0] as number] as readonly number[])[j] as number;
    const hi = (points[order[n - 1] as number] as readonly number[])[j] as number;
    distance[order[0] as number] = Infinity;
    distance[order[n - 1] as number] = Infinity;
    if (hi === lo) continue;
    for (let r = 1; r < n - 1; r++) {
      const prev = (points[order[r - 1] as number] as readonly number[])[j] as number;
      const next = (points[order[r + 1] as number] as readonly number[])[j] as number;
      const i = order[r] as number;
      distance[i] = (distance[i] as number) + (next - prev) / (hi - lo);
    }
  }
  return points
    .map((_, i) => i)
    .sort((a, b) => (distance[b] as number) - (distance[a] as number) || a - b)
    .slice(0, k);
}
