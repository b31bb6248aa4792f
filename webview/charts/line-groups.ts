/**
 * Many finished lines drawn straight onto a chart.js chart's canvas, in a few style groups.
 * chart.js keeps an element per data point and updates every one of them on each redraw; lines
 * that no longer change (finished trials) do not need that, so they live here as plain arrays
 * and are stroked by a plugin, under the chart's own datasets ("under") or over them ("over").
 * The pixel positions computed while drawing are kept for hit-testing (nearest line to the
 * pointer). The chart's scales learn the groups' extent from `bounds()`.
 *
 * The lower layer is drawn once into an offscreen canvas and copied onto the chart while
 * nothing it depends on changed (scales, size, lines, styles): a live update redraws the whole
 * chart, and rasterising 100,000 translucent segments again each time costs far more than the
 * update itself. Highlighting (a selection) does not touch the lower layer either: a veil in
 * the background colour fades it, and the highlighted lines go in the upper layer.
 */
import type { Chart, Plugin } from 'chart.js';

export interface LineGroupStyle {
  readonly color: string;
  readonly width: number;
  /** 'under' draws before the chart's datasets, 'over' after them. */
  readonly layer: 'under' | 'over';
}

interface Group {
  style: LineGroupStyle;
  readonly xs: number[];
  readonly ys: number[];
  /** Trial of each point; a new trial starts a new line. */
  readonly owners: number[];
  /** Pixel positions from the last draw (NaN where a point was not drawn). */
  px: Float32Array;
  py: Float32Array;
}

export interface Bounds {
  readonly minX: number;
  readonly maxX: number;
  readonly minY: number;
  readonly maxY: number;
  /** Smallest positive y, for a log scale (Infinity when none). */
  readonly minPositiveY: number;
}

export interface Hit {
  readonly trial: number;
  readonly x: number;
  readonly y: number;
  readonly distance: number;
}

export class LineGroups {
  private readonly groups = new Map<string, Group>();
  private points = 0;
  /** Bumped by every change of the lower layer's lines or styles, part of its cache key. */
  private version = 0;
  private cache: { canvas: HTMLCanvasElement; key: string } | null = null;
  /** Colour laid over the lower layer (to fade it), or null. */
  veil: string | null = null;

  /** The plugin to pass in the chart's `plugins` option. */
  readonly plugin: Plugin<'line'> = {
    id: 'tunekit-line-groups',
    beforeDatasetsDraw: (chart) => this.draw(chart, 'under'),
    afterDatasetsDraw: (chart) => this.draw(chart, 'over'),
  };

  get pointCount(): number {
    return this.points;
  }

  clear(): void {
    this.groups.clear();
    this.points = 0;
    this.version++;
  }

  /** Removes every group of one layer. */
  clearLayer(layer: 'under' | 'over'): void {
    for (const [key, g] of this.groups) {
      if (g.style.layer !== layer) continue;
      this.groups.delete(key);
      this.points -= g.xs.length;
    }
    if (layer === 'under') this.version++;
  }

  keys(): IterableIterator<string> {
    return this.groups.keys();
  }

  setStyle(key: string, style: LineGroupStyle): void {
    const g = this.groups.get(key);
    if (!g || (g.style.color === style.color && g.style.width === style.width && g.style.layer === style.layer)) return;
    if (g.style.layer === 'under' || style.layer === 'under') this.version++;
    g.style = style;
  }

  /** Adds one trial's line (points sorted by x) to group `key`, created with `style` if new. */
  append(key: string, style: LineGroupStyle, trial: number, points: readonly { x: number; y: number }[]): void {
    let g = this.groups.get(key);
    if (!g) {
      g = { style, xs: [], ys: [], owners: [], px: new Float32Array(0), py: new Float32Array(0) };
      this.groups.set(key, g);
    }
    for (const p of points) {
      g.xs.push(p.x);
      g.ys.push(p.y);
      g.owners.push(trial);
    }
    this.points += points.length;
    if (g.style.layer === 'under') this.version++;
  }

