/**
 * The journal's records in the dashboard's shapes (src/protocol/dashboard-messages.ts). The
 * webview gets data from files on disk through these functions only, so everything it cannot
 * carry is settled here: messages travel as JSON, where NaN and Infinity turn into null and
 * would make the webview's validator drop the whole message; such values are left out.
 */
import type { JsonValue } from '../../core/space/distributions';
import type { SearchSpace } from '../../core/space/search-space';
import { FAIL_REASON_ATTR } from '../../core/study/study';
import type { Direction, FrozenTrial } from '../../core/study/trial';
import type { ParamInfo, StudySnapshot, TrialSummary } from '../../protocol/dashboard-messages';
import { OBJECTIVE_ATTR } from '../study-runner';

/** Optuna (3.2+) keeps objective names here, set by `study.set_metric_names`. */
const OPTUNA_METRIC_NAMES_ATTR = 'study:metric_names';

export function trialSummary(trial: FrozenTrial): TrialSummary {
  // A value JSON cannot carry (an Optuna trial may complete with inf) reads as "no value".
  const values = trial.values && trial.values.every((v) => Number.isFinite(v)) ? [...trial.values] : null;
  const intermediate = [...trial.intermediateValues]
    .filter(([step, value]) => Number.isFinite(step) && Number.isFinite(value))
    .sort((a, b) => a[0] - b[0]);
  const failReason = trial.systemAttrs[FAIL_REASON_ATTR];
  return {
    number: trial.number,
    state: trial.state,
    values,
    params: trial.params,
    intermediate,
    start: epochMs(trial.datetimeStart),
    end: epochMs(trial.datetimeComplete),
    gpus: gpusOf(trial.userAttrs.gpus),
    host: typeof trial.userAttrs.host === 'string' ? trial.userAttrs.host : null,
    failReason: typeof failReason === 'string' ? failReason : null,
  };
}

/**
 * The study's parameters: the declared space first, in its order, then any parameter a trial
 * used that the space does not declare (an Optuna study's space is only known from its trials,
 * and a define-by-run objective may add parameters as it goes).
 */
export function paramInfos(space: SearchSpace, trials: readonly FrozenTrial[]): ParamInfo[] {
  const infos: ParamInfo[] = space.parameters.map((p) => paramInfo(p.name, p.distribution));
  const known = new Set(infos.map((p) => p.name));
  for (const trial of trials) {
    for (const [name, distribution] of Object.entries(trial.distributions)) {
      if (known.has(name)) continue;
      known.add(name);
      infos.push(paramInfo(name, distribution));
    }
  }
  return infos;
}

function paramInfo(name: string, distribution: SearchSpace['parameters'][number]['distribution']): ParamInfo {
  if (distribution.type === 'categorical') return { name, type: 'categorical', log: false, choices: distribution.choices };
  return { name, type: distribution.type, log: distribution.log, low: distribution.low, high: distribution.high };
}

/**
 * Names of the objectives, one per direction: Tunekit's `tunekit:objective` attribute, else
 * Optuna's metric names, else "value" (one objective) or "objective 0", "objective 1"...
 */
export function objectiveNames(
  directions: readonly Direction[],
  userAttrs: Readonly<Record<string, JsonValue>>,
  systemAttrs: Readonly<Record<string, JsonValue>>,
): string[] {
  const ours = userAttrs[OBJECTIVE_ATTR];
  if (typeof ours === 'string' && directions.length === 1) return [ours];
  if (isStringList(ours, directions.length)) return [...ours];
  const optunas = systemAttrs[OPTUNA_METRIC_NAMES_ATTR];
  if (isStringList(optunas, directions.length)) return [...optunas];
  return directions.length === 1 ? ['value'] : directions.map((_, i) => `objective ${i}`);
}

export interface SnapshotInput {
  readonly journal: string;
  readonly studyName: string;
  readonly directions: readonly Direction[];
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
  readonly space: SearchSpace;
  readonly trials: readonly FrozenTrial[];
  readonly running: boolean;
}

export function studySnapshot(input: SnapshotInput): StudySnapshot {
  return {
    studyName: input.studyName,
    journal: input.journal,
    directions: [...input.directions],
    objectives: objectiveNames(input.directions, input.userAttrs, input.systemAttrs),
    params: paramInfos(input.space, input.trials),
    trials: input.trials.map(trialSummary),
    running: input.running,
  };
}

function epochMs(date: Date | null): number | null {
  const ms = date?.getTime();
  return ms === undefined || Number.isNaN(ms) ? null : ms;
}

function gpusOf(value: JsonValue | undefined): number[] {
  return Array.isArray(value) ? value.filter((g): g is number => typeof g === 'number' && Number.isInteger(g) && g >= 0) : [];
}

function isStringList(value: JsonValue | undefined, length: number): value is string[] {
  return Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'string');
}
