/**
 * The field encodings of Optuna's journal (optuna/storages/_journal/storage.py, 3.x): op codes,
 * trial states, study directions, distribution JSON and datetimes. Everything Optuna-specific
 * about the file format is in this one place.
 */
import type { Distribution, JsonValue } from '../space/distributions';
import type { Direction, TrialState } from '../study/trial';

export const OpCode = {
  CreateStudy: 0,
  DeleteStudy: 1,
  SetStudyUserAttr: 2,
  SetStudySystemAttr: 3,
  CreateTrial: 4,
  SetTrialParam: 5,
  SetTrialStateValues: 6,
  SetTrialIntermediateValue: 7,
  SetTrialUserAttr: 8,
  SetTrialSystemAttr: 9,
} as const;

const STATES: readonly TrialState[] = ['running', 'complete', 'pruned', 'fail', 'waiting'];

export function stateToOptuna(state: TrialState): number {
  return STATES.indexOf(state);
}

export function stateFromOptuna(code: unknown): TrialState | undefined {
  return typeof code === 'number' ? STATES[code] : undefined;
}

export function directionToOptuna(direction: Direction): number {
  return direction === 'minimize' ? 1 : 2;
}

export function directionFromOptuna(code: unknown): Direction | undefined {
  return code === 1 ? 'minimize' : code === 2 ? 'maximize' : undefined;
}

/** Optuna's distribution_to_json: a JSON string inside the op. */
export function distributionToOptuna(dist: Distribution): string {
  switch (dist.type) {
    case 'float':
      return JSON.stringify({ name: 'FloatDistribution', attributes: { step: dist.step, low: dist.low, high: dist.high, log: dist.log } });
    case 'int':
      return JSON.stringify({ name: 'IntDistribution', attributes: { log: dist.log, step: dist.step, low: dist.low, high: dist.high } });
    case 'categorical':
      return JSON.stringify({ name: 'CategoricalDistribution', attributes: { choices: dist.choices } });
  }
}

/** Optuna's json_to_distribution, including the pre-3.0 names older journals contain. */
export function distributionFromOptuna(text: unknown): Distribution | undefined {
  if (typeof text !== 'string') return undefined;
  let parsed: { name?: unknown; attributes?: Record<string, unknown> };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return undefined;
  }
  const a = parsed.attributes ?? {};
  const num = (k: string): number => Number(a[k]);
  switch (parsed.name) {
    case 'FloatDistribution':
      return { type: 'float', low: num('low'), high: num('high'), log: a.log === true, step: a.step == null ? null : num('step') };
    case 'UniformDistribution':
      return { type: 'float', low: num('low'), high: num('high'), log: false, step: null };
    case 'LogUniformDistribution':
      return { type: 'float', low: num('low'), high: num('high'), log: true, step: null };
    case 'DiscreteUniformDistribution':
      return { type: 'float', low: num('low'), high: num('high'), log: false, step: num('q') };
    case 'IntDistribution':
      return { type: 'int', low: num('low'), high: num('high'), log: a.log === true, step: a.step == null ? 1 : num('step') };
    case 'IntUniformDistribution':
      return { type: 'int', low: num('low'), high: num('high'), log: false, step: a.step == null ? 1 : num('step') };
    case 'IntLogUniformDistribution':
      return { type: 'int', low: num('low'), high: num('high'), log: true, step: 1 };
    case 'CategoricalDistribution':
      return Array.isArray(a.choices) ? { type: 'categorical', choices: a.choices as JsonValue[] } : undefined;
    default:
      return undefined;
  }
}

/**
 * Optuna writes naive local datetimes with `isoformat(timespec="microseconds")` and reads them
 * back with fromisoformat; mixing in a "Z" would give aware datetimes that break its arithmetic.
 */
export function datetimeToOptuna(date: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T` +
    `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}.${p(date.getMilliseconds(), 3)}000`
  );
}

export function datetimeFromOptuna(text: unknown): Date | null {
  if (typeof text !== 'string') return null;
  // Naive ISO strings are parsed as local time by Date when they contain a time part.
  const date = new Date(text.length > 23 && !/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text.slice(0, 23) : text);
  return Number.isNaN(date.getTime()) ? null : date;
}
