/**
 * Parallel coordinates: one vertical axis per parameter (log axes for log parameters, one slot
 * per choice for categoricals) and one per objective; each completed trial a polyline coloured
 * by its first objective, best trials on top, trials selected in the table drawn thick.
 *
 * Drawn on a canvas by hand rather than with chart.js: thousands of polylines across a dozen
 * axes are one path per colour bucket here (a few dozen strokes in all), where chart.js would
 * build a dataset, its elements and its hit-testing per trial.
 */
import type { TrialSummary } from '../../src/protocol/dashboard-messages';
import type { ChangeSet, DashboardModel } from '../state/dashboard-model';
import type { ChartView } from './chart-view';
import type { AnalysisColors } from './analysis-colors';
import { canvasFont, onAnalysisThemeChange, readAnalysisColors, rgba } from './analysis-colors';
import type { AnalysisPanel } from './analysis-panel';
import { createAnalysisPanel } from './analysis-panel';
import { DrawnTrials, completedTrials } from './analysis-trials';
import type { ValueAxis } from './axis-scale';
import { numericAxis, paramAxis } from './axis-scale';
import { drawColorLegend, objectiveColorScale } from './objective-colors';

const HEIGHT = 340;
/** Colour buckets: each is one canvas path, so the cost is independent of the trial count. */
const BUCKETS = 32;
// The right margin holds the colour legend and its labels ("0.211 best").
const PAD = { left: 56, right: 104, top: 40, bottom: 24 };

export interface ParallelCoordinatesStats {
  readonly trials: number;
  readonly axes: readonly string[];
  readonly selected: number;
}

export class ParallelCoordinatesView implements ChartView {
  readonly id = 'parallel-coordinates';
  readonly title = 'Parallel coordinates';

  private panel: AnalysisPanel | null = null;
  private canvas: HTMLCanvasElement | null = null;
  private colors: AnalysisColors | null = null;
  private model: DashboardModel | null = null;
  private readonly drawn = new DrawnTrials();
  private resize: ResizeObserver | null = null;
  private theme: { dispose(): void } | null = null;
  private frame = 0;
  private width = 0;
  private stats: ParallelCoordinatesStats = { trials: 0, axes: [], selected: 0 };

  mount(container: HTMLElement): void {
    this.panel = createAnalysisPanel(container, this.id);
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Parallel coordinates of the completed trials');
    Object.assign(this.canvas.style, { display: 'block', width: '100%', height: `${HEIGHT}px` });
    this.panel.body.append(this.canvas);
    this.colors = readAnalysisColors();
    this.theme = onAnalysisThemeChange((colors) => {
      this.colors = colors;
      this.schedule();
    });
    this.resize = new ResizeObserver(() => {
      const w = this.panel?.body.clientWidth ?? 0;
      if (w !== this.width) this.schedule();
    });
    this.resize.observe(this.panel.body);
    this.panel.setMessage('Parallel coordinates appear when a trial completes.');
  }

  update(model: DashboardModel, changes: ChangeSet): void {
    this.model = model;
    if (!this.panel || !this.drawn.needsRedraw(model, changes)) return;
    this.draw();
  }

  /** What the last render drew (for the shell's tests and the dashboard benchmark). */
  drawnStats(): ParallelCoordinatesStats {
    return this.stats;
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.resize?.disconnect();
    this.theme?.dispose();
    this.panel?.dispose();
    this.panel = this.canvas = this.model = null;
    this.drawn.forget();
  }

