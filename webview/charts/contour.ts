/**
 * Contour of two chosen parameters: the first objective interpolated over their plane (a
 * Gaussian kernel smoother, heatmap.ts, in axis space: log axes in log10, choices as slots),
 * the trials on top, a colour legend beside. The two parameters default to the two most
 * important ones (model.importance) until the user picks others.
 *
 * chart.js draws the axes, points and tooltips; the heatmap is an image drawn under the points
 * by a chart-local plugin, since chart.js has no heatmap of its own.
 */
import type { Chart as ChartType, Plugin } from 'chart.js';
import { Chart } from 'chart.js';
import type { ParamInfo } from '../../src/protocol/dashboard-messages';
import type { ChangeSet, DashboardModel } from '../state/dashboard-model';
import type { ChartView } from './chart-view';
import type { AnalysisColors } from './analysis-colors';
import { onAnalysisThemeChange, readAnalysisColors, rgba } from './analysis-colors';
import { chartFont, STATIC_CHART_OPTIONS, registerAnalysisCharts, valueAxisScale } from './analysis-chartjs';
import type { AnalysisPanel, Select } from './analysis-panel';
import { appendChartCanvas, createAnalysisPanel, createSelect } from './analysis-panel';
import { DrawnTrials, completedTrials } from './analysis-trials';
import type { ValueAxis } from './axis-scale';
import { chartValue, formatNumber, padAxis, paramAxis } from './axis-scale';
import type { SmoothedGrid } from './heatmap';
import { smoothGrid } from './heatmap';
import type { ObjectiveColorScale } from './objective-colors';
import { drawColorLegend, objectiveColorScale } from './objective-colors';

interface ContourPoint {
  x: number;
  y: number;
  trial: number;
  value: number;
}

interface Surface {
  readonly grid: SmoothedGrid;
  readonly image: HTMLCanvasElement;
  readonly scale: ObjectiveColorScale;
  readonly objective: string;
}

const HEIGHT = 360;
/** Grid cells per numeric axis; the image is smoothed when scaled up to the chart. */
const CELLS = 64;

/** The two parameters to show by default: the two most important, else the first two. */
export function defaultContourParams(params: readonly ParamInfo[], importance: DashboardModel['importance']): [string, string] | null {
  if (params.length < 2) return null;
  const names = params.map((p) => p.name);
  const ranked = [...names].sort((a, b) => (importance?.values[b] ?? -1) - (importance?.values[a] ?? -1));
  const pick = importance && Object.keys(importance.values).length >= 2 ? ranked : names;
  return [pick[0] as string, pick[1] as string];
}

export class ContourView implements ChartView {
  readonly id = 'contour';
  readonly title = 'Contour';

  private panel: AnalysisPanel | null = null;
  private chart: ChartType<'scatter', ContourPoint[]> | null = null;
  private xSelect: Select | null = null;
  private ySelect: Select | null = null;
  private chosen: [string, string] | null = null;
  /** True once the user picked a parameter: importance updates no longer move the axes. */
  private userChose = false;
  private surface: Surface | null = null;
  private colors: AnalysisColors | null = null;
  private model: DashboardModel | null = null;
  private readonly drawn = new DrawnTrials();
  private theme: { dispose(): void } | null = null;

