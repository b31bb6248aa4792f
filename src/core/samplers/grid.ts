/**
 * Grid search: every combination of the space's values, each tried once. Conditional
 * parameters only vary under the parent values that activate them, so a grid over
 * `optimizer: [sgd, adam]` with `momentum` only under sgd has |momentum| + 1 points, not
 * 2 * |momentum|.
 *
 * Unlike Optuna's GridSampler, which keeps the chosen grid id in a system attribute, the
 * points already taken are read from the trials' own parameters, so trials enqueued by hand
 * or written by another tool count too. The whole point is returned from sampleRelative.
 */
import { Rng } from '../random/rng';
import { type ParamValue, jsonEquals, toInternal } from '../space/distributions';
import { type ParameterSpec, type SearchSpace, isActive } from '../space/search-space';
import type { StudyView } from '../study/trial';
import { gridIndex, gridSize, gridValue } from './numeric-grid';
import type { Sampler } from './sampler';
import { SamplerError } from './sampler-error';
import { deriveSeed } from './sampler-rng';

/** The most points grid search enumerates; beyond it a grid is a mistake, not a plan. */
export const MAX_GRID_POINTS = 1_000_000;

/** Marks a parameter that is inactive at a grid point. */
const INACTIVE = -1;

export class GridSampler implements Sampler {
  readonly name = 'grid';
  /** Number of points in the grid. */
  readonly size: number;
  private readonly params: readonly ParameterSpec[];
  /** The values each parameter takes on the grid, in declaration order. */
  private readonly values: readonly (readonly ParamValue[])[];
  /** size x params.length value indices, INACTIVE where a parameter is absent. */
  private readonly points: Int32Array;
  /** The order points are handed out in: declaration order, or shuffled by the seed. */
  private readonly order: Uint32Array;

