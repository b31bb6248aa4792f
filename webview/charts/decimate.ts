/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson, "Downsampling Time Series for
 * Visual Representation", 2013): keeps the first and last points and, per bucket, the point
 * that spans the largest triangle with its neighbours, so peaks and the curve's shape survive.
 * Learning curves use it to keep 1,000 trials x 1,000 steps drawable: chart.js creates an
 * element per data point, and the points a chart can show are bounded by its pixel width anyway.
 */

export interface XY {
  x: number;
  y: number;
}

/** `points` (sorted by x) reduced to at most `threshold` points; fewer points are copied as they are. */
export function lttb(points: readonly (readonly [number, number])[], threshold: number): XY[] {
  const n = points.length;
  const target = Math.max(3, Math.floor(threshold));
  if (n <= target) return points.map(([x, y]) => ({ x, y }));
  const out: XY[] = new Array<XY>(target);
  const first = points[0] as readonly [number, number];
  out[0] = { x: first[0], y: first[1] };
  const every = (n - 2) / (target - 2);
  let a = 0;
  for (let i = 0; i < target - 2; i++) {
    // Average of the next bucket: the third corner of the triangle.
    const nextStart = Math.floor((i + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      const p = points[j] as readonly [number, number];
      avgX += p[0];
      avgY += p[1];
    }
    const count = nextEnd - nextStart;
    avgX /= count;
    avgY /= count;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    const pa = points[a] as readonly [number, number];
    let maxArea = -1;
    let chosen = start;
    for (let j = start; j < end; j++) {
      const p = points[j] as readonly [number, number];
      const area = Math.abs((pa[0] - avgX) * (p[1] - pa[1]) - (pa[0] - p[0]) * (avgY - pa[1]));
      if (area > maxArea) {
        maxArea = area;
        chosen = j;
      }
    }
    const c = points[chosen] as readonly [number, number];
    out[i + 1] = { x: c[0], y: c[1] };
    a = chosen;
  }
  const last = points[n - 1] as readonly [number, number];
  out[target - 1] = { x: last[0], y: last[1] };
  return out;
}