  mount(container: HTMLElement): void {
    registerAnalysisCharts();
    this.panel = createAnalysisPanel(container, this.id);
    const onPick = (): void => {
      if (!this.xSelect || !this.ySelect) return;
      this.userChose = true;
      this.chosen = [this.xSelect.value, this.ySelect.value];
      this.draw();
    };
    this.xSelect = createSelect('X', [], '', onPick);
    this.ySelect = createSelect('Y', [], '', onPick);
    this.panel.toolbar.append(this.xSelect.element, this.ySelect.element);
    const canvas = appendChartCanvas(this.panel, HEIGHT, 'Contour of the objective over two parameters');
    this.colors = readAnalysisColors();
    this.chart = new Chart<'scatter', ContourPoint[]>(canvas, {
      type: 'scatter',
      data: {
        datasets: [
          { data: [], pointRadius: 2.5, pointHoverRadius: 5, borderWidth: 1 },
          { data: [], pointRadius: 5, pointHoverRadius: 6, borderWidth: 2, backgroundColor: 'transparent' },
        ],
      },
      options: {
        ...STATIC_CHART_OPTIONS,
        layout: { padding: { right: 100 } },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) => {
                const p = item.raw as ContourPoint;
                return `trial ${p.trial}: ${formatNumber(p.value)}`;
              },
            },
          },
        },
      },
      plugins: [this.heatmapPlugin()],
    });
    this.theme = onAnalysisThemeChange((colors) => {
      this.colors = colors;
      this.draw();
    });
    this.panel.setMessage('The contour appears when a trial completes.');
  }

  update(model: DashboardModel, changes: ChangeSet): void {
    this.model = model;
    if (!this.panel) return;
    const importanceMoves = changes.importance && !this.userChose;
    if (!this.drawn.needsRedraw(model, changes) && !importanceMoves) return;
    this.draw();
  }

  /** The parameters on the x and y axes, or null when the study has fewer than two. */
  axes(): readonly [string, string] | null {
    return this.chosen;
  }

  /** Shows these two parameters, as if the user picked them. */
  setAxes(x: string, y: string): void {
    this.userChose = true;
    this.chosen = [x, y];
    this.draw();
  }

  /** Trial points drawn and heatmap cells with a value (for tests). */
  drawnStats(): { points: number; cells: number } {
    let cells = 0;
    for (const z of this.surface?.grid.z ?? []) if (!Number.isNaN(z)) cells++;
    return { points: this.chart?.data.datasets[0]?.data.length ?? 0, cells };
  }

  dispose(): void {
    this.theme?.dispose();
    this.chart?.destroy();
    this.panel?.dispose();
    this.chart = this.panel = this.model = this.surface = this.xSelect = this.ySelect = null;
    this.drawn.forget();
  }

  private draw(): void {
    const { panel, model, chart } = this;
    const colors = this.colors ?? readAnalysisColors();
    if (!panel || !model || !chart || !this.xSelect || !this.ySelect) return;
    const trials = completedTrials(model);
    this.drawn.remember(trials);
    const names = model.params.map((p) => p.name);
    const options = names.map((n) => ({ value: n, label: n }));
    const stillThere = this.chosen !== null && names.includes(this.chosen[0]) && names.includes(this.chosen[1]);
    if (!this.userChose || !stillThere) {
      this.userChose = false;
      this.chosen = defaultContourParams(model.params, model.importance);
    }
    this.xSelect.setOptions(options, this.chosen?.[0]);
    this.ySelect.setOptions(options, this.chosen?.[1]);
    if (!this.chosen) return panel.setMessage('The contour needs a study with at least two parameters.');
    const [xName, yName] = this.chosen;
    if (xName === yName) return panel.setMessage('Pick two different parameters for the contour.');
    const xInfo = model.params.find((p) => p.name === xName) as ParamInfo;
    const yInfo = model.params.find((p) => p.name === yName) as ParamInfo;
    const both = trials.filter((t) => t.params[xName] !== undefined && t.params[yName] !== undefined);
    if (both.length === 0) {
      this.surface = null;
      return panel.setMessage(trials.length === 0 ? 'The contour appears when a trial completes.' : `No completed trial has both ${xName} and ${yName}.`);
    }
    panel.setMessage(null);
    const objective = model.objectives[0] ?? 'objective';
    panel.setCaption(`Colour: ${objective}, smoothed between trials (blank where no trial is near). Points: trials.`);

    const xAxis = padAxis(paramAxis(xInfo, both.map((t) => t.params[xName])), 0.03);
    const yAxis = padAxis(paramAxis(yInfo, both.map((t) => t.params[yName])), 0.03);
    const points: ContourPoint[] = [];
    const selected: ContourPoint[] = [];
    const gridPoints: { u: number; v: number; z: number }[] = [];
    for (const t of both) {
      const x = chartValue(xAxis, t.params[xName]);
      const y = chartValue(yAxis, t.params[yName]);
      const u = xAxis.at(t.params[xName]);
      const v = yAxis.at(t.params[yName]);
      if (x === null || y === null || u === null || v === null) continue;
      const value = (t.values as readonly number[])[0] as number;
      const p = { x, y, trial: t.number, value };
      points.push(p);
      gridPoints.push({ u, v, z: value });
      if (model.selected.has(t.number)) selected.push(p);
    }
    const scale = objectiveColorScale(gridPoints.map((p) => p.z), model.directions[0] ?? 'minimize', colors);
    const nx = cellsFor(xAxis);
    const ny = cellsFor(yAxis);
    const grid = smoothGrid(gridPoints, nx, ny, { u: bandwidthFor(xAxis), v: bandwidthFor(yAxis) });
    this.surface = { grid, image: renderImage(grid, scale), scale, objective };

    const [all, ringed] = chart.data.datasets;
    if (!all || !ringed) return;
    all.data = points;
    all.backgroundColor = rgba(colors.foreground, 0.85);
    all.borderColor = rgba(colors.background, 0.9);
    ringed.data = selected;
    ringed.borderColor = colors.selection;
    chart.options.scales = {
      x: valueAxisScale(xAxis, colors, xName + (xAxis.kind === 'log' ? ' (log)' : ''), 6),
      y: valueAxisScale(yAxis, colors, yName + (yAxis.kind === 'log' ? ' (log)' : ''), 6),
    };
    chart.options.font = chartFont(colors);
    chart.update('none');
  }

  private heatmapPlugin(): Plugin<'scatter'> {
    return {
      id: 'tunekitContourHeatmap',
      beforeDatasetsDraw: (chart) => {
        const surface = this.surface;
        if (!surface) return;
        const { ctx, chartArea } = chart;
        ctx.save();
        ctx.imageSmoothingEnabled = true;
        ctx.imageSmoothingQuality = 'high';
        ctx.drawImage(surface.image, chartArea.left, chartArea.top, chartArea.right - chartArea.left, chartArea.bottom - chartArea.top);
        ctx.restore();
      },
      afterDraw: (chart) => {
        const surface = this.surface;
        const colors = this.colors;
        if (!surface || !colors) return;
        const { ctx, chartArea } = chart;
        ctx.save();
        drawColorLegend(ctx, chartArea.right + 20, chartArea.top, 10, chartArea.bottom - chartArea.top, surface.scale, colors, surface.objective);
        ctx.restore();
      },
    };
  }
}

