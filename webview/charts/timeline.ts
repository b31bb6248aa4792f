/**
 * Timeline: each trial as a horizontal bar from its start to its end (running trials up to now),
 * one row per GPU when trials ran on GPUs, else one row per concurrent worker, coloured by
 * state. It shows how busy the devices were and where failures and prunes cluster in time.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { ChartDataset, ChartEvent, Plugin } from 'chart.js';
import type { TrialStateName, TrialSummary } from '../../src/protocol/dashboard-messages';
import { formatDuration } from '../shell/format';
import type { ViewContext } from '../shell/view-context';
import type { ChangeSet, DashboardModel } from '../state/dashboard-model';
import { findTrial } from '../state/trial-lookup';
import type { ChartView } from './chart-view';
import { createChartFrame } from './chart-frame';
import type { ChartFrame } from './chart-frame';
import { applyChartDefaults, onThemeChange, readChartTheme, themeAxis, withAlpha } from './chart-theme';
import type { ChartTheme } from './chart-theme';
import { layoutTimeline } from './timeline-lanes';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

interface Bar {
  x: [number, number];
  y: string;
  trial: number;
  /** Row index (y is its label). */
  lane: number;
}

const STATES: readonly TrialStateName[] = ['complete', 'pruned', 'fail', 'running'];
const LABELS: Readonly<Record<TrialStateName, string>> = { complete: 'complete', pruned: 'pruned', fail: 'failed', running: 'running', waiting: 'waiting' };
/** How often bars of running trials grow while the chart is on screen. */
const TICK_MS = 1000;
// Bar thickness as a share of a row (chart.js: categoryPercentage x barPercentage).
const CATEGORY_PERCENTAGE = 0.9;
const BAR_PERCENTAGE = 0.8;

export class TimelineView implements ChartView {
  readonly id = 'timeline';
  readonly title = 'Timeline';
  private frame: ChartFrame | undefined;
  private chart: Chart<'bar', Bar[]> | undefined;
  private theme: ChartTheme | undefined;
  private themeSubscription: { dispose(): void } | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private model: DashboardModel | undefined;
  private box: HTMLElement | undefined;
  /** Each trial's bars in the last layout: a running trial without one needs a redraw when it changes. */
  private readonly drawn = new Map<number, Bar[]>();

  constructor(private readonly context?: ViewContext) {}

  mount(container: HTMLElement): void {
    this.theme = readChartTheme();
    applyChartDefaults(this.theme);
    this.frame = createChartFrame(container, 'Timeline: trials over time by worker or GPU');
    this.box = container;
    const datasets: ChartDataset<'bar', Bar[]>[] = STATES.map((s) => ({
      label: LABELS[s],
      data: [],
      grouped: false,
      minBarLength: 2,
      barPercentage: BAR_PERCENTAGE,
      categoryPercentage: CATEGORY_PERCENTAGE,
      borderSkipped: false,
    }));
    this.chart = new Chart<'bar', Bar[]>(this.frame.canvas, {
      type: 'bar',
      data: { labels: [], datasets },
      plugins: [this.selectionOutline],
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', intersect: true, axis: 'xy' },
        plugins: {
          legend: { labels: { boxWidth: 10, boxHeight: 10 }, onClick: () => undefined },
          tooltip: {
            callbacks: {
              title: (items) => (items[0] ? `trial #${(items[0].raw as Bar).trial}` : ''),
              label: (item) => {
                const bar = item.raw as Bar;
                const t = this.model ? findTrial(this.model.trials, bar.trial) : undefined;
                return `${t ? LABELS[t.state] : ''} · ${formatDuration((bar.x[1] - bar.x[0]) * 1000)} · ${bar.y}`;
              },
            },
          },
        },
        scales: {
          x: { type: 'linear', min: 0, title: { display: true, text: 'time since the first trial started' }, ticks: { maxRotation: 0, autoSkipPadding: 16, callback: (v) => (Number(v) === 0 ? '0' : formatDuration(Number(v) * 1000)) } },
          y: { type: 'category', offset: true },
        },
        onClick: (event: ChartEvent) => this.onClick(event),
      },
    });
    this.applyTheme();
    this.themeSubscription = onThemeChange((theme) => {
      this.theme = theme;
      this.applyTheme();
      // Not update('none'): in that mode chart.js keeps the point and bar colours it resolved before.
      this.chart?.update();
    });
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  update(model: DashboardModel, changes: ChangeSet): void {
    this.model = model;
    if (!this.chart) return;
    // New steps of a running trial move no bar; a trial that starts, ends or changes state does.
    const moved = changes.all || [...changes.trials].some((n) => {
      const t = findTrial(model.trials, n);
      return t === undefined || t.state !== 'running' || !this.drawn.has(n);
    });
    if (moved) this.redraw();
    // The outline is drawn by a plugin: repainting is enough, no bar changes.
    else if (changes.selection) this.chart.render();
  }

