/**
 * Learning curves: one line per trial of its intermediate objective values by step, or of any
 * metric the trials printed (a dropdown lists every metric seen). New steps are appended to the
 * trial's existing line (no dataset is rebuilt for a live update), and each line is reduced with
 * LTTB to a per-trial point budget, so 1,000 trials x 1,000 steps stay smooth. Lines are
 * coloured by trial state; selected trials are drawn on top, others fade.
 */
import { Chart, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';
import type { ChartDataset, ChartEvent } from 'chart.js';
import type { TrialStateName } from '../../src/protocol/dashboard-messages';
import { createDropdown } from '../components/dropdown';
import type { Dropdown, DropdownOption } from '../components/dropdown';
import { formatNumber } from '../shell/format';
import type { ViewContext } from '../shell/view-context';
import type { ChangeSet, DashboardModel } from '../state/dashboard-model';
import { findTrial } from '../state/trial-lookup';
import type { ChartView } from './chart-view';
import { createChartFrame } from './chart-frame';
import type { ChartFrame } from './chart-frame';
import { applyChartDefaults, onThemeChange, readChartTheme, themeAxis, withAlpha } from './chart-theme';
import type { ChartTheme } from './chart-theme';
import { lttb } from './decimate';
import type { XY } from './decimate';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);

type Point = readonly [number, number];

/** The dropdown value standing for the trials' intermediate objective values. */
export const INTERMEDIATE = '\u0001intermediate';

/**
 * Points drawn over all lines together: chart.js keeps one element per point and updates each on
 * every redraw, so this bounds a redraw's cost whatever the study's size. Each line gets an equal
 * share, never fewer than MIN_POINTS (a line needs a few points to keep its shape).
 */
const POINT_BUDGET = 120_000;
const MIN_POINTS = 24;

interface Series {
  readonly trial: number;
  readonly dataset: ChartDataset<'line', XY[]>;
  /** How many raw points the dataset represents. */
  shown: number;
  decimated: boolean;
  state: TrialStateName;
}

interface Choice {
  metric: string;
  log: boolean;
}

function parseChoice(raw: string | undefined): Choice {
  try {
    const v: unknown = JSON.parse(raw ?? '');
    if (typeof v === 'object' && v !== null && typeof (v as Choice).metric === 'string') return { metric: (v as Choice).metric, log: (v as Choice).log === true };
  } catch {
    // No saved choice, or not one of ours: the default below.
  }
  return { metric: INTERMEDIATE, log: false };
}

export class LearningCurvesView implements ChartView {
  readonly id = 'learning-curves';
  readonly title = 'Learning curves';
  private frame: ChartFrame | undefined;
  private chart: Chart<'line', XY[]> | undefined;
  private theme: ChartTheme | undefined;
  private themeSubscription: { dispose(): void } | undefined;
  private metricDropdown: Dropdown | undefined;
  private scaleDropdown: Dropdown | undefined;
  private readonly series = new Map<number, Series>();
  private readonly metricNames = new Set<string>();
  private choice: Choice;
  private target = 1000;
  private seriesAtRebuild = 0;
  private rebuilds = 0;
  private model: DashboardModel | undefined;

  constructor(private readonly context?: ViewContext) {
    this.choice = parseChoice(context?.choice());
  }

