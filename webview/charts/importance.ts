/**
 * Parameter importance as horizontal bars, most important first, with the method named. The
 * host computes it (src/core/importance) and posts `{ type: 'importance', method, values }` as
 * trials finish; this view only draws what arrives. An empty `values` means the host had
 * nothing to say yet: the method string then carries its reason.
 */
import type { Chart as ChartType, Plugin } from 'chart.js';
import { Chart } from 'chart.js';
import type { ChangeSet, DashboardModel } from '../state/dashboard-model';
import type { ChartView } from './chart-view';
import type { AnalysisColors } from './analysis-colors';
import { canvasFont, onAnalysisThemeChange, readAnalysisColors, rgba } from './analysis-colors';
import { axisColors, chartFont, registerAnalysisCharts } from './analysis-chartjs';
import type { AnalysisPanel } from './analysis-panel';
import { createAnalysisPanel } from './analysis-panel';

const BAR_HEIGHT = 26;

export interface ImportanceBar {
  readonly name: string;
  readonly value: number;
}

/** Bars from the model's importance, largest first (ties by name, so the order is stable). */
export function importanceBars(importance: DashboardModel['importance']): ImportanceBar[] {
  if (!importance) return [];
  return Object.entries(importance.values)
    .filter(([, v]) => Number.isFinite(v))
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => b.value - a.value || a.name.localeCompare(b.name));
}

export class ImportanceView implements ChartView {
  readonly id = 'importance';
  readonly title = 'Parameter importance';

  private panel: AnalysisPanel | null = null;
  private box: HTMLElement | null = null;
  private chart: ChartType<'bar', number[], string> | null = null;
  private colors: AnalysisColors | null = null;
  private model: DashboardModel | null = null;
  private bars: ImportanceBar[] = [];
  private theme: { dispose(): void } | null = null;

  mount(container: HTMLElement): void {
    registerAnalysisCharts();
    this.panel = createAnalysisPanel(container, this.id);
    this.box = document.createElement('div');
    Object.assign(this.box.style, { position: 'relative', height: '160px' });
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', 'Parameter importance');
    this.box.append(canvas);
    this.panel.body.append(this.box);
    this.colors = readAnalysisColors();
    this.chart = new Chart<'bar', number[], string>(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [{ data: [], borderWidth: 0, barPercentage: 0.8, categoryPercentage: 0.9 }] },
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        layout: { padding: { right: 48 } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => `${(Number(item.raw) * 100).toFixed(1)}% of the explained variance` } },
        },
      },
      plugins: [this.valueLabels()],
    });
    this.theme = onAnalysisThemeChange((colors) => {
      this.colors = colors;
      this.draw();
    });
    this.panel.setMessage('Parameter importance appears once a few trials have completed.');
  }

  update(model: DashboardModel, changes: ChangeSet): void {
    this.model = model;
    if (!this.panel || !(changes.all || changes.importance)) return;
    this.draw();
  }

  /** The bars drawn, in order (for tests). */
  drawnBars(): readonly ImportanceBar[] {
    return this.bars;
  }

  dispose(): void {
    this.theme?.dispose();
    this.chart?.destroy();
    this.panel?.dispose();
    this.chart = this.panel = this.box = this.model = null;
  }

  private draw(): void {
    const { panel, chart, model, box } = this;
    const colors = this.colors ?? readAnalysisColors();
    if (!panel || !chart || !model || !box) return;
    const importance = model.importance;
    this.bars = importanceBars(importance);
    if (!importance) return panel.setMessage('Parameter importance appears once a few trials have completed.');
    // An empty result: the method string carries the host's reason (too few trials, ...).
    if (this.bars.length === 0) return panel.setMessage(importance.method || 'No parameter importance yet.');
    panel.setMessage(null);
    panel.setCaption(`Method: ${importance.method}. Shares of the objective's explained variance${model.objectives[0] ? ` (${model.objectives[0]})` : ''}.`);
    box.style.height = `${Math.max(120, this.bars.length * BAR_HEIGHT + 48)}px`;
    chart.data.labels = this.bars.map((b) => b.name);
    const dataset = chart.data.datasets[0];
    if (!dataset) return;
    dataset.data = this.bars.map((b) => b.value);
    dataset.backgroundColor = rgba(colors.blue, 0.85);
    dataset.hoverBackgroundColor = colors.blue;
    const c = axisColors(colors);
    chart.options.scales = {
      x: { type: 'linear', min: 0, max: Math.min(1, Math.ceil(Math.max(0.05, ...this.bars.map((b) => b.value)) * 10.5) / 10), grid: c.grid, border: c.border, ticks: { color: colors.foreground, font: chartFont(colors), callback: (v) => `${Math.round(Number(v) * 100)}%` } },
      y: { type: 'category', grid: { display: false }, border: c.border, ticks: { color: colors.foreground, font: chartFont(colors), autoSkip: false } },
    };
    chart.update('none');
    chart.resize();
  }

  /** Writes each bar's share at its end: the numbers are what users compare. */
  private valueLabels(): Plugin<'bar'> {
    return {
      id: 'tunekitImportanceLabels',
      afterDatasetsDraw: (chart) => {
        const colors = this.colors;
        const meta = chart.getDatasetMeta(0);
        if (!colors) return;
        const { ctx } = chart;
        ctx.save();
        ctx.font = canvasFont(colors, Math.max(9, colors.fontSize - 3));
        ctx.fillStyle = colors.foreground;
        ctx.textAlign = 'left';
        ctx.textBaseline = 'middle';
        meta.data.forEach((bar, i) => {
          const value = this.bars[i]?.value;
          if (value === undefined) return;
          ctx.fillText(`${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%`, bar.x + 4, bar.y);
        });
        ctx.restore();
      },
    };
  }
}
