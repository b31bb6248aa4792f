/**
 * Deep checks of what the host sends, on top of parseHostMessage (which checks the shape of
 * each message but not every field of every trial). The host's data comes from files on disk
 * that any process may write, so a malformed field is dropped or defaulted here, field by field,
 * and a message whose structure is wrong is rejected whole: the dashboard never throws on input.
 */
import type { MetricPoints, ParamInfo, StudySnapshot, TrialSummary } from '../../src/protocol/dashboard-messages';

type Direction = 'minimize' | 'maximize';
type JsonValue = TrialSummary['params'][string];
type Point = readonly [number, number];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** [step, value] pairs with finite numbers, sorted by step, one value per step (the last). */
export function readPoints(raw: unknown): Point[] {
  if (!Array.isArray(raw)) return [];
  const points: Point[] = [];
  let sorted = true;
  for (const p of raw) {
    if (!Array.isArray(p) || p.length < 2 || !isFiniteNumber(p[0]) || !isFiniteNumber(p[1])) continue;
    const last = points[points.length - 1];
    if (last && p[0] <= last[0]) sorted = false;
    points.push([p[0], p[1]]);
  }
  if (sorted) return points;
  const byStep = new Map<number, number>();
  for (const [s, v] of points) byStep.set(s, v);
  return [...byStep.entries()].sort((a, b) => a[0] - b[0]);
}

function readTrial(t: TrialSummary): TrialSummary {
  const raw = t as unknown as Record<string, unknown>;
  const gpus = Array.isArray(raw.gpus) ? raw.gpus.filter((g): g is number => typeof g === 'number' && Number.isInteger(g) && g >= 0) : [];
  return {
    number: t.number,
    state: t.state,
    values: t.values === null ? null : t.values.map((v) => (Number.isFinite(v) ? v : Number.NaN)),
    params: t.params as Readonly<Record<string, JsonValue>>,
    intermediate: readPoints(raw.intermediate),
    start: isFiniteNumber(raw.start) ? raw.start : null,
    end: isFiniteNumber(raw.end) ? raw.end : null,
    gpus,
    host: typeof raw.host === 'string' ? raw.host : null,
    failReason: typeof raw.failReason === 'string' ? raw.failReason : null,
  };
}

function readParamInfo(raw: unknown): ParamInfo | undefined {
  if (!isObject(raw) || typeof raw.name !== 'string' || raw.name.length === 0) return undefined;
  if (raw.type === 'categorical') {
    if (!Array.isArray(raw.choices)) return undefined;
    return { name: raw.name, type: 'categorical', log: false, choices: raw.choices as JsonValue[] };
  }
  if ((raw.type !== 'float' && raw.type !== 'int') || !isFiniteNumber(raw.low) || !isFiniteNumber(raw.high) || raw.low > raw.high) return undefined;
  return { name: raw.name, type: raw.type, log: raw.log === true, low: raw.low, high: raw.high };
}

/** Trials of an init or update, checked; undefined when the list itself is malformed. */
export function readTrials(raw: readonly TrialSummary[]): TrialSummary[] {
  return raw.map(readTrial);
}

export interface CheckedSnapshot extends StudySnapshot {
  readonly trials: TrialSummary[];
}

export function readSnapshot(s: StudySnapshot): CheckedSnapshot | undefined {
  const raw = s as unknown as Record<string, unknown>;
  const directions = Array.isArray(raw.directions) ? raw.directions.filter((d): d is Direction => d === 'minimize' || d === 'maximize') : [];
  if (directions.length === 0) return undefined;
  const objectives = Array.isArray(raw.objectives) ? raw.objectives.map((o, i) => (typeof o === 'string' ? o : `objective ${i}`)) : [];
  while (objectives.length < directions.length) objectives.push(directions.length === 1 ? 'value' : `objective ${objectives.length}`);
  const params = Array.isArray(raw.params) ? raw.params.map(readParamInfo).filter((p): p is ParamInfo => p !== undefined) : [];
  return {
    studyName: s.studyName,
    journal: typeof raw.journal === 'string' ? raw.journal : '',
    directions,
    objectives,
    params,
    trials: readTrials(s.trials),
    running: raw.running === true,
  };
}

/** Metric points of an update; malformed entries are dropped one by one. */
export function readMetricPoints(raw: readonly unknown[]): MetricPoints[] {
  const out: MetricPoints[] = [];
  for (const m of raw) {
    if (!isObject(m) || typeof m.trial !== 'number' || !Number.isInteger(m.trial) || m.trial < 0) continue;
    if (typeof m.metric !== 'string' || m.metric.length === 0 || m.metric.length > 200) continue;
    const points = readPoints(m.points);
    if (points.length > 0) out.push({ trial: m.trial, metric: m.metric, points });
  }
  return out;
}