  mount(container: HTMLElement): void {
    this.theme = readChartTheme();
    applyChartDefaults(this.theme);
    this.frame = createChartFrame(container, 'Learning curves: each trial’s values by step');
    this.metricDropdown = createDropdown([{ value: INTERMEDIATE, label: 'objective (intermediate)' }], this.choice.metric, (v) => {
      this.choice = { ...this.choice, metric: v };
      this.saveChoice();
      this.rebuild();
    }, 'Metric');
    this.scaleDropdown = createDropdown(
      [
        { value: 'linear', label: 'Linear scale' },
        { value: 'log', label: 'Log scale' },
      ],
      this.choice.log ? 'log' : 'linear',
      (v) => {
        this.choice = { ...this.choice, log: v === 'log' };
        this.saveChoice();
        const y = this.chart?.options.scales?.y;
        if (y) y.type = this.choice.log ? 'logarithmic' : 'linear';
        this.chart?.update('none');
      },
      'Value axis scale',
    );
    this.frame.toolbar.append(this.metricDropdown.element, this.scaleDropdown.element);
    this.chart = new Chart<'line', XY[]>(this.frame.canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        // Data is given in chart.js's internal {x, y} form, sorted by step: no parsing pass.
        parsing: false,
        normalized: true,
        spanGaps: true,
        elements: { point: { radius: 0, hitRadius: 4, hoverRadius: 3 }, line: { borderWidth: 1, tension: 0 } },
        interaction: { mode: 'nearest', intersect: false, axis: 'xy' },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => (items[0] ? `trial #${items[0].dataset.label ?? ''}` : ''),
              label: (item) => `step ${(item.raw as XY).x}: ${formatNumber((item.raw as XY).y)}`,
            },
          },
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'step' } },
          y: { type: this.choice.log ? 'logarithmic' : 'linear', title: { display: true, text: 'value' } },
        },
        onClick: (event: ChartEvent) => this.onClick(event),
      },
    });
    this.applyTheme();
    this.themeSubscription = onThemeChange((theme) => {
      this.theme = theme;
      this.applyTheme();
      this.restyle();
      // Not update('none'): in that mode chart.js keeps the point and bar colours it resolved before.
      this.chart?.update();
    });
  }

  update(model: DashboardModel, changes: ChangeSet): void {
    this.model = model;
    const chart = this.chart;
    if (!chart) return;
    if (changes.all) {
      this.metricNames.clear();
      for (const byName of model.metrics.values()) for (const name of byName.keys()) this.metricNames.add(name);
      this.rebuild();
      return;
    }
    let dirty = false;
    const before = this.metricNames.size;
    for (const mp of changes.metrics) this.metricNames.add(mp.metric);
    if (this.metricNames.size !== before) this.refreshMetricOptions(model);

    let restyle = changes.selection;
    const added: number[] = [];
    if (this.choice.metric === INTERMEDIATE) {
      for (const n of changes.trials) {
        const t = findTrial(model.trials, n);
        if (!t) continue;
        const r = this.sync(n, t.intermediate, t.state);
        dirty ||= r.changed;
        restyle ||= r.restyle;
        if (r.added) added.push(n);
      }
    } else {
      const touched = new Set<number>();
      for (const mp of changes.metrics) if (mp.metric === this.choice.metric) touched.add(mp.trial);
      for (const n of changes.trials) if (this.series.has(n)) touched.add(n);
      for (const n of touched) {
        const raw = model.metrics.get(n)?.get(this.choice.metric) ?? [];
        const r = this.sync(n, raw, findTrial(model.trials, n)?.state ?? 'running');
        dirty ||= r.changed;
        restyle ||= r.restyle;
        if (r.added) added.push(n);
      }
    }
    if (added.length > 0) {
      // Twice as many lines as the budget was shared among: share it again.
      if (this.series.size > 2 * Math.max(this.seriesAtRebuild, 8)) {
        this.rebuild();
        return;
      }
      restyle = true;
    }
    if (restyle) this.restyle();
    if (dirty || restyle) {
      chart.update('none');
      this.frame?.setEmpty(this.series.size > 0 ? null : this.emptyMessage(model));
      this.describe();
    }
  }

  dispose(): void {
    this.themeSubscription?.dispose();
    this.chart?.destroy();
    this.frame?.dispose();
    this.chart = undefined;
    this.series.clear();
  }

  /** Brings one trial's line up to date with its raw points; appends when it can. */
  private sync(trial: number, raw: readonly Point[], state: TrialStateName): { changed: boolean; restyle: boolean; added: boolean } {
    const chart = this.chart as Chart<'line', XY[]>;
    let s = this.series.get(trial);
    let added = false;
    if (!s) {
      if (raw.length === 0) return { changed: false, restyle: false, added: false };
      s = { trial, dataset: { label: String(trial), data: [] }, shown: 0, decimated: false, state };
      this.series.set(trial, s);
      chart.data.datasets.push(s.dataset);
      added = true;
    }
    const restyle = s.state !== state;
    s.state = state;
    if (raw.length === s.shown) return { changed: added, restyle, added };
    if (!s.decimated && raw.length <= this.target && raw.length > s.shown) {
      // The live path: push only the new points; chart.js adds elements for them alone.
      for (let i = s.shown; i < raw.length; i++) {
        const p = raw[i] as Point;
        s.dataset.data.push({ x: p[0], y: p[1] });
      }
    } else {
      s.dataset.data = lttb(raw, this.target);
      s.decimated = raw.length > this.target;
    }
    s.shown = raw.length;
    return { changed: true, restyle, added };
  }

  private rebuild(): void {
    const chart = this.chart;
    const model = this.model;
    if (!chart || !model) return;
    this.refreshMetricOptions(model);
    this.series.clear();
    chart.data.datasets = [];
    const lines: { trial: number; raw: readonly Point[]; state: TrialStateName }[] = [];
    if (this.choice.metric === INTERMEDIATE) {
      for (const t of model.trials) if (t.intermediate.length > 0) lines.push({ trial: t.number, raw: t.intermediate, state: t.state });
    } else {
      for (const t of model.trials) {
        const raw = model.metrics.get(t.number)?.get(this.choice.metric);
        if (raw && raw.length > 0) lines.push({ trial: t.number, raw, state: t.state });
      }
    }
    this.target = Math.max(MIN_POINTS, Math.floor(POINT_BUDGET / Math.max(1, lines.length)));
    this.seriesAtRebuild = lines.length;
    for (const l of lines) this.sync(l.trial, l.raw, l.state);
    const y = chart.options.scales?.y;
    if (y) {
      y.type = this.choice.log ? 'logarithmic' : 'linear';
      if (y.title) y.title.text = this.choice.metric === INTERMEDIATE ? (model.objectives[0] ?? 'objective') : this.choice.metric;
    }
    this.restyle();
    chart.update('none');
    this.rebuilds++;
    this.frame?.setEmpty(this.series.size > 0 ? null : this.emptyMessage(model));
    this.describe();
  }

  /** What the chart shows, for tests and for anyone inspecting the webview: lines, raw points, rebuilds. */
  private describe(): void {
    const canvas = this.frame?.canvas;
    if (!canvas) return;
    let raw = 0;
    let drawn = 0;
    for (const s of this.series.values()) {
      raw += s.shown;
      drawn += s.dataset.data.length;
    }
    canvas.setAttribute('data-lines', String(this.series.size));
    canvas.setAttribute('data-points', String(raw));
    canvas.setAttribute('data-drawn-points', String(drawn));
    canvas.setAttribute('data-rebuilds', String(this.rebuilds));
  }

  private emptyMessage(model: DashboardModel): string {
    if (model.trials.length === 0) return 'No trials yet.';
    return this.choice.metric === INTERMEDIATE ? 'No intermediate values reported yet.' : `No trial has reported ${this.choice.metric} yet.`;
  }

  private refreshMetricOptions(model: DashboardModel): void {
    const options: DropdownOption[] = [{ value: INTERMEDIATE, label: `${model.objectives[0] ?? 'objective'} (intermediate)` }];
    for (const name of [...this.metricNames].sort()) options.push({ value: name, label: name });
    // A saved metric that no trial reported (yet) stays offered, so the choice survives a reload.
    if (!options.some((o) => o.value === this.choice.metric)) options.push({ value: this.choice.metric, label: this.choice.metric });
    this.metricDropdown?.setOptions(options, this.choice.metric);
  }

  /** Colours, widths and drawing order from state and selection. */
  private restyle(): void {
    const theme = this.theme;
    const model = this.model;
    if (!theme || !model) return;
    const anySelected = model.selected.size > 0;
    const n = this.series.size;
    const alpha = n <= 20 ? 0.9 : n <= 200 ? 0.55 : 0.3;
    for (const s of this.series.values()) {
      const selected = model.selected.has(s.trial);
      const color = theme.states[s.state];
      const a = selected ? 1 : anySelected ? Math.min(alpha, 0.15) : alpha;
      s.dataset.borderColor = withAlpha(color, a);
      s.dataset.backgroundColor = withAlpha(color, a);
      s.dataset.borderWidth = selected ? 2.5 : n <= 20 ? 1.5 : 1;
      // chart.js draws higher `order` first: selected lines end up on top.
      s.dataset.order = selected ? 0 : 1;
    }
  }

  private onClick(event: ChartEvent): void {
    const chart = this.chart;
    const native = event.native as MouseEvent | null;
    if (!chart || !native || !this.context) return;
    const hit = chart.getElementsAtEventForMode(native, 'nearest', { intersect: false, axis: 'xy' }, false)[0];
    if (!hit) return;
    const trial = Number(chart.data.datasets[hit.datasetIndex]?.label);
    if (Number.isInteger(trial)) this.context.select([trial], native.ctrlKey || native.metaKey || native.shiftKey ? 'toggle' : 'replace');
  }

  private saveChoice(): void {
    this.context?.saveChoice(JSON.stringify(this.choice));
  }

  private applyTheme(): void {
    const chart = this.chart;
    const theme = this.theme;
    if (!chart || !theme) return;
    themeAxis(chart.options.scales?.x, theme);
    themeAxis(chart.options.scales?.y, theme);
  }
}