  private schedule(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.draw());
  }

  private draw(): void {
    const { panel, canvas, model } = this;
    const colors = this.colors ?? readAnalysisColors();
    if (!panel || !canvas || !model) return;
    const trials = completedTrials(model);
    this.drawn.remember(trials);
    if (trials.length === 0) {
      this.stats = { trials: 0, axes: [], selected: 0 };
      panel.setMessage('Parallel coordinates appear when a trial completes.');
      return;
    }
    panel.setMessage(null);

    const axes: ValueAxis[] = [
      ...model.params.map((p) => paramAxis(p, trials.map((t) => t.params[p.name]))),
      ...model.objectives.map((name, k) => numericAxis(name, 'linear', trials.map((t) => (t.values as readonly number[])[k] as number))),
    ];
    const objectiveAxes = model.objectives.length;
    const direction = model.directions[0] ?? 'minimize';
    const scale = objectiveColorScale(trials.map((t) => (t.values as readonly number[])[0] as number), direction, colors);

    const dpr = window.devicePixelRatio || 1;
    const width = Math.max(320, panel.body.clientWidth || 640);
    this.width = panel.body.clientWidth;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(HEIGHT * dpr);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);

    const plotW = width - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const xOf = (i: number): number => (axes.length === 1 ? PAD.left + plotW / 2 : PAD.left + (plotW * i) / (axes.length - 1));
    const yOf = (at: number): number => PAD.top + plotH * (1 - at);

    // Lines: grouped by colour bucket, worst bucket first so the best trials end up on top.
    const selected = trials.filter((t) => model.selected.has(t.number));
    const buckets: TrialSummary[][] = Array.from({ length: BUCKETS }, () => []);
    for (const t of trials) {
      const q = scale.quality((t.values as readonly number[])[0] as number);
      (buckets[Math.min(BUCKETS - 1, Math.floor(q * BUCKETS))] as TrialSummary[]).push(t);
    }
    const alpha = selected.length > 0 ? 0.25 : Math.min(0.85, Math.max(0.15, 8 / Math.sqrt(trials.length)));
    ctx.lineWidth = trials.length > 500 ? 1 : 1.5;
    ctx.lineJoin = 'round';
    buckets.forEach((bucket, b) => {
      if (bucket.length === 0) return;
      ctx.strokeStyle = scale.cssAt((b + 0.5) / BUCKETS, alpha);
      ctx.beginPath();
      for (const t of bucket) tracePolyline(ctx, t, model, axes, objectiveAxes, xOf, yOf);
      ctx.stroke();
    });
    if (selected.length > 0) {
      ctx.strokeStyle = colors.selection;
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      for (const t of selected) tracePolyline(ctx, t, model, axes, objectiveAxes, xOf, yOf);
      ctx.stroke();
    }

    // Axes over the lines, with haloed labels so they stay legible over thousands of lines.
    const tickFont = canvasFont(colors, Math.max(9, colors.fontSize - 3));
    const titleFont = canvasFont(colors, Math.max(10, colors.fontSize - 2), '600');
    const spacing = axes.length > 1 ? plotW / (axes.length - 1) : plotW;
    axes.forEach((axis, i) => {
      const x = Math.round(xOf(i)) + 0.5;
      ctx.strokeStyle = rgba(colors.foreground, 0.7);
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, PAD.top);
      ctx.lineTo(x, PAD.top + plotH);
      ctx.stroke();
      ctx.font = tickFont;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      for (const tick of axis.ticks(Math.max(2, Math.floor(plotH / 28)))) {
        const y = yOf(tick.at);
        ctx.strokeStyle = rgba(colors.foreground, 0.7);
        ctx.beginPath();
        ctx.moveTo(x - 3, y);
        ctx.lineTo(x, y);
        ctx.stroke();
        haloText(ctx, truncate(ctx, tick.label, Math.min(PAD.left - 8, spacing - 10)), x - 5, y, colors);
      }
      // Objective axes need no direction: the legend marks the best end of the colours.
      const suffix = axis.kind === 'log' ? ' (log)' : '';
      ctx.font = titleFont;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      haloText(ctx, truncate(ctx, axis.name + suffix, Math.max(40, spacing - 6)), x, PAD.top - 10, colors);
    });

    drawColorLegend(ctx, width - PAD.right + 26, PAD.top, 10, plotH, scale, colors, model.objectives[0] ?? 'objective');
    canvas.setAttribute('aria-label', `Parallel coordinates of ${trials.length} completed trials over ${axes.length} axes`);
    this.stats = { trials: trials.length, axes: axes.map((a) => a.name), selected: selected.length };
  }
}

/** Adds one trial's polyline to the current path, broken where a parameter is absent. */
function tracePolyline(
  ctx: CanvasRenderingContext2D,
  t: TrialSummary,
  model: DashboardModel,
  axes: readonly ValueAxis[],
  objectiveAxes: number,
  xOf: (i: number) => number,
  yOf: (at: number) => number,
): void {
  let pen = false;
  const params = axes.length - objectiveAxes;
  for (let i = 0; i < axes.length; i++) {
    const axis = axes[i] as ValueAxis;
    const at = i < params ? axis.at(t.params[(model.params[i] as { name: string }).name]) : axis.at((t.values as readonly number[])[i - params]);
    if (at === null) {
      pen = false;
      continue;
    }
    const x = xOf(i);
    const y = yOf(Math.min(1, Math.max(0, at)));
    if (pen) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    pen = true;
  }
}

function haloText(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, colors: AnalysisColors): void {
  ctx.lineWidth = 3;
  ctx.strokeStyle = rgba(colors.background, 0.85);
  ctx.strokeText(text, x, y);
  ctx.fillStyle = colors.foreground;
  ctx.fillText(text, x, y);
  ctx.lineWidth = 1;
}

function truncate(ctx: CanvasRenderingContext2D, text: string, max: number): string {
  if (ctx.measureText(text).width <= max) return text;
  let s = text;
  while (s.length > 1 && ctx.measureText(`${s}…`).width > max) s = s.slice(0, -1);
  return `${s}…`;
}
