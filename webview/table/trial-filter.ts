/**
 * The trials table's text filter. Words separated by spaces must all match:
 *   lr>0.01   batch_size=64   optimizer:ad   value<=0.2   state=pruned   #>=100
 * `name<op>value` compares a parameter (or `value` / an objective's name, `state`, `#`) with
 * =, !=, <, <=, >, >= (numerically when both sides are numbers) or : (contains); a plain word
 * matches any parameter's "name=value" text. Names are case-insensitive. A word naming nothing
 * known is matched as plain text, so typing never empties the table by surprise.
 */
import type { TrialSummary } from '../../src/protocol/dashboard-messages';
import type { StateFilter } from '../state/ui-state';

type Predicate = (t: TrialSummary) => boolean;
type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | ':';

const TOKEN = /^([^<>=!:]+)(<=|>=|!=|=|:|<|>)(.*)$/;

function asNumber(text: string): number | null {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function compare(actual: unknown, op: Op, expected: string): boolean {
  if (actual === undefined || actual === null) return op === '!=';
  const wanted = asNumber(expected);
  if (typeof actual === 'number' && wanted !== null) {
    switch (op) {
      case '=': return actual === wanted;
      case '!=': return actual !== wanted;
      case '<': return actual < wanted;
      case '<=': return actual <= wanted;
      case '>': return actual > wanted;
      case '>=': return actual >= wanted;
      case ':': return String(actual).includes(expected);
    }
  }
  const text = (typeof actual === 'string' ? actual : JSON.stringify(actual)).toLowerCase();
  const e = expected.toLowerCase();
  switch (op) {
    case '=': return text === e;
    case '!=': return text !== e;
    case ':': return text.includes(e);
    // Ordering strings would surprise more than help: "lr>abc" matches nothing.
    default: return false;
  }
}

/** Lower-cased params text of a trial ("lr=0.01 optimizer=adam"), cached per trial object. */
const textCache = new WeakMap<TrialSummary, string>();
function paramsText(t: TrialSummary): string {
  let s = textCache.get(t);
  if (s === undefined) {
    s = Object.entries(t.params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ').toLowerCase();
    textCache.set(t, s);
  }
  return s;
}

/**
 * A predicate for the text filter. `params` and `objectives` are the study's names, used to
 * tell a comparison from plain text.
 */
export function compileFilter(text: string, params: readonly string[], objectives: readonly string[]): Predicate {
  const words = text.trim().split(/\s+/).filter((w) => w.length > 0);
  const byLower = new Map(params.map((p) => [p.toLowerCase(), p]));
  const objectiveIndex = new Map(objectives.map((o, i) => [o.toLowerCase(), i]));
  const predicates: Predicate[] = words.map((word) => {
    const m = TOKEN.exec(word);
    if (m) {
      const name = (m[1] as string).toLowerCase();
      const op = m[2] as Op;
      const expected = m[3] as string;
      const param = byLower.get(name);
      if (param !== undefined) return (t) => compare(t.params[param], op, expected);
      if (name === '#' || name === 'number' || name === 'trial') return (t) => compare(t.number, op, expected);
      if (name === 'state') return (t) => compare(t.state, op, expected);
      const index = name === 'value' ? 0 : objectiveIndex.get(name);
      if (index !== undefined) return (t) => compare(t.values?.[index] ?? null, op, expected);
    }
    const needle = word.toLowerCase();
    return (t) => paramsText(t).includes(needle);
  });
  if (predicates.length === 0) return () => true;
  return (t) => predicates.every((p) => p(t));
}

export function matchesState(t: TrialSummary, filter: StateFilter): boolean {
  return filter === 'all' || t.state === filter;
}
