/**
 * Pareto front of a multi-objective study: the completed trials as points over two objectives
 * (the first two, or any two chosen when there are more), the non-dominated trials highlighted
 * and, for a two-objective study, linked by the staircase that bounds the region they dominate.
 * A single-objective study gets a note saying the chart is for multi-objective studies.
 */
import type { Chart as ChartType } from 'chart.js';
import { Chart } from 'chart.js';
import type { ChangeSet, DashboardModel } from '../state/dashboard-model';
import type { ChartView } from './chart-view';
import type { AnalysisColors } from './analysis-colors';
import { onAnalysisThemeChange, readAnalysisColors, rgba } from './analysis-colors';
import { chartFont, STATIC_CHART_OPTIONS, registerAnalysisCharts, valueAxisScale } from './analysis-chartjs';
import type { AnalysisPanel, Select } from './analysis-panel';
import { appendChartCanvas, createAnalysisPanel, createSelect } from './analysis-panel';
import { DrawnTrials, completedTrials } from './analysis-trials';
import { formatNumber, numericAxis, padAxis } from './axis-scale';
import { paretoFrontIndices, paretoStaircase } from './pareto-front';

interface ParetoPoint {
  x: number;
  y: number;
  /** -1 for the staircase's corner points, which are no trial. */
  trial: number;
}

const HEIGHT = 340;
export const SINGLE_OBJECTIVE_MESSAGE = 'The Pareto front is only for multi-objective studies; this study has one objective.';

export class ParetoView implements ChartView {
  readonly id = 'pareto';
  readonly title = 'Pareto front';

  private panel: AnalysisPanel | null = null;
  private chart: ChartType<'scatter', ParetoPoint[]> | null = null;
  private xSelect: Select | null = null;
  private ySelect: Select | null = null;
  private pair: [number, number] = [0, 1];
  private front: number[] = [];
  private colors: AnalysisColors | null = null;
  private model: DashboardModel | null = null;
  private readonly drawn = new DrawnTrials();
  private theme: { dispose(): void } | null = null;

  mount(container: HTMLElement): void {
    registerAnalysisCharts();
    this.panel = createAnalysisPanel(container, this.id);
    const canvas = appendChartCanvas(this.panel, HEIGHT, 'Pareto front of the completed trials');
    this.colors = readAnalysisColors();
    this.chart = new Chart<'scatter', ParetoPoint[]>(canvas, {
      type: 'scatter',
      data: {
        datasets: [
          { label: 'Dominated', data: [], pointRadius: 3, pointHoverRadius: 5, borderWidth: 0 },
          { label: 'Pareto front', data: [], pointRadius: 5, pointHoverRadius: 7, borderWidth: 1 },
          { label: 'front boundary', data: [], showLine: true, pointRadius: 0, pointHitRadius: 0, borderWidth: 1.5, borderDash: [4, 3], fill: false },
          { label: 'selected', data: [], pointRadius: 7, pointHoverRadius: 8, borderWidth: 2, backgroundColor: 'transparent' },
        ],
      },
      options: {
        ...STATIC_CHART_OPTIONS,
        plugins: {
          // The boundary and the selection rings explain themselves; the legend names the two sets.
          legend: { display: true, position: 'top', align: 'end', labels: { usePointStyle: true, filter: (item) => item.datasetIndex === 0 || item.datasetIndex === 1 } },
          tooltip: {
            filter: (item) => (item.raw as ParetoPoint).trial >= 0,
            callbacks: { label: (item) => this.tooltip(item.raw as ParetoPoint) },
          },
        },
      },
    });
    this.theme = onAnalysisThemeChange((colors) => {
      this.colors = colors;
      this.draw();
    });
    this.panel.setMessage('The Pareto front appears when a trial completes.');
  }

  update(model: DashboardModel, changes: ChangeSet): void {
    this.model = model;
    if (!this.panel || !this.drawn.needsRedraw(model, changes)) return;
    this.draw();
  }

  /** Numbers of the trials on the Pareto front, ascending. */
  frontTrials(): readonly number[] {
    return this.front;
  }

  dispose(): void {
    this.theme?.dispose();
    this.chart?.destroy();
    this.panel?.dispose();
    this.chart = this.panel = this.model = this.xSelect = this.ySelect = null;
    this.drawn.forget();
  }

  private tooltip(p: ParetoPoint): string {
    const model = this.model;
    const names = model?.objectives ?? [];
    const [i, j] = this.pair;
    return `trial ${p.trial}: ${names[i] ?? 'x'} ${formatNumber(p.x)}, ${names[j] ?? 'y'} ${formatNumber(p.y)}`;
  }

