/**
 * Slice plots: the objective against each parameter, one small chart per parameter (log x for
 * log parameters, categorical choices as slots with the points jittered so they do not stack),
 * points coloured by trial number as in Optuna's plot_slice, selected trials ringed.
 */
import type { Chart as ChartType } from 'chart.js';
import { Chart } from 'chart.js';
import type { ParamInfo, TrialSummary } from '../../src/protocol/dashboard-messages';
import type { ChangeSet, DashboardModel } from '../state/dashboard-model';
import type { ChartView } from './chart-view';
import type { AnalysisColors } from './analysis-colors';
import { onAnalysisThemeChange, readAnalysisColors } from './analysis-colors';
import { chartFont, jitter, STATIC_CHART_OPTIONS, registerAnalysisCharts, valueAxisScale } from './analysis-chartjs';
import type { AnalysisPanel, Select } from './analysis-panel';
import { createAnalysisPanel, createSelect } from './analysis-panel';
import { DrawnTrials, completedTrials } from './analysis-trials';
import { chartValue, formatNumber, numericAxis, padAxis, paramAxis } from './axis-scale';
import { objectiveColorScale } from './objective-colors';

interface SlicePoint {
  x: number;
  y: number;
  trial: number;
}

interface Cell {
  readonly param: ParamInfo;
  readonly root: HTMLElement;
  readonly chart: ChartType<'scatter', SlicePoint[]>;
}

const CELL_HEIGHT = 220;
/**
 * Points are split by trial number into this many datasets of one colour each: chart.js then
 * shares one set of point options per dataset instead of resolving a colour per point, which
 * made a 2,000-trial update of a few charts take most of a second.
 */
const COLOR_GROUPS = 8;

export class SliceView implements ChartView {
  readonly id = 'slice';
  readonly title = 'Slice';

  private panel: AnalysisPanel | null = null;
  private grid: HTMLElement | null = null;
  private objectiveSelect: Select | null = null;
  private objective = 0;
  private cells: Cell[] = [];
  private cellsKey = '';
  private colors: AnalysisColors | null = null;
  private model: DashboardModel | null = null;
  private readonly drawn = new DrawnTrials();
  private theme: { dispose(): void } | null = null;

