/**
 * Empirical distribution function of an objective over the completed trials, as Optuna's
 * plot_edf draws it: for each value x, the fraction of trials whose objective is at most x, a
 * step line. A multi-objective study picks the objective in a dropdown (plot_edf takes one
 * `target` at a time too); the trials selected in the table are marked on the line.
 */
import type { Chart as ChartType } from 'chart.js';
import { Chart } from 'chart.js';
import type { ChangeSet, DashboardModel } from '../state/dashboard-model';
import type { ChartView } from './chart-view';
import type { AnalysisColors } from './analysis-colors';
import { onAnalysisThemeChange, readAnalysisColors, rgba } from './analysis-colors';
import { axisColors, chartFont, STATIC_CHART_OPTIONS, registerAnalysisCharts, valueAxisScale } from './analysis-chartjs';
import type { AnalysisPanel, Select } from './analysis-panel';
import { appendChartCanvas, createAnalysisPanel, createSelect } from './analysis-panel';
import { DrawnTrials, completedTrials } from './analysis-trials';
import { formatNumber, numericAxis, padAxis } from './axis-scale';

interface EdfPoint {
  x: number;
  y: number;
  /** The trial at this step; -1 for the line's starting point. */
  trial: number;
}

const HEIGHT = 280;

/** The EDF's steps: (value, fraction of values <= it), sorted, one per trial. */
export function edfSteps(values: readonly { value: number; trial: number }[]): EdfPoint[] {
  const sorted = [...values].sort((a, b) => a.value - b.value || a.trial - b.trial);
  const n = sorted.length;
  const out: EdfPoint[] = [];
  for (let i = 0; i < n; ) {
    // Ties: every tied trial sits at the top of their common step.
    let last = i;
    while (last + 1 < n && (sorted[last + 1] as { value: number }).value === (sorted[i] as { value: number }).value) last++;
    for (let k = i; k <= last; k++) out.push({ x: (sorted[k] as { value: number }).value, y: (last + 1) / n, trial: (sorted[k] as { trial: number }).trial });
    i = last + 1;
  }
  return out;
}

export class EdfView implements ChartView {
  readonly id = 'edf';
  readonly title = 'Empirical distribution';

  private panel: AnalysisPanel | null = null;
  private chart: ChartType<'line', EdfPoint[]> | null = null;
  private objectiveSelect: Select | null = null;
  private objective = 0;
  private colors: AnalysisColors | null = null;
  private model: DashboardModel | null = null;
  private readonly drawn = new DrawnTrials();
  private theme: { dispose(): void } | null = null;

  mount(container: HTMLElement): void {
    registerAnalysisCharts();
    this.panel = createAnalysisPanel(container, this.id);
    const canvas = appendChartCanvas(this.panel, HEIGHT, 'Empirical distribution function of the objective');
    this.colors = readAnalysisColors();
    this.chart = new Chart<'line', EdfPoint[]>(canvas, {
      type: 'line',
      data: {
        datasets: [
          { data: [], stepped: 'after', pointRadius: 0, pointHoverRadius: 4, borderWidth: 2, fill: false },
          { data: [], showLine: false, pointRadius: 5, pointHoverRadius: 6, borderWidth: 2, backgroundColor: 'transparent' },
        ],
      },
      options: {
        ...STATIC_CHART_OPTIONS,
        interaction: { mode: 'nearest', intersect: false, axis: 'x' },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) => {
                const p = item.raw as EdfPoint;
                const share = `${(p.y * 100).toFixed(1)}% of trials at or below ${formatNumber(p.x)}`;
                return p.trial >= 0 ? `${share} (trial ${p.trial})` : share;
              },
            },
          },
        },
      },
    });
    this.theme = onAnalysisThemeChange((colors) => {
      this.colors = colors;
      this.draw();
    });
    this.panel.setMessage('The distribution appears when a trial completes.');
  }

  update(model: DashboardModel, changes: ChangeSet): void {
    this.model = model;
    if (!this.panel || !this.drawn.needsRedraw(model, changes)) return;
    this.draw();
  }

  /** Steps on the line (one per completed trial, for tests). */
  stepCount(): number {
    const data = this.chart?.data.datasets[0]?.data ?? [];
    return Math.max(0, data.length - 1);
  }

  dispose(): void {
    this.theme?.dispose();
    this.chart?.destroy();
    this.panel?.dispose();
    this.chart = this.panel = this.model = this.objectiveSelect = null;
    this.drawn.forget();
  }

  private draw(): void {
    const { panel, chart, model } = this;
    const colors = this.colors ?? readAnalysisColors();
    if (!panel || !chart || !model) return;
    const trials = completedTrials(model);
    this.drawn.remember(trials);
    this.syncObjectiveSelect(model);
    if (trials.length === 0) return panel.setMessage('The distribution appears when a trial completes.');
    panel.setMessage(null);
    const k = Math.min(this.objective, model.objectives.length - 1);
    const name = model.objectives[k] ?? 'objective';
    const better = model.directions[k] === 'maximize' ? 'right' : 'left';
    panel.setCaption(`Fraction of completed trials with ${name} at or below each value; better trials to the ${better}.`);
    const steps = edfSteps(trials.map((t) => ({ value: (t.values as readonly number[])[k] as number, trial: t.number })));
    const axis = padAxis(numericAxis(name, 'linear', steps.map((s) => s.x)), 0.03);
    const start: EdfPoint = { x: (steps[0] as EdfPoint).x, y: 0, trial: -1 };
    const [line, marks] = chart.data.datasets;
    if (!line || !marks) return;
    line.data = [start, ...steps];
    line.borderColor = colors.blue;
    line.backgroundColor = rgba(colors.blue, 0.2);
    marks.data = steps.filter((s) => model.selected.has(s.trial));
    marks.borderColor = colors.selection;
    const c = axisColors(colors);
    chart.options.scales = {
      x: valueAxisScale(axis, colors, name, 6),
      y: {
        type: 'linear',
        min: 0,
        max: 1,
        title: { display: true, text: 'cumulative fraction', color: colors.muted, font: chartFont(colors) },
        grid: c.grid,
        border: c.border,
        ticks: { color: colors.foreground, font: chartFont(colors), stepSize: 0.25, callback: (v) => `${Math.round(Number(v) * 100)}%` },
      },
    };
    chart.update('none');
  }

  private syncObjectiveSelect(model: DashboardModel): void {
    if (model.objectives.length < 2) {
      this.objectiveSelect?.element.remove();
      this.objectiveSelect = null;
      this.objective = 0;
      return;
    }
    const options = model.objectives.map((name, i) => ({ value: String(i), label: name }));
    if (this.objectiveSelect) return this.objectiveSelect.setOptions(options, String(this.objective));
    this.objectiveSelect = createSelect('Objective', options, String(this.objective), (v) => {
      this.objective = Number(v);
      this.draw();
    });
    this.panel?.toolbar.append(this.objectiveSelect.element);
  }
}
