/**
 * One axis per parameter for the analysis charts: a map from parameter values to [0, 1] in the
 * space the sampler draws in (log10 for log parameters, one slot per choice for categoricals),
 * with tick positions and labels. The hand-drawn charts (parallel coordinates, the contour's
 * heatmap) place marks with it; chart.js charts use the same bounds (see chartScaleBounds) so
 * both agree on where a value sits.
 */
import type { ParamInfo, TrialSummary } from '../../src/protocol/dashboard-messages';

/** A parameter value as the protocol carries it (any JSON value for categoricals). */
export type JsonValue = TrialSummary['params'][string];

export type AxisKind = 'linear' | 'log' | 'categorical';

export interface Tick {
  /** Position in [0, 1] along the axis. */
  readonly at: number;
  readonly label: string;
}

export interface ValueAxis {
  readonly name: string;
  readonly kind: AxisKind;
  /** Bounds in axis space (log10 of the value for log axes, slot edges for categoricals). */
  readonly lo: number;
  readonly hi: number;
  /** Choice labels of a categorical axis, in slot order. */
  readonly labels: readonly string[];
  /** Position of a value in [0, 1], or null when it is absent or cannot sit on this axis. */
  at(value: JsonValue | undefined): number | null;
  ticks(max: number): Tick[];
}

/** A stable identity for a choice value: choices may be any JSON value. */
export function choiceKey(value: JsonValue): string {
  return JSON.stringify(value);
}

export function choiceLabel(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The axis of one parameter. Its range covers both the declared range and every observed value
 * (a space edited mid-study may have left values outside it).
 */
export function paramAxis(info: ParamInfo, values: readonly (JsonValue | undefined)[]): ValueAxis {
  if (info.type === 'categorical') {
    const keys: string[] = [];
    const labels: string[] = [];
    const add = (v: JsonValue): void => {
      const k = choiceKey(v);
      if (keys.includes(k)) return;
      keys.push(k);
      labels.push(choiceLabel(v));
    };
    (info.choices ?? []).forEach(add);
    for (const v of values) if (v !== undefined) add(v);
    return categoricalAxis(info.name, keys, labels);
  }
  const nums = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && (!info.log || v > 0));
  const declared = [info.low, info.high].filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && (!info.log || v > 0));
  return numericAxis(info.name, info.log ? 'log' : 'linear', [...declared, ...nums], info.type === 'int');
}

/**
 * A linear (or log) axis spanning the given values, padded when they are all equal. An integer
 * axis never ticks between whole numbers.
 */