  mount(container: HTMLElement): void {
    registerAnalysisCharts();
    this.panel = createAnalysisPanel(container, this.id);
    this.grid = document.createElement('div');
    Object.assign(this.grid.style, { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(280px, 1fr))', gap: '8px' });
    this.panel.body.append(this.grid);
    this.colors = readAnalysisColors();
    this.theme = onAnalysisThemeChange((colors) => {
      this.colors = colors;
      this.rebuild();
    });
    this.panel.setMessage('Slice plots appear when a trial completes.');
  }

  update(model: DashboardModel, changes: ChangeSet): void {
    this.model = model;
    if (!this.panel || !this.drawn.needsRedraw(model, changes)) return;
    this.draw();
  }

  /** Points per parameter chart, by parameter name (for tests). */
  pointCounts(): Record<string, number> {
    return Object.fromEntries(this.cells.map((c) => [c.param.name, c.chart.data.datasets.slice(0, COLOR_GROUPS).reduce((n, d) => n + d.data.length, 0)]));
  }

  dispose(): void {
    this.destroyCells();
    this.theme?.dispose();
    this.panel?.dispose();
    this.panel = this.grid = this.model = this.objectiveSelect = null;
    this.drawn.forget();
  }

  private rebuild(): void {
    this.destroyCells();
    this.draw();
  }

  private destroyCells(): void {
    for (const c of this.cells) {
      c.chart.destroy();
      c.root.remove();
    }
    this.cells = [];
    this.cellsKey = '';
  }

  private draw(): void {
    const { panel, model, grid } = this;
    const colors = this.colors ?? readAnalysisColors();
    if (!panel || !model || !grid) return;
    const trials = completedTrials(model);
    this.drawn.remember(trials);
    this.syncObjectiveSelect(model);
    if (model.params.length === 0) return panel.setMessage('This study has no parameters to plot.');
    if (trials.length === 0) return panel.setMessage('Slice plots appear when a trial completes.');
    panel.setMessage(null);
    panel.setCaption(`Colour: trial number, later trials in ${colors.dark ? 'brighter' : 'darker'} colours. Ringed: selected trials.`);

    const k = Math.min(this.objective, model.objectives.length - 1);
    const yValues = trials.map((t) => (t.values as readonly number[])[k] as number);
    const yAxis = padAxis(numericAxis(model.objectives[k] ?? 'objective', 'linear', yValues), 0.05);
    // Colour by trial number, in groups of consecutive trials: the same scale, as if later
    // trials were better.
    const order = objectiveColorScale([0, COLOR_GROUPS - 1], 'maximize', colors);
    const groupOf = new Map(trials.map((t, i) => [t.number, Math.min(COLOR_GROUPS - 1, Math.floor((i * COLOR_GROUPS) / trials.length))]));

    const key = model.params.map((p) => `${p.name}:${p.type}:${p.log}`).join('|');
    if (key !== this.cellsKey) {
      this.destroyCells();
      this.cells = model.params.map((p) => this.createCell(p));
      this.cellsKey = key;
    }
    for (const cell of this.cells) this.fillCell(cell, trials, yAxis, order, groupOf, model, k, colors);
  }

  private syncObjectiveSelect(model: DashboardModel): void {
    if (model.objectives.length < 2) {
      this.objectiveSelect?.element.remove();
      this.objectiveSelect = null;
      this.objective = 0;
      return;
    }
    const options = model.objectives.map((name, i) => ({ value: String(i), label: name }));
    if (!this.objectiveSelect) {
      this.objectiveSelect = createSelect('Objective', options, String(this.objective), (v) => {
        this.objective = Number(v);
        this.draw();
      });
      this.panel?.toolbar.append(this.objectiveSelect.element);
    } else {
      this.objectiveSelect.setOptions(options, String(this.objective));
    }
  }

  private createCell(param: ParamInfo): Cell {
    const root = document.createElement('div');
    Object.assign(root.style, { position: 'relative', height: `${CELL_HEIGHT}px`, minWidth: '0' });
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `Objective against ${param.name}`);
    root.append(canvas);
    this.grid?.append(root);
    const chart = new Chart<'scatter', SlicePoint[]>(canvas, {
      type: 'scatter',
      // The last dataset repeats the selected trials, drawn last so their rings are never hidden.
      data: {
        datasets: [
          ...Array.from({ length: COLOR_GROUPS }, () => ({ data: [] as SlicePoint[], pointRadius: 3, pointHoverRadius: 5, borderWidth: 0 })),
          { data: [] as SlicePoint[], pointRadius: 5, pointHoverRadius: 6, borderWidth: 2 },
        ],
      },
      options: {
        ...STATIC_CHART_OPTIONS,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) => {
                const p = item.raw as SlicePoint;
                return `trial ${p.trial}: ${formatNumber(p.y)}`;
              },
            },
          },
        },
      },
    });
    return { param, root, chart };
  }

  private fillCell(
    cell: Cell,
    trials: readonly TrialSummary[],
    yAxis: ReturnType<typeof numericAxis>,
    order: ReturnType<typeof objectiveColorScale>,
    groupOf: ReadonlyMap<number, number>,
    model: DashboardModel,
    k: number,
    colors: AnalysisColors,
  ): void {
    const { param, chart } = cell;
    const present = trials.filter((t) => t.params[param.name] !== undefined);
    const axis = padAxis(paramAxis(param, present.map((t) => t.params[param.name])), 0.04);
    const groups: SlicePoint[][] = Array.from({ length: COLOR_GROUPS }, () => []);
    const selected: SlicePoint[] = [];
    for (const t of present) {
      const x = chartValue(axis, t.params[param.name]);
      if (x === null) continue;
      const point = { x: axis.kind === 'categorical' ? x + jitter(t.number, 0.5) : x, y: (t.values as readonly number[])[k] as number, trial: t.number };
      (groups[groupOf.get(t.number) ?? 0] as SlicePoint[]).push(point);
      if (model.selected.has(t.number)) selected.push(point);
    }
    const ringed = chart.data.datasets[COLOR_GROUPS];
    if (!ringed) return;
    groups.forEach((data, g) => {
      const dataset = chart.data.datasets[g];
      if (!dataset) return;
      dataset.data = data;
      dataset.backgroundColor = order.css(g, 0.8);
    });
    ringed.data = selected;
    ringed.backgroundColor = 'transparent';
    ringed.borderColor = colors.selection;
    const title = param.name + (axis.kind === 'log' ? ' (log)' : '');
    chart.options.scales = {
      x: valueAxisScale(axis, colors, title, 5),
      y: valueAxisScale(yAxis, colors, model.objectives[k] ?? 'objective', 5),
    };
    chart.options.font = chartFont(colors);
    chart.update('none');
  }
}