  /** Outlines the selected trials' bars over the chart (cheaper than a dataset of them). */
  private readonly selectionOutline: Plugin<'bar'> = {
    id: 'tunekit-timeline-selection',
    afterDatasetsDraw: (chart) => {
      const model = this.model;
      const theme = this.theme;
      const x = chart.scales.x;
      const y = chart.scales.y;
      const lanes = chart.data.labels?.length ?? 0;
      if (!model || !theme || !x || !y || lanes === 0 || model.selected.size === 0) return;
      const thickness = (y.height / lanes) * CATEGORY_PERCENTAGE * BAR_PERCENTAGE;
      const ctx = chart.ctx;
      const area = chart.chartArea;
      ctx.save();
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
      ctx.strokeStyle = theme.selection;
      ctx.lineWidth = 2;
      for (const n of model.selected) {
        for (const bar of this.drawn.get(n) ?? []) {
          const left = x.getPixelForValue(bar.x[0]);
          const right = Math.max(x.getPixelForValue(bar.x[1]), left + 2);
          const centre = y.getPixelForValue(bar.lane);
          ctx.strokeRect(left - 1, centre - thickness / 2 - 1, right - left + 2, thickness + 2);
        }
      }
      ctx.restore();
    },
  };

  dispose(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.themeSubscription?.dispose();
    this.chart?.destroy();
    this.frame?.dispose();
    this.chart = undefined;
  }

  private tick(): void {
    // Only while trials run and the chart is visible (a hidden tab or webview costs nothing).
    if (!this.model?.running || document.hidden || !this.box?.isConnected || this.box.offsetParent === null) return;
    if (this.model.trials.some((t) => t.state === 'running')) this.redraw();
  }

  private redraw(): void {
    const chart = this.chart;
    const model = this.model;
    if (!chart || !model) return;
    const now = Date.now();
    const layout = layoutTimeline(model.trials, now);
    const byState = new Map<string, Bar[]>(STATES.map((s) => [s, []]));
    this.drawn.clear();
    const trialsByNumber = new Map<number, TrialSummary>();
    for (const t of model.trials) trialsByNumber.set(t.number, t);
    for (const b of layout.bars) {
      const t = trialsByNumber.get(b.trial);
      if (!t) continue;
      const bar: Bar = { x: [(b.start - layout.origin) / 1000, (b.end - layout.origin) / 1000], y: layout.lanes[b.lane] as string, trial: b.trial, lane: b.lane };
      const bars = this.drawn.get(b.trial);
      if (bars) bars.push(bar);
      else this.drawn.set(b.trial, [bar]);
      byState.get(t.state)?.push(bar);
    }
    chart.data.labels = [...layout.lanes];
    for (const [i, s] of STATES.entries()) {
      const ds = chart.data.datasets[i];
      if (ds) ds.data = byState.get(s) ?? [];
    }
    this.applyTheme();
    // Rows stay readable however many lanes there are: the box grows with them.
    const box = this.frame?.canvas.parentElement;
    if (box) box.style.height = `${Math.max(220, 70 + layout.lanes.length * 22)}px`;
    chart.update('none');
    this.frame?.canvas.setAttribute('data-bars', String(layout.bars.length));
    this.frame?.canvas.setAttribute('data-lanes', layout.lanes.join('|'));
    this.frame?.setEmpty(layout.bars.length > 0 ? null : model.trials.length === 0 ? 'No trials yet.' : 'No trial has started yet.');
  }

  private onClick(event: ChartEvent): void {
    const chart = this.chart;
    const native = event.native as MouseEvent | null;
    if (!chart || !native || !this.context) return;
    const hit = chart.getElementsAtEventForMode(native, 'nearest', { intersect: true, axis: 'xy' }, false)[0];
    const bar = hit ? chart.data.datasets[hit.datasetIndex]?.data[hit.index] : undefined;
    if (bar) this.context.select([bar.trial], native.ctrlKey || native.metaKey || native.shiftKey ? 'toggle' : 'replace');
  }

  private applyTheme(): void {
    const chart = this.chart;
    const theme = this.theme;
    if (!chart || !theme) return;
    for (const [i, s] of STATES.entries()) {
      const ds = chart.data.datasets[i];
      if (!ds) continue;
      const color = theme.states[s];
      Object.assign(ds, { backgroundColor: withAlpha(color, 0.75), borderColor: color, borderWidth: theme.highContrast ? 1 : 0 });
    }
    themeAxis(chart.options.scales?.x, theme);
    themeAxis(chart.options.scales?.y, theme);
    const legend = chart.options.plugins?.legend?.labels;
    if (legend) legend.color = theme.foreground;
  }
}