export function numericAxis(name: string, kind: 'linear' | 'log', values: readonly number[], integer = false): ValueAxis {
  const t = kind === 'log' ? values.filter((v) => v > 0).map(Math.log10) : values.filter(Number.isFinite);
  let lo = t.length ? Math.min(...t) : 0;
  let hi = t.length ? Math.max(...t) : 1;
  if (!(hi > lo)) {
    const pad = kind === 'log' ? 0.5 : Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const span = hi - lo;
  return {
    name,
    kind,
    lo,
    hi,
    labels: [],
    at(value) {
      if (typeof value !== 'number' || !Number.isFinite(value)) return null;
      if (kind === 'log') return value > 0 ? (Math.log10(value) - lo) / span : null;
      return (value - lo) / span;
    },
    ticks(max) {
      const ticks = kind === 'log' ? logTicks(lo, hi, max) : linearTicks(lo, hi, max, integer ? 1 : 0);
      return integer ? ticks.filter((t) => Number.isInteger(Number(t.label))) : ticks;
    },
  };
}

function categoricalAxis(name: string, keys: readonly string[], labels: readonly string[]): ValueAxis {
  const k = Math.max(1, keys.length);
  // Choice i sits in the middle of slot i, so the ends of the axis hold no mark.
  return {
    name,
    kind: 'categorical',
    lo: -0.5,
    hi: k - 0.5,
    labels,
    at(value) {
      if (value === undefined) return null;
      const i = keys.indexOf(choiceKey(value));
      return i < 0 ? null : (i + 0.5) / k;
    },
    ticks(max) {
      const every = Math.max(1, Math.ceil(labels.length / Math.max(1, max)));
      return labels.flatMap((label, i) => (i % every === 0 ? [{ at: (i + 0.5) / k, label }] : []));
    },
  };
}

/** Round tick values (1, 2, 5 x 10^n apart), about `max` of them. */
function linearTicks(lo: number, hi: number, max: number, minStep = 0): Tick[] {
  const step = Math.max(minStep, niceStep((hi - lo) / Math.max(1, max)));
  const out: Tick[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    const clean = Math.abs(v) < step * 1e-9 ? 0 : v;
    out.push({ at: (clean - lo) / (hi - lo), label: formatNumber(clean) });
  }
  return out;
}

function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  // Nearest of 1, 2, 5 (in log terms), so the count stays near what was asked for.
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/** Decades, thinned to `max`; within less than a decade, 1-2-5 marks or linear ticks. */
function logTicks(lo: number, hi: number, max: number): Tick[] {
  const first = Math.ceil(lo - 1e-9);
  const last = Math.floor(hi + 1e-9);
  if (last - first >= 1) {
    const every = Math.max(1, Math.ceil((last - first + 1) / Math.max(1, max)));
    const out: Tick[] = [];
    for (let d = first; d <= last; d += every) out.push({ at: (d - lo) / (hi - lo), label: formatNumber(10 ** d) });
    return out;
  }
  const marks: Tick[] = [];
  for (let d = Math.floor(lo); d <= Math.ceil(hi); d++) {
    for (const m of [1, 2, 5]) {
      const e = d + Math.log10(m);
      if (e >= lo - 1e-9 && e <= hi + 1e-9) marks.push({ at: (e - lo) / (hi - lo), label: formatNumber(m * 10 ** d) });
    }
  }
  if (marks.length >= 2) return marks;
  return linearTicks(10 ** lo, 10 ** hi, max).map((t) => ({ at: (Math.log10(10 ** lo + t.at * (10 ** hi - 10 ** lo)) - lo) / (hi - lo), label: t.label }));
}

/** Short numbers for ticks and labels: 3 significant digits, exponents outside 1e-3..1e5. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [mantissa, exp] = v.toExponential(2).split('e') as [string, string];
    return `${mantissa.replace(/\.?0+$/, '')}e${exp.replace('+', '')}`;
  }
  return String(Number(v.toPrecision(3)));
}

/**
 * Bounds of a chart.js axis that match a ValueAxis, so that position 0..1 on one is min..max on
 * the other: log axes give values (chart.js's logarithmic scale takes them), categoricals the
 * slot edges of an index axis.
 */
export function chartScaleBounds(axis: ValueAxis): { type: 'linear' | 'logarithmic'; min: number; max: number } {
  if (axis.kind === 'log') return { type: 'logarithmic', min: 10 ** axis.lo, max: 10 ** axis.hi };
  return { type: 'linear', min: axis.lo, max: axis.hi };
}

/** The value a chart.js axis plots for a parameter value (a choice's index for categoricals). */
export function chartValue(axis: ValueAxis, value: JsonValue | undefined): number | null {
  const at = axis.at(value);
  if (at === null) return null;
  if (axis.kind === 'log') return value as number;
  return axis.lo + at * (axis.hi - axis.lo);
}

/** The axis widened by `fraction` of its span at both ends (categoricals are already padded). */
export function padAxis(axis: ValueAxis, fraction: number): ValueAxis {
  if (axis.kind === 'categorical') return axis;
  const pad = (axis.hi - axis.lo) * fraction;
  const lo = axis.lo - pad;
  const hi = axis.hi + pad;
  const padded = axis.kind === 'log' ? numericAxis(axis.name, 'log', [10 ** lo, 10 ** hi]) : numericAxis(axis.name, 'linear', [lo, hi]);
  // Keep the original's ticks (an integer axis's whole numbers), on the wider range.
  return { ...padded, ticks: (max) => axis.ticks(max).map((t) => ({ at: (axis.lo + t.at * (axis.hi - axis.lo) - lo) / (hi - lo), label: t.label })) };
}
