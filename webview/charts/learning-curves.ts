/**
 * Learning curves: each trial's intermediate objective values by step, or any metric the trials
 * printed (a dropdown lists every metric seen), coloured by trial state; selected trials are
 * drawn on top, bold, and the rest fade.
 *
 * Built for 10,000 trials and for 1,000 trials x 1,000 steps. chart.js keeps a controller per
 * dataset and an element per point and updates every one of them on each redraw, so:
 * - running trials, the only ones that grow, each have a chart.js dataset, and a live update
 *   appends the new steps to it (no dataset is rebuilt);
 * - finished trials' lines, which no longer change, are plain arrays in a group per state,
 *   stroked straight onto the canvas (./line-groups) and cached as a bitmap; a trial that
 *   finishes moves there; a selection veils them and draws the selected lines again on top;
 *   hovering and clicking hit-test both kinds;
 * - every line is reduced with LTTB (./decimate) to an equal share of a fixed point budget.
 */
import { Chart, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';
import type { ChartDataset, ChartEvent } from 'chart.js';
import { getRelativePosition } from 'chart.js/helpers';
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
import { LineGroups } from './line-groups';
import type { LineGroupStyle } from './line-groups';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);

type Point = readonly [number, number];
type Dataset = ChartDataset<'line', XY[]>;

/** The dropdown value standing for the trials' intermediate objective values. */
const INTERMEDIATE = '\u0001intermediate';

/**
 * Points drawn over all lines together, shared equally, never fewer than MIN_POINTS a line (a
 * line needs a few points to keep its shape). This bounds the cost of a redraw whatever the
 * study's size.
 */
const POINT_BUDGET = 100_000;
const MIN_POINTS = 12;
/** How near (pixels) the pointer must be to a line to show or select it. */
const HIT_RADIUS = 8;