  bounds(): Bounds | null {
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    let minPositiveY = Infinity;
    for (const g of this.groups.values()) {
      for (let i = 0; i < g.xs.length; i++) {
        const x = g.xs[i] as number;
        const y = g.ys[i] as number;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
        if (y > 0 && y < minPositiveY) minPositiveY = y;
      }
    }
    return Number.isFinite(minX) ? { minX, maxX, minY, maxY, minPositiveY } : null;
  }

  /** The point of any group nearest to pixel (x, y), within `radius` pixels. */
  nearest(x: number, y: number, radius: number): Hit | undefined {
    let best: Hit | undefined;
    let bestD = radius * radius;
    for (const g of this.groups.values()) {
      const n = Math.min(g.px.length, g.xs.length);
      for (let i = 0; i < n; i++) {
        const dx = (g.px[i] as number) - x;
        const dy = (g.py[i] as number) - y;
        const d = dx * dx + dy * dy;
        if (d <= bestD) {
          bestD = d;
          best = { trial: g.owners[i] as number, x: g.xs[i] as number, y: g.ys[i] as number, distance: Math.sqrt(d) };
        }
      }
    }
    return best;
  }

  private draw(chart: Chart, layer: 'under' | 'over'): void {
    const xScale = chart.scales.x;
    const yScale = chart.scales.y;
    if (!xScale || !yScale) return;
    if (layer === 'over') {
      this.stroke(chart.ctx, chart, layer);
      return;
    }
    const area = chart.chartArea;
    const canvas = chart.canvas;
    const key = [this.version, canvas.width, canvas.height, chart.currentDevicePixelRatio, area.left, area.top, area.right, area.bottom, xScale.type, xScale.min, xScale.max, yScale.type, yScale.min, yScale.max].join(',');
    if (this.cache?.key !== key) {
      const offscreen = this.cache?.canvas ?? document.createElement('canvas');
      offscreen.width = canvas.width;
      offscreen.height = canvas.height;
      const ctx = offscreen.getContext('2d');
      if (!ctx) return;
      const ratio = chart.currentDevicePixelRatio;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, offscreen.width, offscreen.height);
      this.stroke(ctx, chart, 'under');
      this.cache = { canvas: offscreen, key };
    }
    const ctx = chart.ctx;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.cache.canvas, 0, 0);
    ctx.restore();
    if (this.veil) {
      ctx.save();
      ctx.fillStyle = this.veil;
      ctx.fillRect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.restore();
    }
  }

  private stroke(ctx: CanvasRenderingContext2D, chart: Chart, layer: 'under' | 'over'): void {
    const xScale = chart.scales.x;
    const yScale = chart.scales.y;
    if (!xScale || !yScale) return;
    const area = chart.chartArea;
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    ctx.lineJoin = 'round';
    for (const g of this.groups.values()) {
      if (g.style.layer !== layer) continue;
      const n = g.xs.length;
      if (g.px.length !== n) {
        g.px = new Float32Array(n);
        g.py = new Float32Array(n);
      }
      ctx.beginPath();
      ctx.strokeStyle = g.style.color;
      ctx.lineWidth = g.style.width;
      let owner = -1;
      let pen = false;
      for (let i = 0; i < n; i++) {
        const px = xScale.getPixelForValue(g.xs[i] as number);
        const py = yScale.getPixelForValue(g.ys[i] as number);
        g.px[i] = px;
        g.py[i] = py;
        const o = g.owners[i] as number;
        // A point a log scale cannot place (y <= 0) breaks the line, as chart.js does.
        if (!Number.isFinite(px) || !Number.isFinite(py)) {
          pen = false;
          continue;
        }
        if (o !== owner || !pen) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
        owner = o;
        pen = true;
      }
      ctx.stroke();
    }
    ctx.restore();
  }
}
