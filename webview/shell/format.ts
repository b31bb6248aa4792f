/** How the dashboard writes numbers, durations and parameter values, everywhere the same. */
import type { TrialSummary } from '../../src/protocol/dashboard-messages';

type JsonValue = TrialSummary['params'][string];

/** A metric or parameter value: 4-5 significant digits, exponent form for very small or large. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(5)));
}

export function formatValue(v: JsonValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** 850 ms, 12.3 s, 4m 05s, 2h 03m. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** A trial's run time; trials still running count up to `now`. */
export function trialDuration(t: TrialSummary, now: number): number | null {
  if (t.start === null) return null;
  if (t.end !== null) return t.end - t.start;
  return t.state === 'running' ? now - t.start : null;
}
