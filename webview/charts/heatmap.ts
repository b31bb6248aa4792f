/**
 * The contour's surface: the objective interpolated on a grid from scattered trials, with a
 * Gaussian kernel smoother (Nadaraya-Watson). Points are first binned on the grid and both the
 * binned sums and counts blurred with a separable Gaussian, so the cost is O(points + grid x
 * kernel) rather than O(points x grid): 2,000 trials cost what 20 do.
 *
 * Unlike inverse-distance weighting, the smoother does not pass through every noisy trial; its
 * bandwidth shrinks as trials accumulate (Scott's rule for 2 dimensions, n^(-1/6)).
 */

export interface GridPoint {
  /** Position in [0, 1] on each axis (axis-scale.ts: log and categorical axes already mapped). */
  readonly u: number;
  readonly v: number;
  readonly z: number;
}

export interface SmoothedGrid {
  readonly nx: number;
  readonly ny: number;
  /** Row-major, row 0 at v = 0; NaN where no trial is near enough to say anything. */
  readonly z: Float64Array;
}

/**
 * Smooths `points` onto an nx x ny grid over [0, 1]^2. `bandwidth` (per axis, in axis units)
 * defaults to Scott's rule; categorical axes should pass a narrower one so that neighbouring
 * choices do not blend.
 */
export function smoothGrid(points: readonly GridPoint[], nx: number, ny: number, bandwidth?: { u?: number; v?: number }): SmoothedGrid {
  const sums = new Float64Array(nx * ny);
  const counts = new Float64Array(nx * ny);
  for (const p of points) {
    if (!Number.isFinite(p.z) || !Number.isFinite(p.u) || !Number.isFinite(p.v)) continue;
    const i = Math.min(nx - 1, Math.max(0, Math.floor(p.u * nx)));
    const j = Math.min(ny - 1, Math.max(0, Math.floor(p.v * ny)));
    const k = j * nx + i;
    sums[k] = (sums[k] as number) + p.z;
    counts[k] = (counts[k] as number) + 1;
  }
  const n = points.length;
  // Scott's rule: sigma = sd * n^(-1/(d+4)); a uniform on [0, 1] has sd 0.29.
  const scott = Math.min(0.15, Math.max(0.03, 0.29 * Math.max(1, n) ** (-1 / 6)));
  const su = (bandwidth?.u ?? scott) * nx;
  const sv = (bandwidth?.v ?? scott) * ny;
  blur(sums, nx, ny, su, sv);
  blur(counts, nx, ny, su, sv);
  let maxCount = 0;
  for (const c of counts) if (c > maxCount) maxCount = c;
  const z = new Float64Array(nx * ny);
  for (let k = 0; k < z.length; k++) {
    const c = counts[k] as number;
    // Below this a cell is a rounding error away from no data at all.
    z[k] = c > maxCount * 1e-9 ? (sums[k] as number) / c : Number.NaN;
  }
  return { nx, ny, z };
}

/** Separable Gaussian blur in place, sigma in cells, truncated at 3 sigma, zero outside. */
function blur(grid: Float64Array, nx: number, ny: number, su: number, sv: number): void {
  const tmp = new Float64Array(grid.length);
  const ku = kernel(su);
  const kv = kernel(sv);
  const ru = (ku.length - 1) / 2;
  const rv = (kv.length - 1) / 2;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let s = 0;
      for (let d = -ru; d <= ru; d++) {
        const ii = i + d;
        if (ii >= 0 && ii < nx) s += (ku[d + ru] as number) * (grid[j * nx + ii] as number);
      }
      tmp[j * nx + i] = s;
    }
  }
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let s = 0;
      for (let d = -rv; d <= rv; d++) {
        const jj = j + d;
        if (jj >= 0 && jj < ny) s += (kv[d + rv] as number) * (tmp[jj * nx + i] as number);
      }
      grid[j * nx + i] = s;
    }
  }
}

function kernel(sigma: number): Float64Array {
  const s = Math.max(0.3, sigma);
  const r = Math.max(1, Math.ceil(3 * s));
  const k = new Float64Array(2 * r + 1);
  for (let d = -r; d <= r; d++) k[d + r] = Math.exp(-(d * d) / (2 * s * s));
  return k;
}