  /**
   * Enumerates the grid now, so a space that cannot be a grid fails when the study is created:
   * a continuous float range (name the parameter, ask for a step) or more than MAX_GRID_POINTS
   * points. With a seed the points are visited in a shuffled order that the seed fixes.
   */
  constructor(space: SearchSpace, seed?: number) {
    this.params = space.parameters;
    this.values = space.parameters.map(parameterValues);
    this.points = enumerate(this.params, this.values);
    this.size = this.params.length === 0 ? 1 : this.points.length / this.params.length;
    this.order = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) this.order[i] = i;
    if (seed !== undefined) shuffle(this.order, new Rng(deriveSeed(seed, 'grid-order')));
  }

  /**
   * The next point in order that no trial holds yet. When every point is taken (a parallel
   * worker asked after the last one was handed out) the point held by the fewest trials is
   * repeated, as Optuna re-evaluates a visited point rather than failing the ask; the study
   * should stop once isExhausted says so.
   */
  sampleRelative(study: StudyView, _space: SearchSpace): Record<string, ParamValue> {
    const taken = this.takenCounts(study);
    let pick = -1;
    let fewest = Infinity;
    for (const index of this.order) {
      const uses = taken.get(this.pointKey(index)) ?? 0;
      if (uses < fewest) {
        pick = index;
        fewest = uses;
        if (uses === 0) break;
      }
    }
    return this.pointParams(pick);
  }

  /**
   * Only reached for parameters the grid does not know (the study's space differs from the
   * grid's): Optuna refuses this too, since a grid cannot invent values.
   */
  sampleIndependent(_study: StudyView, param: ParameterSpec, _chosen: Readonly<Record<string, ParamValue>>): ParamValue {
    throw new SamplerError(
      'grid-unknown-parameter',
      `grid search has no values for parameter "${param.name}": it is not in the grid's search space`,
      param.name,
    );
  }

  /** True when every grid point is held by some trial (running, finished or enqueued). */
  isExhausted(study: StudyView): boolean {
    return this.takenCounts(study).size >= this.size;
  }

  /** How many trials hold each grid point, keyed by pointKey. */
  private takenCounts(study: StudyView): Map<string, number> {
    const counts = new Map<string, number>();
    for (const trial of study.trials) {
      const key = this.trialKey(trial.params);
      if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  /** The grid point a trial's parameters sit on, or null when they sit on none. */
  private trialKey(params: Readonly<Record<string, ParamValue>>): string | null {
    const indices: number[] = [];
    for (let p = 0; p < this.params.length; p++) {
      const spec = this.params[p] as ParameterSpec;
      if (!isActive(spec, params)) {
        indices.push(INACTIVE);
        continue;
      }
      if (!(spec.name in params)) return null;
      const index = valueIndex(spec, this.values[p] as readonly ParamValue[], params[spec.name] as ParamValue);
      if (index === null) return null;
      indices.push(index);
    }
    return indices.join(',');
  }

  private pointKey(index: number): string {
    const n = this.params.length;
    return Array.from(this.points.subarray(index * n, index * n + n)).join(',');
  }

  private pointParams(index: number): Record<string, ParamValue> {
    const n = this.params.length;
    const out: Record<string, ParamValue> = {};
    for (let p = 0; p < n; p++) {
      const v = this.points[index * n + p] as number;
      if (v !== INACTIVE) out[(this.params[p] as ParameterSpec).name] = (this.values[p] as readonly ParamValue[])[v] as ParamValue;
    }
    return out;
  }
}

/** The grid values of one parameter, or an error naming it. */
function parameterValues(spec: ParameterSpec): ParamValue[] {
  const dist = spec.distribution;
  if (dist.type === 'categorical') return [...dist.choices];
  const size = gridSize(dist);
  if (size === null) {
    throw new SamplerError(
      'grid-continuous',
      `grid search cannot enumerate parameter "${spec.name}": a float range without a step is continuous. ` +
        'Give it a "step", or use the "tpe" or "random" sampler.',
      spec.name,
    );
  }
  if (size > MAX_GRID_POINTS) {
    throw new SamplerError(
      'grid-too-large',
      `grid search would try ${size.toLocaleString('en-US')} values of parameter "${spec.name}", ` +
        `more than the ${MAX_GRID_POINTS.toLocaleString('en-US')} points a grid may have. ` +
        'Give it a larger step, or use the "tpe" or "random" sampler.',
      spec.name,
    );
  }
  const values: number[] = [];
  for (let k = 0; k < size; k++) values.push(gridValue(dist, k));
  return values;
}

/** Where `value` sits among a parameter's grid values, or null when it is not on the grid. */
function valueIndex(spec: ParameterSpec, values: readonly ParamValue[], value: ParamValue): number | null {
  const dist = spec.distribution;
  if (dist.type === 'categorical') {
    try {
      return toInternal(spec.name, dist, value);
    } catch {
      return null;
    }
  }
  if (typeof value !== 'number') return null;
  const index = gridIndex(dist, value);
  // A range of one value (low == high) has one point whatever gridIndex makes of it.
  return index ?? (values.length === 1 && jsonEquals(values[0] as ParamValue, value) ? 0 : null);
}

/**
 * Depth-first walk over the parameters in space order (parents before children), branching
 * only on the parameters active under the values chosen so far.
 */
function enumerate(params: readonly ParameterSpec[], values: readonly (readonly ParamValue[])[]): Int32Array {
  const n = params.length;
  const out: number[] = [];
  let count = 0;
  const current = new Int32Array(n);
  const chosen: Record<string, ParamValue> = {};
  const visit = (p: number): void => {
    if (p === n) {
      if (++count > MAX_GRID_POINTS) {
        throw new SamplerError(
          'grid-too-large',
          `the grid has more than ${MAX_GRID_POINTS.toLocaleString('en-US')} points. ` +
            'Narrow some ranges or give them larger steps, or use the "tpe" or "random" sampler.',
        );
      }
      for (let i = 0; i < n; i++) out.push(current[i] as number);
      return;
    }
    const spec = params[p] as ParameterSpec;
    if (!isActive(spec, chosen)) {
      current[p] = INACTIVE;
      visit(p + 1);
      return;
    }
    const vals = values[p] as readonly ParamValue[];
    for (let v = 0; v < vals.length; v++) {
      current[p] = v;
      chosen[spec.name] = vals[v] as ParamValue;
      visit(p + 1);
    }
    delete chosen[spec.name];
  };
  visit(0);
  return Int32Array.from(out);
}

/** Fisher-Yates, in place. */
function shuffle(order: Uint32Array, rng: Rng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
}