interface Line {
  readonly trial: number;
  state: TrialStateName;
  /** Raw points represented so far. */
  shown: number;
  /** The running trial's own dataset, if it is running. */
  solo: Dataset | null;
  decimated: boolean;
  /** A finished trial's line as drawn (decimated), kept to regroup without decimating again. */
  drawn: XY[] | null;
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
  private readonly lines = new Map<number, Line>();
  private readonly groups = new LineGroups();
  /** Invisible: its two points span the groups' extent, so the scales include them. */
  private readonly bounds: Dataset = { data: [], showLine: false, pointRadius: 0, pointHoverRadius: 0, pointHitRadius: 0, borderWidth: 0 };
  /** Which trial each solo dataset draws. */
  private readonly soloTrial = new WeakMap<Dataset, number>();
  private hoverFrame = 0;
  private unlisten: (() => void) | undefined;
  private readonly metricNames = new Set<string>();
  private choice: Choice;
  private target = 1000;
  private linesAtRebuild = 0;
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
      data: { datasets: [this.bounds] },
      plugins: [this.groups.plugin],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        // Data is given in chart.js's internal {x, y} form, sorted by step: no parsing pass.
        parsing: false,
        normalized: true,
        elements: { point: { radius: 0, hitRadius: 0, hoverRadius: 0 }, line: { borderWidth: 1, tension: 0 } },
        // Hovering is ours (onPointer): it covers the lines chart.js does not know about.
        events: ['click'],
        interaction: { mode: 'nearest', intersect: true },
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'step' } },
          y: { type: this.choice.log ? 'logarithmic' : 'linear', title: { display: true, text: 'value' } },
        },
        onClick: (event: ChartEvent) => this.onClick(event),
      },
    });
    // DOM events, not chart.js's onHover, which is not told when the pointer leaves the plot.
    const canvas = this.frame.canvas;
    const onMove = (e: MouseEvent): void => this.onPointer(e);
    const onLeave = (): void => {
      if (this.hoverFrame) cancelAnimationFrame(this.hoverFrame);
      this.hoverFrame = 0;
      this.frame?.hideTip();
    };
    canvas.addEventListener('mousemove', onMove);
    canvas.addEventListener('mouseleave', onLeave);
    this.unlisten = () => {
      canvas.removeEventListener('mousemove', onMove);
      canvas.removeEventListener('mouseleave', onLeave);
    };
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
    const before = this.metricNames.size;
    for (const mp of changes.metrics) this.metricNames.add(mp.metric);
    if (this.metricNames.size !== before) this.refreshMetricOptions(model);
    // Selected lines move between groups: regroup what is drawn (no new decimation).
    if (changes.selection) this.regroup();
    const touched = new Set<number>();
    if (this.choice.metric === INTERMEDIATE) {
      for (const n of changes.trials) touched.add(n);
    } else {
      for (const mp of changes.metrics) if (mp.metric === this.choice.metric) touched.add(mp.trial);
      for (const n of changes.trials) if (this.lines.has(n)) touched.add(n);
    }
    let dirty = false;
    let regroup = false;
    let added = 0;
    for (const n of touched) {
      const t = findTrial(model.trials, n);
      const raw = this.rawPoints(model, n);
      if (!t || raw.length === 0) continue;
      let line = this.lines.get(n);
      if (!line) {
        line = { trial: n, state: t.state, shown: 0, solo: null, decimated: false, drawn: null };
        this.lines.set(n, line);
        added++;
      }
      const wasRunning = line.solo !== null;
      if (t.state === 'running') {
        if (!line.solo) {
          // A trial already drawn in a group started running again (resumed): start over.
          if (line.shown > 0) regroup = true;
          this.addSolo(line);
          line.shown = 0;
        }
        line.state = t.state;
        dirty = this.syncSolo(line, raw) || dirty;
      } else if (wasRunning) {
        this.removeSolo(line);
        line.state = t.state;
        this.appendToGroup(line, raw);
        dirty = true;
      } else if (line.shown === 0) {
        line.state = t.state;
        this.appendToGroup(line, raw);
        dirty = true;
      } else if (line.state !== t.state || line.shown !== raw.length) {
        // A finished trial changed (rare: a host that resent it): rebuild its group.
        line.state = t.state;
        regroup = true;
      }
    }
    // Twice as many lines as the point budget was shared among: share it again.
    if (regroup || (added > 0 && this.lines.size > 2 * Math.max(this.linesAtRebuild, 16))) {
      this.rebuild();
      return;
    }
    if (dirty || changes.selection) {
      this.updateBounds();
      chart.update('none');
      this.frame?.setEmpty(this.lines.size > 0 ? null : this.emptyMessage(model));
      this.describe();
    }
  }

  dispose(): void {
    this.themeSubscription?.dispose();
    this.chart?.destroy();
    this.frame?.dispose();
    if (this.hoverFrame) cancelAnimationFrame(this.hoverFrame);
    this.unlisten?.();
    this.chart = undefined;
    this.lines.clear();
    this.groups.clear();
  }

  private rawPoints(model: DashboardModel, trial: number): readonly Point[] {
    if (this.choice.metric === INTERMEDIATE) return findTrial(model.trials, trial)?.intermediate ?? [];
    return model.metrics.get(trial)?.get(this.choice.metric) ?? [];
  }

  private addSolo(line: Line): void {
    const dataset: Dataset = { data: [] };
    line.solo = dataset;
    line.decimated = false;
    this.soloTrial.set(dataset, line.trial);
    this.style(dataset, line.state, this.model?.selected.has(line.trial) ?? false);
    this.chart?.data.datasets.push(dataset);
  }

  private removeSolo(line: Line): void {
    const chart = this.chart;
    if (!chart || !line.solo) return;
    const i = chart.data.datasets.indexOf(line.solo);
    if (i >= 0) chart.data.datasets.splice(i, 1);
    line.solo = null;
  }

  /** Brings a running trial's own line up to date; appends the new points when it can. */
  private syncSolo(line: Line, raw: readonly Point[]): boolean {
    const dataset = line.solo as Dataset;
    if (raw.length === line.shown) return false;
    if (!line.decimated && raw.length <= this.target && raw.length > line.shown) {
      // The live path: push only the new points; chart.js adds elements for them alone.
      for (let i = line.shown; i < raw.length; i++) {
        const p = raw[i] as Point;
        dataset.data.push({ x: p[0], y: p[1] });
      }
    } else {
      dataset.data = lttb(raw, this.target);
      line.decimated = raw.length > this.target;
    }
    line.shown = raw.length;
    return true;
  }

  /** A finished trial's line: in its state's group, and again on top when it is selected. */
  private appendToGroup(line: Line, raw: readonly Point[]): void {
    line.drawn = lttb(raw, this.target);
    this.groups.append(line.state, this.groupStyle(line.state, false), line.trial, line.drawn);
    if (this.model?.selected.has(line.trial)) this.groups.append(`selected|${line.state}`, this.groupStyle(line.state, true), line.trial, line.drawn);
    line.shown = raw.length;
    line.decimated = raw.length > this.target;
  }

  /** After the selection changed: only the upper layer and the veil change. */
  private regroup(): void {
    const selected = this.model?.selected ?? new Set<number>();
    this.groups.clearLayer('over');
    for (const n of selected) {
      const line = this.lines.get(n);
      if (line?.drawn && !line.solo) this.groups.append(`selected|${line.state}`, this.groupStyle(line.state, true), line.trial, line.drawn);
    }
    this.restyle();
  }

  /** Sets the invisible bounds dataset to the groups' extent (the solo datasets count on their own). */
  private updateBounds(): void {
    const b = this.groups.bounds();
    if (!b) {
      this.bounds.data = [];
      return;
    }
    const minY = this.choice.log && Number.isFinite(b.minPositiveY) ? b.minPositiveY : b.minY;
    this.bounds.data = [
      { x: b.minX, y: minY },
      { x: b.maxX, y: b.maxY },
    ];
  }

  private rebuild(): void {
    const chart = this.chart;
    const model = this.model;
    if (!chart || !model) return;
    this.refreshMetricOptions(model);
    this.lines.clear();
    this.groups.clear();
    chart.data.datasets = [this.bounds];
    const present: { trial: number; state: TrialStateName; raw: readonly Point[] }[] = [];
    for (const t of model.trials) {
      const raw = this.choice.metric === INTERMEDIATE ? t.intermediate : model.metrics.get(t.number)?.get(this.choice.metric);
      if (raw && raw.length > 0) present.push({ trial: t.number, state: t.state, raw });
    }
    this.target = Math.max(MIN_POINTS, Math.floor(POINT_BUDGET / Math.max(1, present.length)));
    this.linesAtRebuild = present.length;
    for (const p of present) {
      const line: Line = { trial: p.trial, state: p.state, shown: 0, solo: null, decimated: false, drawn: null };
      this.lines.set(p.trial, line);
      if (p.state === 'running') {
        this.addSolo(line);
        this.syncSolo(line, p.raw);
      } else {
        this.appendToGroup(line, p.raw);
      }
    }
    const y = chart.options.scales?.y;
    if (y) {
      y.type = this.choice.log ? 'logarithmic' : 'linear';
      if (y.title) y.title.text = this.choice.metric === INTERMEDIATE ? (model.objectives[0] ?? 'objective') : this.choice.metric;
    }
    this.restyle();
    this.updateBounds();
    chart.update('none');
    this.rebuilds++;
    this.frame?.setEmpty(this.lines.size > 0 ? null : this.emptyMessage(model));
    this.describe();
  }

  /** What the chart shows, for tests and for anyone inspecting the webview: lines, raw points, rebuilds. */
  private describe(): void {
    const canvas = this.frame?.canvas;
    const chart = this.chart;
    if (!canvas || !chart) return;
    let raw = 0;
    for (const line of this.lines.values()) raw += line.shown;
    let drawn = this.groups.pointCount;
    for (const d of chart.data.datasets) if (d !== this.bounds) drawn += d.data.length;
    canvas.setAttribute('data-lines', String(this.lines.size));
    canvas.setAttribute('data-points', String(raw));
    canvas.setAttribute('data-drawn-points', String(drawn));
    canvas.setAttribute('data-datasets', String(chart.data.datasets.length));
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

  private lineStyle(state: TrialStateName, selected: boolean): { color: string; width: number } {
    const theme = this.theme;
    const n = this.lines.size;
    const alpha = n <= 20 ? 0.9 : n <= 200 ? 0.55 : n <= 2000 ? 0.3 : 0.15;
    return { color: theme ? withAlpha(theme.states[state], selected ? 1 : alpha) : 'gray', width: selected ? 2.5 : n <= 20 ? 1.5 : 1 };
  }

  private groupStyle(state: TrialStateName, selected: boolean): LineGroupStyle {
    return { ...this.lineStyle(state, selected), layer: selected ? 'over' : 'under' };
  }

  /** A running trial's dataset: drawn over the finished lines, selected ones over the rest. */
  private style(dataset: Dataset, state: TrialStateName, selected: boolean): void {
    const anySelected = (this.model?.selected.size ?? 0) > 0;
    const { color, width } = this.lineStyle(state, selected);
    // The veil fades finished lines; running ones not selected fade the same way.
    const faded = anySelected && !selected && this.theme ? withAlpha(this.theme.states[state], 0.2) : color;
    dataset.borderColor = faded;
    dataset.backgroundColor = faded;
    dataset.borderWidth = width;
    // chart.js draws higher `order` first.
    dataset.order = selected ? 0 : 1;
  }

  private restyle(): void {
    const model = this.model;
    for (const key of [...this.groups.keys()]) {
      const selected = key.startsWith('selected|');
      const state = (selected ? key.slice(9) : key) as TrialStateName;
      this.groups.setStyle(key, this.groupStyle(state, selected));
    }
    this.groups.veil = (model?.selected.size ?? 0) > 0 && this.theme ? withAlpha(this.theme.surface, 0.75) : null;
    for (const line of this.lines.values()) if (line.solo) this.style(line.solo, line.state, model?.selected.has(line.trial) ?? false);
  }

  /** The trial, step and value nearest to a pointer position (canvas pixels), within HIT_RADIUS. */
  private hitTest(x: number, y: number): { trial: number; x: number; y: number } | undefined {
    const chart = this.chart;
    if (!chart) return undefined;
    let best: { trial: number; x: number; y: number; distance: number } | undefined = this.groups.nearest(x, y, HIT_RADIUS);
    chart.data.datasets.forEach((dataset, i) => {
      const trial = this.soloTrial.get(dataset);
      if (trial === undefined) return;
      const elements = chart.getDatasetMeta(i).data;
      elements.forEach((el, j) => {
        const d = Math.hypot(el.x - x, el.y - y);
        const p = dataset.data[j];
        if (p && d <= HIT_RADIUS && (!best || d < best.distance)) best = { trial, x: p.x, y: p.y, distance: d };
      });
    });
    return best;
  }

  private onPointer(event: MouseEvent): void {
    const chart = this.chart;
    if (!chart) return;
    const { x, y } = getRelativePosition(event, chart);
    // At most one hit-test per frame, however fast the pointer moves.
    if (this.hoverFrame) cancelAnimationFrame(this.hoverFrame);
    this.hoverFrame = requestAnimationFrame(() => {
      this.hoverFrame = 0;
      const area = chart.chartArea;
      const inside = x >= area.left && x <= area.right && y >= area.top && y <= area.bottom;
      const hit = inside ? this.hitTest(x, y) : undefined;
      if (hit) this.frame?.showTip(`trial #${hit.trial}`, `step ${formatNumber(hit.x)}: ${formatNumber(hit.y)}`, x, y);
      else this.frame?.hideTip();
    });
  }

  private onClick(event: ChartEvent): void {
    const native = event.native as MouseEvent | null;
    if (!native || !this.context || event.x === null || event.y === null) return;
    const hit = this.hitTest(event.x, event.y);
    if (hit) this.context.select([hit.trial], native.ctrlKey || native.metaKey || native.shiftKey ? 'toggle' : 'replace');
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
