/**
 * What the chart.js-based analysis charts share: the controllers and elements they use (and only
 * those, so the bundle stays small) and scale options built from a ValueAxis (axis-scale.ts), so
 * a chart.js axis shows the same range and ticks as the hand-drawn charts, in theme colours.
 */
import type { Scale } from 'chart.js';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';
import type { AnalysisColors } from './analysis-colors';
import { rgba } from './analysis-colors';
import type { ValueAxis } from './axis-scale';
import { formatNumber } from './axis-scale';

/**
 * Options every analysis chart starts from: drawn at once (no animation), sized by its box, data
 * given as {x, y} points already in chart order (no parsing, normalized), for speed.
 */
export const STATIC_CHART_OPTIONS = { animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true } as const;

let registered = false;

export function registerAnalysisCharts(): void {
  if (registered) return;
  registered = true;
  Chart.register(ScatterController, LineController, BarController, PointElement, LineElement, BarElement, LinearScale, LogarithmicScale, CategoryScale, Tooltip, Legend);
}

/** Colours every axis of ours takes from the theme. */
export function axisColors(colors: AnalysisColors): { ticks: { color: string }; grid: { color: string }; border: { color: string } } {
  return { ticks: { color: colors.foreground }, grid: { color: rgba(colors.grid, 0.6) }, border: { color: colors.grid } };
}

/** Fonts for chart.js from the theme (set per chart, not on Chart.defaults, which the shell owns). */
export function chartFont(colors: AnalysisColors): { family: string; size: number } {
  return { family: colors.fontFamily, size: Math.max(10, colors.fontSize - 2) };
}

/** The value chart.js plots for position `at` of the axis. */
function chartValueAt(axis: ValueAxis, at: number): number {
  const t = axis.lo + at * (axis.hi - axis.lo);
  return axis.kind === 'log' ? 10 ** t : t;
}

/**
 * A chart.js scale showing exactly `axis`: its bounds, and its ticks (decades on log axes,
 * choice labels on categorical ones) in place of chart.js's own.
 */
export function valueAxisScale(axis: ValueAxis, colors: AnalysisColors, title: string, maxTicks = 6): Record<string, unknown> {
  const ticks = axis.ticks(maxTicks).map((t) => ({ value: chartValueAt(axis, t.at), label: t.label }));
  const labelOf = (v: number): string => {
    const hit = ticks.find((t) => Math.abs(t.value - v) <= 1e-9 * Math.max(1, Math.abs(v)));
    return hit ? hit.label : formatNumber(v);
  };
  const c = axisColors(colors);
  return {
    type: axis.kind === 'log' ? 'logarithmic' : 'linear',
    min: chartValueAt(axis, 0),
    max: chartValueAt(axis, 1),
    title: { display: title !== '', text: title, color: colors.muted, font: chartFont(colors) },
    grid: c.grid,
    border: c.border,
    ticks: { color: colors.foreground, font: chartFont(colors), autoSkip: axis.kind !== 'categorical', maxRotation: 0, callback: (v: number | string) => labelOf(Number(v)) },
    afterBuildTicks: (scale: Scale) => {
      scale.ticks = ticks.map((t) => ({ value: t.value }));
    },
  };
}

/** A deterministic jitter in [-width/2, width/2] for trial `n`, so categorical points spread. */
export function jitter(n: number, width: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) / 0x100000000 - 0.5) * width;
}
