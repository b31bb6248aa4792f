/**
 * Optimization history: each finished trial's objective value by trial number, coloured by
 * state (pruned trials at their last reported value), with the best value so far as a stepped
 * line that respects the study's direction. Multi-objective studies pick the objective.
 */
import { Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';
import type { ChartDataset, ChartEvent } from 'chart.js';
import type { TrialSummary } from '../../src/protocol/dashboard-messages';
import { bestSoFar, objectiveValue } from '../shell/best-trial';
import { formatNumber } from '../shell/format';
import type { ViewContext } from '../shell/view-context';
import type { ChangeSet, DashboardModel } from '../state/dashboard-model';
import { findTrial } from '../state/trial-lookup';
import type { ChartView } from './chart-view';
import { createChartFrame } from './chart-frame';
import type { ChartFrame } from './chart-frame';
import { applyChartDefaults, onThemeChange, readChartTheme, themeAxis } from './chart-theme';
import type { ChartTheme } from './chart-theme';
import { createDropdown } from '../components/dropdown';
import type { Dropdown } from '../components/dropdown';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend);

interface XY {
  x: number;
  y: number;
}

const BEST = 0;
const COMPLETE = 1;
const PRUNED = 2;
const SELECTED = 3;

/** The saved choice: "<objective index>|<linear|log>". */
function parseChoice(raw: string | undefined): { objective: number; log: boolean } {
  const [o, s] = (raw ?? '').split('|');
  const objective = Number(o);
  return { objective: Number.isInteger(objective) && objective >= 0 ? objective : 0, log: s === 'log' };
}

export class HistoryView implements ChartView {
  readonly id = 'history';
  readonly title = 'Optimization history';
  private frame: ChartFrame | undefined;
  private chart: Chart<'line', XY[]> | undefined;
  private theme: ChartTheme | undefined;
  private themeSubscription: { dispose(): void } | undefined;
  private objectiveDropdown: Dropdown | undefined;
  private scaleDropdown: Dropdown | undefined;
  private objective: number;
  private log: boolean;
  private model: DashboardModel | undefined;

  constructor(private readonly context?: ViewContext) {
    const choice = parseChoice(context?.choice());
    this.objective = choice.objective;
    this.log = choice.log;
  }

