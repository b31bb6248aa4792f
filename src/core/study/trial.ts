/** Trials as a study sees them: the frozen record replayed from the journal. */
import type { Distribution, JsonValue, ParamValue } from '../space/distributions';

export type TrialState = 'running' | 'complete' | 'pruned' | 'fail' | 'waiting';

export type Direction = 'minimize' | 'maximize';

export function isFinished(state: TrialState): boolean {
  return state === 'complete' || state === 'pruned' || state === 'fail';
}

export interface FrozenTrial {
  /** Storage-wide id (Optuna's trial_id). */
  readonly id: number;
  /** Position within its study, from 0 (Optuna's number). What users see. */
  readonly number: number;
  readonly state: TrialState;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** One value per objective; null until the trial completes (and for failed trials). */
  readonly values: readonly number[] | null;
  /** Objective value reported at each step, in insertion order (steps need not be contiguous). */
  readonly intermediateValues: ReadonlyMap<number, number>;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  readonly datetimeStart: Date | null;
  readonly datetimeComplete: Date | null;
}

/** The part of a study that samplers and pruners may read. */
export interface StudyView {
  readonly directions: readonly Direction[];
  /** Every trial of the study, in number order. */
  readonly trials: readonly FrozenTrial[];
}

/** Whether a trial holds any parameter (Object.keys(params).length > 0, without building the list). */
export function hasParams(trial: FrozenTrial): boolean {
  for (const _ in trial.params) return true;
  return false;
}

/** The last intermediate step of a trial, or undefined when it reported none. */
export function lastStep(trial: FrozenTrial): number | undefined {
  let last: number | undefined;
  for (const step of trial.intermediateValues.keys()) if (last === undefined || step > last) last = step;
  return last;
}
