/**
 * The colour scale for objective values (parallel coordinates lines, contour heatmap).
 *
 * Viridis (van der Walt & Smith, matplotlib 2.0): perceptually uniform and readable with the
 * common colour-vision deficiencies, which no mix of theme hues is. The best trials get the end
 * of the scale that contrasts most with the editor background (bright yellow on dark themes,
 * deep purple on light ones), so they stand out and poor trials recede.
 */
import type { AnalysisColors } from './analysis-colors';
import { canvasFont } from './analysis-colors';
import { formatNumber } from './axis-scale';

type Rgb = readonly [number, number, number];

const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** Viridis at t in [0, 1]. */
export function viridis(t: number): Rgb {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i] as Rgb;
  const b = VIRIDIS[i + 1] as Rgb;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

export interface ObjectiveColorScale {
  /** The value range the colours span (outliers are clamped to it). */
  readonly low: number;
  readonly high: number;
  readonly direction: 'minimize' | 'maximize';
  /** 0 for the worst value of the range, 1 for the best. */
  quality(value: number): number;
  rgb(value: number): Rgb;
  css(value: number, alpha?: number): string;
  /** The colour for a quality in [0, 1] (0 worst, 1 best). */
  cssAt(quality: number, alpha?: number): string;
}

/**
 * A scale over `values`. Its range stops at Tukey's far fences (3 IQR past the quartiles), so
 * one diverged trial with a loss of 1e9 does not paint every other trial the same colour.
 */
export function objectiveColorScale(values: readonly number[], direction: 'minimize' | 'maximize', colors: Pick<AnalysisColors, 'dark'>): ObjectiveColorScale {
  const [low, high] = robustRange(values);
  const span = high - low;
  const quality = (v: number): number => {
    if (!(span > 0)) return 1;
    const t = Math.min(1, Math.max(0, (v - low) / span));
    return direction === 'maximize' ? t : 1 - t;
  };
  const rgbAt = (q: number): Rgb => viridis(colors.dark ? q : 1 - q);
  const cssAt = (q: number, alpha = 1): string => {
    const [r, g, b] = rgbAt(q);
    return alpha >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
  };
  return {
    low,
    high,
    direction,
    quality,
    rgb: (v) => rgbAt(quality(v)),
    css: (v, alpha) => cssAt(quality(v), alpha),
    cssAt,
  };
}

/** [min, max] of the values, narrowed to Tukey's far fences when outliers lie beyond them. */
export function robustRange(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const sorted = Float64Array.from(finite).sort();
  const q = (p: number): number => {
    const pos = (sorted.length - 1) * p;
    const lo = Math.floor(pos);
    return (sorted[lo] as number) + ((sorted[Math.ceil(pos)] as number) - (sorted[lo] as number)) * (pos - lo);
  };
  const iqr = q(0.75) - q(0.25);
  const min = sorted[0] as number;
  const max = sorted[sorted.length - 1] as number;
  if (!(iqr > 0)) return [min, max];
  return [Math.max(min, q(0.25) - 3 * iqr), Math.min(max, q(0.75) + 3 * iqr)];
}

/**
 * A vertical colour bar with the range's ends labelled, the best end marked: the legend of the
 * parallel coordinates and the contour.
 */
export function drawColorLegend(ctx: CanvasRenderingContext2D, x: number, y: number, width: number, height: number, scale: ObjectiveColorScale, colors: AnalysisColors, title: string): void {
  const steps = Math.max(2, Math.round(height));
  for (let i = 0; i < steps; i++) {
    // Top of the bar = high values.
    const v = scale.high - ((scale.high - scale.low) * i) / (steps - 1);
    ctx.fillStyle = scale.css(v);
    ctx.fillRect(x, y + (height * i) / steps, width, height / steps + 1);
  }
  ctx.strokeStyle = colors.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(x + 0.5, y + 0.5, width - 1, height - 1);
  ctx.fillStyle = colors.foreground;
  ctx.font = canvasFont(colors, Math.max(9, colors.fontSize - 3));
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const best = scale.direction === 'maximize' ? 'high' : 'low';
  ctx.fillText(formatNumber(scale.high) + (best === 'high' ? ' best' : ''), x + width + 4, y + 4);
  ctx.fillText(formatNumber(scale.low) + (best === 'low' ? ' best' : ''), x + width + 4, y + height - 4);
  ctx.save();
  ctx.translate(x - 4, y + height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillStyle = colors.muted;
  ctx.fillText(title, 0, 0);
  ctx.restore();
}