/** Categorical axes get whole cells per choice so a slot's colour does not bleed at its edges. */
function cellsFor(axis: ValueAxis): number {
  return axis.kind === 'categorical' ? Math.max(1, axis.labels.length) * Math.max(1, Math.floor(CELLS / Math.max(1, axis.labels.length))) : CELLS;
}

/** Narrow kernels across choices, whose order on the axis means nothing; Scott's rule otherwise. */
function bandwidthFor(axis: ValueAxis): number | undefined {
  return axis.kind === 'categorical' ? 0.3 / Math.max(1, axis.labels.length) : undefined;
}

function renderImage(grid: SmoothedGrid, scale: ObjectiveColorScale): HTMLCanvasElement {
  const image = document.createElement('canvas');
  image.width = grid.nx;
  image.height = grid.ny;
  const ctx = image.getContext('2d');
  if (!ctx) return image;
  const data = ctx.createImageData(grid.nx, grid.ny);
  for (let j = 0; j < grid.ny; j++) {
    // Grid row 0 is the bottom of the plot; image row 0 is its top.
    const row = grid.ny - 1 - j;
    for (let i = 0; i < grid.nx; i++) {
      const z = grid.z[j * grid.nx + i] as number;
      const o = (row * grid.nx + i) * 4;
      if (Number.isNaN(z)) continue;
      const [r, g, b] = scale.rgb(z);
      data.data[o] = r;
      data.data[o + 1] = g;
      data.data[o + 2] = b;
      data.data[o + 3] = 235;
    }
  }
  ctx.putImageData(data, 0, 0);
  return image;
}