  mount(container: HTMLElement): void {
    this.theme = readChartTheme();
    applyChartDefaults(this.theme);
    this.frame = createChartFrame(container, 'Optimization history: objective value by trial number');
    this.objectiveDropdown = createDropdown([], '0', (v) => {
      this.objective = Number(v);
      this.saveChoice();
      this.redraw();
    }, 'Objective');
    this.objectiveDropdown.element.hidden = true;
    this.scaleDropdown = createDropdown(
      [
        { value: 'linear', label: 'Linear scale' },
        { value: 'log', label: 'Log scale' },
      ],
      this.log ? 'log' : 'linear',
      (v) => {
        this.log = v === 'log';
        this.saveChoice();
        this.redraw();
      },
      'Value axis scale',
    );
    this.frame.toolbar.append(this.objectiveDropdown.element, this.scaleDropdown.element);
    this.chart = new Chart<'line', XY[]>(this.frame.canvas, {
      type: 'line',
      data: { datasets: this.emptyDatasets(this.theme) },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', intersect: true },
        plugins: {
          legend: {
            labels: {
              boxWidth: 8,
              boxHeight: 8,
              usePointStyle: true,
              // Dataset order, not drawing order; series with nothing to show stay out.
              sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
              filter: (item, data) => (data.datasets[item.datasetIndex ?? 0]?.data.length ?? 0) > 0,
            },
          },
          tooltip: {
            filter: (item) => item.datasetIndex !== BEST,
            callbacks: { label: (item) => `trial #${(item.raw as XY).x}: ${formatNumber((item.raw as XY).y)}` },
          },
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'trial' }, ticks: { precision: 0 } },
          y: { type: this.log ? 'logarithmic' : 'linear', title: { display: true, text: 'objective' } },
        },
        onClick: (event: ChartEvent) => this.onClick(event),
      },
    });
    this.applyTheme(this.theme);
    this.themeSubscription = onThemeChange((theme) => {
      this.theme = theme;
      this.applyTheme(theme);
      // Not update('none'): in that mode chart.js keeps the point and bar colours it resolved before.
      this.chart?.update();
    });
  }

  update(model: DashboardModel, changes: ChangeSet): void {
    this.model = model;
    if (!this.chart) return;
    if (changes.all) {
      this.redraw();
      return;
    }
    // Most updates are new steps of running trials, which this chart does not show.
    const finished = [...changes.trials].some((n) => {
      const t = findTrial(model.trials, n);
      return t !== undefined && t.state !== 'running' && t.state !== 'waiting';
    });
    if (finished) this.redraw();
    else if (changes.selection) {
      this.fillSelected(model);
      this.chart.update('none');
    }
  }

  dispose(): void {
    this.themeSubscription?.dispose();
    this.chart?.destroy();
    this.frame?.dispose();
    this.chart = undefined;
  }

  private redraw(): void {
    const chart = this.chart;
    const model = this.model;
    if (!chart || !model) return;
    const objectives = model.directions.map((_, i) => ({ value: String(i), label: model.objectives[i] ?? `objective ${i}` }));
    if (this.objective >= objectives.length) this.objective = 0;
    this.objectiveDropdown?.setOptions(objectives, String(this.objective));
    if (this.objectiveDropdown) this.objectiveDropdown.element.hidden = objectives.length < 2;
    const direction = model.directions[this.objective] ?? 'minimize';
    const complete: XY[] = [];
    const pruned: XY[] = [];
    for (const t of model.trials) {
      const v = objectiveValue(t, this.objective);
      if (v !== null) complete.push({ x: t.number, y: v });
      else if (t.state === 'pruned' && this.objective === 0) {
        const last = t.intermediate[t.intermediate.length - 1];
        if (last) pruned.push({ x: t.number, y: last[1] });
      }
    }
    const best = bestSoFar(model.trials, this.objective, direction);
    const lastNumber = model.trials[model.trials.length - 1]?.number;
    const lastBest = best[best.length - 1];
    // Hold the best value out to the latest trial, so the line shows how long it has stood.
    if (lastBest && lastNumber !== undefined && lastNumber > lastBest.x) best.push({ x: lastNumber, y: lastBest.y });
    const ds = chart.data.datasets;
    (ds[BEST] as ChartDataset<'line', XY[]>).data = best;
    (ds[BEST] as ChartDataset<'line', XY[]>).label = `best (${direction === 'minimize' ? 'min' : 'max'})`;
    (ds[COMPLETE] as ChartDataset<'line', XY[]>).data = complete;
    (ds[PRUNED] as ChartDataset<'line', XY[]>).data = pruned;
    this.fillSelected(model);
    const y = chart.options.scales?.y;
    if (y) {
      y.type = this.log ? 'logarithmic' : 'linear';
      if (y.title) y.title.text = model.objectives[this.objective] ?? 'objective';
    }
    this.applyTheme(this.theme);
    chart.update('none');
    // What the chart shows, for tests and for anyone inspecting the webview.
    this.frame?.canvas.setAttribute('data-points', String(complete.length + pruned.length));
    const hasTrials = complete.length + pruned.length > 0;
    this.frame?.setEmpty(hasTrials ? null : model.trials.length === 0 ? 'No trials yet.' : 'No finished trials yet: values appear here as trials complete.');
  }

  private fillSelected(model: DashboardModel): void {
    const chart = this.chart;
    if (!chart) return;
    const selected: XY[] = [];
    for (const n of model.selected) {
      const t = findTrial(model.trials, n);
      if (!t) continue;
      const y = this.pointValue(t);
      if (y !== null) selected.push({ x: n, y });
    }
    selected.sort((a, b) => a.x - b.x);
    (chart.data.datasets[SELECTED] as ChartDataset<'line', XY[]>).data = selected;
    this.frame?.canvas.setAttribute('data-selected', String(selected.length));
  }

  private pointValue(t: TrialSummary): number | null {
    const v = objectiveValue(t, this.objective);
    if (v !== null) return v;
    if (t.state === 'pruned' && this.objective === 0) return t.intermediate[t.intermediate.length - 1]?.[1] ?? null;
    return null;
  }

  private onClick(event: ChartEvent): void {
    const chart = this.chart;
    const native = event.native as MouseEvent | null;
    if (!chart || !native || !this.context) return;
    const hits = chart.getElementsAtEventForMode(native, 'nearest', { intersect: true }, false).filter((h) => h.datasetIndex !== BEST);
    const hit = hits[0];
    if (!hit) return;
    const point = chart.data.datasets[hit.datasetIndex]?.data[hit.index];
    if (point) this.context.select([point.x], native.ctrlKey || native.metaKey || native.shiftKey ? 'toggle' : 'replace');
  }

  private saveChoice(): void {
    this.context?.saveChoice(`${this.objective}|${this.log ? 'log' : 'linear'}`);
  }

  private emptyDatasets(theme: ChartTheme): ChartDataset<'line', XY[]>[] {
    return [
      { label: 'best', data: [], stepped: 'after', pointRadius: 0, pointHitRadius: 0, borderWidth: 2, order: 1, borderColor: theme.accent, backgroundColor: theme.accent },
      { label: 'complete', data: [], showLine: false, pointRadius: 2.5, pointHoverRadius: 5, order: 2 },
      { label: 'pruned (last value)', data: [], showLine: false, pointRadius: 2.5, pointHoverRadius: 5, pointStyle: 'triangle', order: 3 },
      { label: 'selected', data: [], showLine: false, pointRadius: 6, pointHoverRadius: 7, borderWidth: 2, order: 0 },
    ];
  }

  private applyTheme(theme: ChartTheme | undefined): void {
    const chart = this.chart;
    if (!chart || !theme) return;
    const [best, complete, pruned, selected] = chart.data.datasets as ChartDataset<'line', XY[]>[];
    if (best) Object.assign(best, { borderColor: theme.accent, backgroundColor: theme.accent });
    if (complete) Object.assign(complete, { borderColor: theme.states.complete, backgroundColor: theme.states.complete });
    if (pruned) Object.assign(pruned, { borderColor: theme.states.pruned, backgroundColor: theme.states.pruned });
    if (selected) Object.assign(selected, { borderColor: theme.selection, backgroundColor: 'rgba(0, 0, 0, 0)' });
    themeAxis(chart.options.scales?.x, theme);
    themeAxis(chart.options.scales?.y, theme);
    const legend = chart.options.plugins?.legend?.labels;
    if (legend) legend.color = theme.foreground;
  }
}
