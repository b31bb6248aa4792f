/**
 * The ranking NSGA-II selects by (Deb, Pratap, Agarwal & Meyarivan 2002, "A fast and elitist
 * multiobjective genetic algorithm: NSGA-II"): fast non-dominated sorting into fronts, crowding
 * distance within a front, and, with constraints, constrained domination (section VI): a
 * feasible solution dominates an infeasible one, of two infeasible ones the smaller total
 * violation dominates, and two feasible ones compare by Pareto dominance.
 */
import { dominates } from '../../study/pareto';

export interface Individual<T> {
  readonly item: T;
  /** Objective values in minimisation form (maximised objectives negated). */
  readonly objectives: readonly number[];
  /**
   * Total constraint violation: 0 when feasible (or when the study has no constraints),
   * positive when infeasible, Infinity for a trial without constraint values in a study that
   * has them (Optuna's NSGA-II also ranks those after every trial that has them).
   */
  readonly violation: number;
}

export interface Ranked<T> extends Individual<T> {
  /** 0 for the first (best) front. */
  readonly rank: number;
  /** Larger is lonelier; the extremes of a front get Infinity. */
  readonly crowding: number;
}

export function constrainedDominates(a: Individual<unknown>, b: Individual<unknown>): boolean {
  if (a.violation === 0 && b.violation > 0) return true;
  if (a.violation > 0 && b.violation === 0) return false;
  // Two trials that both lack constraint values compare on their objectives, as in Optuna.
  if (a.violation > 0 && a.violation !== b.violation) return a.violation < b.violation;
  return dominates(a.objectives, b.objectives);
}

/** Fast non-dominated sort (Deb et al. 2002, section III-A): indices per front, best first. */
export function nonDominatedFronts(population: readonly Individual<unknown>[]): number[][] {
  const n = population.length;
  const dominatedBy: number[][] = Array.from({ length: n }, () => []);
  const dominationCount = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = population[i] as Individual<unknown>;
      const b = population[j] as Individual<unknown>;
      if (constrainedDominates(a, b)) {
        (dominatedBy[i] as number[]).push(j);
        dominationCount[j] = (dominationCount[j] as number) + 1;
      } else if (constrainedDominates(b, a)) {
        (dominatedBy[j] as number[]).push(i);
        dominationCount[i] = (dominationCount[i] as number) + 1;
      }
    }
  }
  const fronts: number[][] = [];
  let current = [...dominationCount.keys()].filter((i) => dominationCount[i] === 0);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const i of current) {
      for (const j of dominatedBy[i] as number[]) {
        dominationCount[j] = (dominationCount[j] as number) - 1;
        if (dominationCount[j] === 0) next.push(j);
      }
    }
    current = next.sort((x, y) => x - y);
  }
  return fronts;
}

/** Crowding distance of each member of one front (Deb et al. 2002, section III-B). */
export function crowdingDistances(front: readonly Individual<unknown>[]): number[] {
  const n = front.length;
  const distance = new Array<number>(n).fill(0);
  if (n === 0) return distance;
  const m = (front[0] as Individual<unknown>).objectives.length;
  for (let k = 0; k < m; k++) {
    const order = [...distance.keys()].sort((a, b) => objective(front, a, k) - objective(front, b, k) || a - b);
    const lo = objective(front, order[0] as number, k);
    const hi = objective(front, order[n - 1] as number, k);
    distance[order[0] as number] = Infinity;
    distance[order[n - 1] as number] = Infinity;
    if (!(hi > lo) || !Number.isFinite(hi - lo)) continue;
    for (let r = 1; r < n - 1; r++) {
      const i = order[r] as number;
      distance[i] = (distance[i] as number) + (objective(front, order[r + 1] as number, k) - objective(front, order[r - 1] as number, k)) / (hi - lo);
    }
  }
  return distance;
}

/** Ranks and crowding distances of a whole population, in population order. */
export function rankPopulation<T>(population: readonly Individual<T>[]): Ranked<T>[] {
  const ranked = new Array<Ranked<T>>(population.length);
  nonDominatedFronts(population).forEach((front, rank) => {
    const distances = crowdingDistances(front.map((i) => population[i] as Individual<T>));
    front.forEach((i, k) => {
      ranked[i] = { ...(population[i] as Individual<T>), rank, crowding: distances[k] as number };
    });
  });
  return ranked;
}

/**
 * Elitist survival (Deb et al. 2002, section III-C): whole fronts while they fit, then the
 * least crowded members of the first front that does not. Ties keep population order, so the
 * result is deterministic.
 */
export function selectSurvivors<T>(population: readonly Individual<T>[], size: number): Ranked<T>[] {
  const ranked = rankPopulation(population);
  const order = [...ranked.keys()].sort((a, b) => crowdedCompare(ranked[a] as Ranked<T>, ranked[b] as Ranked<T>) || a - b);
  return order.slice(0, size).map((i) => ranked[i] as Ranked<T>);
}

/** The crowded-comparison operator: lower rank first, then larger crowding distance. */
export function crowdedCompare(a: Ranked<unknown>, b: Ranked<unknown>): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.crowding === b.crowding) return 0;
  return a.crowding > b.crowding ? -1 : 1;
}

function objective(front: readonly Individual<unknown>[], i: number, k: number): number {
  return (front[i] as Individual<unknown>).objectives[k] as number;
}
