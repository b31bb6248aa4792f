/** Builders for the FrozenTrial and StudyView objects samplers and pruners read. */
import type { Distribution, ParamValue } from '../../../src/core/space/distributions';
import type { Direction, FrozenTrial, StudyView, TrialState } from '../../../src/core/study/trial';

export interface TrialInit {
  readonly number: number;
  readonly state?: TrialState;
  readonly params?: Readonly<Record<string, ParamValue>>;
  readonly distributions?: Readonly<Record<string, Distribution>>;
  /** The objective value(s); a number is one objective. */
  readonly value?: number | readonly number[] | null;
  /** Intermediate values: an array is steps 0, 1, 2...; an object or Map gives the steps. */
  readonly curve?: readonly number[] | Readonly<Record<number, number>> | ReadonlyMap<number, number>;
  /** Completion time, for pruners that care which trial finished first. */
  readonly completedAt?: number;
}

export function makeTrial(init: TrialInit): FrozenTrial {
  const state = init.state ?? 'complete';
  const value = init.value ?? null;
  return {
    id: init.number + 1000,
    number: init.number,
    state,
    params: init.params ?? {},
    distributions: init.distributions ?? {},
    values: value === null ? null : typeof value === 'number' ? [value] : [...value],
    intermediateValues: toSteps(init.curve),
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: new Date(0),
    datetimeComplete: state === 'complete' || state === 'pruned' || state === 'fail' ? new Date(init.completedAt ?? init.number) : null,
  };
}

export function makeStudy(trials: readonly FrozenTrial[], directions: readonly Direction[] = ['minimize']): StudyView {
  return { directions, trials };
}

/** A completed trial that reported `curve` (steps 0, 1, ...) and ended on its last value. */
export function completedCurve(number: number, curve: readonly number[], completedAt?: number): FrozenTrial {
  return makeTrial({ number, state: 'complete', curve, value: curve[curve.length - 1] ?? null, completedAt });
}

/** A running trial that has reported `curve` so far. */
export function runningCurve(number: number, curve: TrialInit['curve']): FrozenTrial {
  return makeTrial({ number, state: 'running', curve });
}

function toSteps(curve: TrialInit['curve']): Map<number, number> {
  if (curve === undefined) return new Map();
  if (curve instanceof Map) return new Map(curve);
  if (Array.isArray(curve)) return new Map(curve.map((v: number, i: number) => [i, v]));
  return new Map(Object.entries(curve as Record<number, number>).map(([k, v]) => [Number(k), v]));
}
