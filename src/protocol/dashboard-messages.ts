/**
 * Messages between the extension host and the dashboard webview. Both sides import this file;
 * each side validates what it receives with the guards below before using it (a webview is
 * untrusted input to the host, and the host's data came from files on disk).
 *
 * Order: the webview posts `ready` once its scripts run; only then does the host post `init`
 * (the whole study), followed by `update` deltas as the journal grows. After a reload the
 * webview restores its UI state with getState()/setState() and posts `ready` again.
 */
import type { JsonValue } from '../core/space/distributions';

export type TrialStateName = 'running' | 'complete' | 'pruned' | 'fail' | 'waiting';

export interface TrialSummary {
  readonly number: number;
  readonly state: TrialStateName;
  /** One per objective; null until complete. */
  readonly values: readonly number[] | null;
  readonly params: Readonly<Record<string, JsonValue>>;
  /** Objective value per step, in step order: [step, value] pairs. */
  readonly intermediate: readonly (readonly [number, number])[];
  /** Epoch milliseconds; null when unknown. */
  readonly start: number | null;
  readonly end: number | null;
  /** GPUs the trial ran on (empty on CPU), and the host, for the timeline. */
  readonly gpus: readonly number[];
  readonly host: string | null;
  readonly failReason: string | null;
}

export interface ParamInfo {
  readonly name: string;
  readonly type: 'float' | 'int' | 'categorical';
  readonly log: boolean;
  readonly low?: number;
  readonly high?: number;
  readonly choices?: readonly JsonValue[];
}

export interface StudySnapshot {
  readonly studyName: string;
  readonly journal: string;
  readonly directions: readonly ('minimize' | 'maximize')[];
  /** Names of the objectives ("val_loss"), one per direction. */
  readonly objectives: readonly string[];
  readonly params: readonly ParamInfo[];
  readonly trials: readonly TrialSummary[];
  /** True while an engine is running this study. */
  readonly running: boolean;
}

/** Per-step values of every metric a trial printed (from its metrics.jsonl side file). */
export interface MetricPoints {
  readonly trial: number;
  readonly metric: string;
  /** Newly appended [step, value] pairs. */
  readonly points: readonly (readonly [number, number])[];
}

export type HostToWebview =
  | { readonly type: 'init'; readonly snapshot: StudySnapshot }
  /** Trials that are new or changed since the last message (whole summaries: they are small). */
  | { readonly type: 'update'; readonly trials: readonly TrialSummary[]; readonly running: boolean; readonly metrics: readonly MetricPoints[] }
  /** Parameter importance for the first objective (sums to 1), recomputed as trials finish. */
  | { readonly type: 'importance'; readonly method: string; readonly values: Readonly<Record<string, number>> }
  | { readonly type: 'error'; readonly message: string };

export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'stop-trial'; readonly number: number }
  | { readonly type: 'enqueue-trial'; readonly params: Readonly<Record<string, JsonValue>> }
  | { readonly type: 'open-log'; readonly number: number }
  | { readonly type: 'apply-trial'; readonly number: number };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTrialNumber = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Validates a message from the webview; anything else is dropped by the host. */
export function parseWebviewMessage(data: unknown): WebviewToHost | undefined {
  if (!isObject(data)) return undefined;
  switch (data.type) {
    case 'ready':
      return { type: 'ready' };
    case 'stop-trial':
    case 'open-log':
    case 'apply-trial':
      return isTrialNumber(data.number) ? { type: data.type, number: data.number } : undefined;
    case 'enqueue-trial': {
      if (!isObject(data.params)) return undefined;
      const entries = Object.entries(data.params);
      if (entries.length > 1000 || !entries.every(([k]) => k.length > 0 && k.length <= 200)) return undefined;
      return { type: 'enqueue-trial', params: data.params as Record<string, JsonValue> };
    }
    default:
      return undefined;
  }
}

const TRIAL_STATES: readonly string[] = ['running', 'complete', 'pruned', 'fail', 'waiting'];

function isTrialSummary(v: unknown): v is TrialSummary {
  return (
    isObject(v) &&
    isTrialNumber(v.number) &&
    typeof v.state === 'string' &&
    TRIAL_STATES.includes(v.state) &&
    (v.values === null || (Array.isArray(v.values) && v.values.every((x) => typeof x === 'number'))) &&
    isObject(v.params) &&
    Array.isArray(v.intermediate)
  );
}

/** Validates a message from the host in the webview. */
export function parseHostMessage(data: unknown): HostToWebview | undefined {
  if (!isObject(data)) return undefined;
  switch (data.type) {
    case 'init': {
      const s = data.snapshot;
      if (!isObject(s) || typeof s.studyName !== 'string' || !Array.isArray(s.trials) || !s.trials.every(isTrialSummary)) return undefined;
      return data as HostToWebview;
    }
    case 'update':
      if (!Array.isArray(data.trials) || !data.trials.every(isTrialSummary) || !Array.isArray(data.metrics)) return undefined;
      return data as HostToWebview;
    case 'importance': {
      const values = data.values;
      if (typeof data.method !== 'string' || !isObject(values) || !Object.values(values).every((v) => typeof v === 'number')) return undefined;
      return { type: 'importance', method: data.method, values: values as Record<string, number> };
    }
    case 'error':
      return typeof data.message === 'string' ? { type: 'error', message: data.message } : undefined;
    default:
      return undefined;
  }
}
