/**
 * Checks what the user typed for a parameter of a trial to enqueue against the study's search
 * space (ParamInfo), before anything is posted: the host checks again (a webview is untrusted
 * input to it), but the user should learn here, next to the field, what is wrong.
 */
import type { ParamInfo, TrialSummary } from '../../src/protocol/dashboard-messages';
import { formatNumber } from '../shell/format';

type JsonValue = TrialSummary['params'][string];

export type ParamInput = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly error: string };

/** The range as the form shows it: "0.0001 – 0.01, log scale". */
export function describeRange(p: ParamInfo): string {
  if (p.type === 'categorical') return `one of ${(p.choices ?? []).map((c) => JSON.stringify(c)).join(', ')}`;
  const range = `${formatNumber(p.low)} – ${formatNumber(p.high)}`;
  return `${p.type === 'int' ? 'integer' : 'number'}, ${range}${p.log ? ', log scale' : ''}`;
}

/**
 * For a float or int parameter, `text` is the number typed; for a categorical one, the index of
 * the chosen option (the form's dropdown holds indices, so choices of any JSON type survive).
 */
export function parseParamInput(p: ParamInfo, text: string): ParamInput {
  const raw = text.trim();
  if (p.type === 'categorical') {
    const choices = p.choices ?? [];
    const i = Number(raw);
    if (raw === '' || !Number.isInteger(i) || i < 0 || i >= choices.length) return { ok: false, error: `${p.name}: choose one of the ${choices.length} options.` };
    return { ok: true, value: choices[i] as JsonValue };
  }
  if (raw === '') return { ok: false, error: `${p.name}: enter a value (${describeRange(p)}).` };
  const v = Number(raw);
  if (!Number.isFinite(v)) return { ok: false, error: `${p.name}: "${raw}" is not a number; enter a value (${describeRange(p)}).` };
  if (p.type === 'int' && !Number.isInteger(v)) return { ok: false, error: `${p.name}: "${raw}" is not an integer; enter a whole number (${describeRange(p)}).` };
  const low = p.low ?? -Infinity;
  const high = p.high ?? Infinity;
  if (v < low || v > high) return { ok: false, error: `${p.name}: ${formatNumber(v)} is outside the search space (${describeRange(p)}).` };
  return { ok: true, value: v };
}

/**
 * What the form starts with: the given trial's value when it has one in range (the selected or
 * the best trial), else the middle of the range (geometric middle on a log scale).
 */
export function initialInput(p: ParamInfo, from: TrialSummary | undefined): string {
  const v = from?.params[p.name];
  if (p.type === 'categorical') {
    const choices = p.choices ?? [];
    const i = v === undefined ? -1 : choices.findIndex((c) => JSON.stringify(c) === JSON.stringify(v));
    return String(Math.max(0, i));
  }
  if (typeof v === 'number' && parseParamInput(p, String(v)).ok) return String(v);
  const low = p.low ?? 0;
  const high = p.high ?? low;
  const mid = p.log && low > 0 ? Math.sqrt(low * high) : (low + high) / 2;
  return String(p.type === 'int' ? Math.round(mid) : Number(mid.toPrecision(4)));
}
