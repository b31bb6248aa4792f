/**
 * The report's charts (chart.js): per-layer sparsity before vs after, horizontal once there are
 * more layers than fit side by side, and one small before/after bar chart per measured figure
 * (size, latency, accuracy: their units differ, so they do not share an axis). Colours come from
 * VS Code's theme variables (--vscode-charts-*), read again when the theme changes, through the
 * dashboard's chart theme (webview/charts/chart-theme.ts).
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import type { CompressionReport } from '../../src/protocol/compression';
import { applyChartDefaults, readChartTheme, themeAxis, withAlpha } from '../charts/chart-theme';
import type { ChartTheme } from '../charts/chart-theme';
import { comparisonSeries, layerSparsity } from './report-figures';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** Above this many layers, bars run horizontally so names stay readable. */
const HORIZONTAL_FROM = 12;
const ROW_PX = 22;

interface SeriesColours {
  readonly before: string;
  readonly after: string;
}

function seriesColours(theme: ChartTheme): SeriesColours {
  // Blue for the original and orange for the compressed model (the theme's --vscode-charts-blue
  // and -orange, already read by readChartTheme): distinct in every VS Code theme, and for
  // red-green colour blindness.
  return { before: theme.states.running, after: theme.states.pruned };
}

export class ReportCharts {
  private charts: Chart[] = [];

  constructor(
    private readonly layersHost: HTMLElement,
    private readonly comparisonHost: HTMLElement,
  ) {}

  /** Draws (or redraws, after a theme change) every chart of `report`; returns how many. */
  draw(report: CompressionReport): number {
    this.dispose();
    const theme = readChartTheme();
    applyChartDefaults(theme);
    const colours = seriesColours(theme);
    this.layersHost.replaceChildren();
    this.comparisonHost.replaceChildren();
    if (report.layers.length > 0) this.charts.push(this.layerChart(report, theme, colours));
    for (const series of comparisonSeries(report)) this.charts.push(this.comparisonChart(series, theme, colours));
    return this.charts.length;
  }

  dispose(): void {
    for (const chart of this.charts.splice(0)) chart.destroy();
  }

  private layerChart(report: CompressionReport, theme: ChartTheme, colours: SeriesColours): Chart {
    const data = layerSparsity(report.layers);
    const horizontal = data.names.length > HORIZONTAL_FROM;
    const box = document.createElement('div');
    box.className = 'tk-chart tk-chart-layers';
    // The canvas's box is sized through the CSSOM (allowed by the CSP, unlike a style attribute).
    box.style.height = horizontal ? `${Math.max(240, data.names.length * ROW_PX + 80)}px` : '280px';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `Sparsity of ${data.names.length} layers before and after`);
    box.append(canvas);
    this.layersHost.append(box);
    // Pruning reads against the whole 0-100% range; quantization's few rounding zeros would be
    // invisible on it, so its axis fits the data.
    const valueAxis = { min: 0, ...(report.method.kind === 'prune' ? { max: 100 } : {}), title: { display: true, text: 'zeros (%)' }, ticks: {}, grid: {}, border: {} };
    const nameAxis = { ticks: { autoSkip: false }, grid: { display: false }, border: {} };
    const config: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels: data.names,
        datasets: [
          { label: 'before', data: data.before, backgroundColor: withAlpha(colours.before, 0.8), borderColor: colours.before, borderWidth: theme.highContrast ? 1 : 0 },
          { label: 'after', data: data.after, backgroundColor: withAlpha(colours.after, 0.8), borderColor: colours.after, borderWidth: theme.highContrast ? 1 : 0 },
        ],
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: 'top' }, tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${String(item.raw)}% zeros` } } },
        scales: horizontal ? { x: valueAxis, y: nameAxis } : { x: nameAxis, y: valueAxis },
      },
    };
    const chart = new Chart(canvas, config);
    themeAxis(chart.options.scales?.x as Parameters<typeof themeAxis>[0], theme);
    themeAxis(chart.options.scales?.y as Parameters<typeof themeAxis>[0], theme);
    chart.update();
    return chart;
  }

  private comparisonChart(series: { title: string; unit: string; before: number; after: number }, theme: ChartTheme, colours: SeriesColours): Chart {
    const box = document.createElement('figure');
    box.className = 'tk-chart tk-chart-comparison';
    const caption = document.createElement('figcaption');
    caption.textContent = series.unit ? `${series.title} (${series.unit})` : series.title;
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${caption.textContent}: ${series.before} before, ${series.after} after`);
    // chart.js sizes a responsive canvas from its parent: one that holds nothing else.
    const frame = document.createElement('div');
    frame.className = 'tk-canvas-frame';
    frame.append(canvas);
    box.append(caption, frame);
    this.comparisonHost.append(box);
    const chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: ['before', 'after'],
        datasets: [{ label: series.title, data: [series.before, series.after], backgroundColor: [withAlpha(colours.before, 0.8), withAlpha(colours.after, 0.8)], borderColor: [colours.before, colours.after], borderWidth: theme.highContrast ? 1 : 0 }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => `${String(item.raw)}${series.unit ? ` ${series.unit}` : ''}` } } },
        scales: { x: { grid: { display: false }, ticks: {}, border: {} }, y: { beginAtZero: true, ticks: {}, grid: {}, border: {} } },
      },
    });
    themeAxis(chart.options.scales?.x as Parameters<typeof themeAxis>[0], theme);
    themeAxis(chart.options.scales?.y as Parameters<typeof themeAxis>[0], theme);
    chart.update();
    return chart;
  }
}