  private draw(): void {
    const { panel, chart, model } = this;
    const colors = this.colors ?? readAnalysisColors();
    if (!panel || !chart || !model) return;
    const trials = completedTrials(model);
    this.drawn.remember(trials);
    const m = model.directions.length;
    if (m < 2) {
      this.front = [];
      return panel.setMessage(SINGLE_OBJECTIVE_MESSAGE);
    }
    this.syncSelects(model);
    if (trials.length === 0) {
      this.front = [];
      return panel.setMessage('The Pareto front appears when a trial completes.');
    }
    const [i, j] = this.pair;
    if (i === j) return panel.setMessage('Pick two different objectives.');
    panel.setMessage(null);
    const values = trials.map((t) => t.values as readonly number[]);
    const frontIdx = paretoFrontIndices(values, model.directions);
    const onFront = new Set(frontIdx);
    this.front = frontIdx.map((k) => (trials[k] as { number: number }).number);
    const point = (k: number): ParetoPoint => ({ x: (values[k] as readonly number[])[i] as number, y: (values[k] as readonly number[])[j] as number, trial: (trials[k] as { number: number }).number });
    const dominated: ParetoPoint[] = [];
    const front: ParetoPoint[] = [];
    const selected: ParetoPoint[] = [];
    trials.forEach((t, k) => {
      const p = point(k);
      (onFront.has(k) ? front : dominated).push(p);
      if (model.selected.has(t.number)) selected.push(p);
    });
    const nameX = model.objectives[i] ?? `objective ${i}`;
    const nameY = model.objectives[j] ?? `objective ${j}`;
    const dir = (k: number): string => (model.directions[k] === 'maximize' ? 'max' : 'min');
    panel.setCaption(
      m === 2
        ? `${front.length} of ${trials.length} trials are on the front (no other trial is at least as good in both objectives and better in one).`
        : `${front.length} of ${trials.length} trials are on the front over all ${m} objectives; shown against two of them.`,
    );
    const [dominatedSet, frontSet, boundary, ringed] = chart.data.datasets;
    if (!dominatedSet || !frontSet || !boundary || !ringed) return;
    dominatedSet.data = dominated;
    dominatedSet.backgroundColor = rgba(colors.muted, 0.45);
    dominatedSet.label = `Dominated (${dominated.length})`;
    frontSet.data = front;
    frontSet.backgroundColor = rgba(colors.blue, 0.95);
    frontSet.borderColor = colors.foreground;
    frontSet.label = `Pareto front (${front.length})`;
    // The staircase bounds the dominated region only when the front is over these two objectives.
    const stairs = m === 2 ? paretoStaircase(front.map((p) => [p.x, p.y] as const), model.directions[i] ?? 'minimize') : [];
    boundary.data = stairs.map(([x, y]) => ({ x, y, trial: -1 }));
    boundary.borderColor = rgba(colors.blue, 0.8);
    ringed.data = selected;
    ringed.borderColor = colors.selection;
    const xAxis = padAxis(numericAxis(nameX, 'linear', values.map((v) => v[i] as number)), 0.05);
    const yAxis = padAxis(numericAxis(nameY, 'linear', values.map((v) => v[j] as number)), 0.05);
    chart.options.scales = {
      x: valueAxisScale(xAxis, colors, `${nameX} (${dir(i)})`, 6),
      y: valueAxisScale(yAxis, colors, `${nameY} (${dir(j)})`, 6),
    };
    const legend = chart.options.plugins?.legend;
    if (legend?.labels) Object.assign(legend.labels, { color: colors.foreground, font: chartFont(colors) });
    chart.update('none');
  }

  private syncSelects(model: DashboardModel): void {
    const m = model.objectives.length;
    if (m <= 2) {
      this.xSelect?.element.remove();
      this.ySelect?.element.remove();
      this.xSelect = this.ySelect = null;
      this.pair = [0, 1];
      return;
    }
    const options = model.objectives.map((name, k) => ({ value: String(k), label: name }));
    if (!this.xSelect || !this.ySelect) {
      const pick = (): void => {
        this.pair = [Number(this.xSelect?.value ?? 0), Number(this.ySelect?.value ?? 1)];
        this.draw();
      };
      this.xSelect = createSelect('X', options, String(this.pair[0]), pick);
      this.ySelect = createSelect('Y', options, String(this.pair[1]), pick);
      this.panel?.toolbar.append(this.xSelect.element, this.ySelect.element);
    } else {
      this.xSelect.setOptions(options, String(this.pair[0]));
      this.ySelect.setOptions(options, String(this.pair[1]));
    }
  }
}
