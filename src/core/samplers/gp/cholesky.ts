/**
 * Dense Cholesky factorisation and the triangular solves a Gaussian process needs, on
 * row-major Float64Arrays (an n x n matrix is `a[i * n + j]`). Loops are ordered so the inner
 * one walks contiguous memory: at n = 300 this is what keeps a factorisation near 10 ms.
 */

/** Thrown when a matrix stays indefinite even after the largest jitter. */
export class NotPositiveDefiniteError extends Error {
  constructor(readonly jitter: number) {
    super(`the kernel matrix is not positive definite, even with jitter ${jitter}`);
    this.name = 'NotPositiveDefiniteError';
  }

  static is(err: unknown): err is NotPositiveDefiniteError {
    return err instanceof NotPositiveDefiniteError;
  }
}

/**
 * Lower-triangular L with L L^T = A (only A's lower triangle is read). Returns null when a
 * pivot is not positive, that is, when A is not numerically positive definite.
 */
export function cholesky(a: Float64Array, n: number, out: Float64Array = new Float64Array(n * n)): Float64Array | null {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      const s = (a[ri + j] as number) - dotPrefix(out, ri, rj, j);
      if (j === i) {
        if (!(s > 0)) return null;
        out[ri + i] = Math.sqrt(s);
      } else {
        out[ri + j] = s / (out[rj + j] as number);
      }
    }
    for (let j = i + 1; j < n; j++) out[ri + j] = 0;
  }
  return out;
}

/**
 * sum_{k < len} m[a + k] * m[b + k], four accumulators wide: the unrolled form runs about twice
 * as fast in V8 as the plain loop, and this dot product is the whole cost of a factorisation.
 */
function dotPrefix(m: Float64Array, a: number, b: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += (m[a + k] as number) * (m[b + k] as number);
    s1 += (m[a + k + 1] as number) * (m[b + k + 1] as number);
    s2 += (m[a + k + 2] as number) * (m[b + k + 2] as number);
    s3 += (m[a + k + 3] as number) * (m[b + k + 3] as number);
  }
  for (; k < len; k++) s0 += (m[a + k] as number) * (m[b + k] as number);
  return s0 + s1 + (s2 + s3);
}

/** m[dst + k] += c * m[src + k] for k < len (rows of the same matrix). */
function axpyRow(m: Float64Array, c: number, src: number, dst: number, len: number): void {
  let k = 0;
  for (; k + 3 < len; k += 4) {
    m[dst + k] = (m[dst + k] as number) + c * (m[src + k] as number);
    m[dst + k + 1] = (m[dst + k + 1] as number) + c * (m[src + k + 1] as number);
    m[dst + k + 2] = (m[dst + k + 2] as number) + c * (m[src + k + 2] as number);
    m[dst + k + 3] = (m[dst + k + 3] as number) + c * (m[src + k + 3] as number);
  }
  for (; k < len; k++) m[dst + k] = (m[dst + k] as number) + c * (m[src + k] as number);
}

/**
 * Cholesky of A + jitter * I, with the smallest jitter in 0, 1e-10, 1e-9, ... (relative to the
 * mean diagonal) that succeeds. Near-duplicate inputs (an integer parameter proposed twice)
 * make a noise-free kernel matrix singular; a jitter far below the noise floor fixes that
 * without changing the model (Rasmussen & Williams 2006, section 3.4.3, footnote).
 */
export function choleskyWithJitter(a: Float64Array, n: number, maxRelativeJitter = 1e-2): { factor: Float64Array; jitter: number } {
  const out = new Float64Array(n * n);
  if (cholesky(a, n, out)) return { factor: out, jitter: 0 };
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += a[i * n + i] as number;
  meanDiag = Math.abs(meanDiag / Math.max(1, n)) || 1;
  const shifted = new Float64Array(a);
  for (let rel = 1e-10; rel <= maxRelativeJitter * 1.0001; rel *= 10) {
    const jitter = rel * meanDiag;
    for (let i = 0; i < n; i++) shifted[i * n + i] = (a[i * n + i] as number) + jitter;
    if (cholesky(shifted, n, out)) return { factor: out, jitter };
  }
  throw new NotPositiveDefiniteError(maxRelativeJitter * meanDiag);
}

/** Solves L x = b in place (L lower triangular). */
export function solveLower(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    b[i] = ((b[i] as number) - dotWith(l, ri, b, i)) / (l[ri + i] as number);
  }
  return b;
}

/** sum_{k < len} m[a + k] * v[k]. */
function dotWith(m: Float64Array, a: number, v: Float64Array, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += (m[a + k] as number) * (v[k] as number);
    s1 += (m[a + k + 1] as number) * (v[k + 1] as number);
    s2 += (m[a + k + 2] as number) * (v[k + 2] as number);
    s3 += (m[a + k + 3] as number) * (v[k + 3] as number);
  }
  for (; k < len; k++) s0 += (m[a + k] as number) * (v[k] as number);
  return s0 + s1 + (s2 + s3);
}

/** Solves L^T x = b in place (L lower triangular). */
export function solveUpperTransposed(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    const xi = (b[i] as number) / (l[i * n + i] as number);
    b[i] = xi;
    // Column i of L is row i of L^T: subtract its contribution from the rows above.
    const ri = i * n;
    for (let k = 0; k < i; k++) b[k] = (b[k] as number) - (l[ri + k] as number) * xi;
  }
  return b;
}

/** A^-1 b given A's Cholesky factor, in place. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  return solveUpperTransposed(l, n, solveLower(l, n, b));
}

/**
 * A^-1 (lower triangle filled, upper triangle mirrored) from A's Cholesky factor, as
 * L^-T L^-1; about n^3 / 3 multiply-adds in all. `out` and `scratch` (n x n each) may be
 * reused buffers: a likelihood fit calls this dozens of times, and fresh megabyte-sized arrays
 * each time cost more in allocation and garbage collection than the arithmetic.
 */
export function choleskyInverse(
  l: Float64Array,
  n: number,
  out: Float64Array = new Float64Array(n * n),
  scratch: Float64Array = new Float64Array(n * n),
): Float64Array {
  // Rows of L^-1: row_i = (e_i - sum_{k<i} L[i][k] row_k) / L[i][i].
  const linv = scratch;
  linv.fill(0);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < i; k++) {
      const c = l[ri + k] as number;
      if (c !== 0) axpyRow(linv, -c, k * n, ri, k + 1);
    }
    const d = 1 / (l[ri + i] as number);
    for (let j = 0; j < i; j++) linv[ri + j] = (linv[ri + j] as number) * d;
    linv[ri + i] = d;
  }
  // (L^-T L^-1)[a][b] = sum_k linv[k][a] linv[k][b] over k >= max(a, b), accumulated as
  // rank-one row updates in a scratch copy laid out like linv (row a of the result).
  const inv = out;
  inv.fill(0);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let a = 0; a <= k; a++) {
      const t = linv[rk + a] as number;
      if (t === 0) continue;
      axpyBetween(inv, a * n, t, linv, rk, a + 1);
    }
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) inv[b * n + a] = inv[a * n + b] as number;
  return inv;
}

/** dst[d0 + k] += c * src[s0 + k] for k < len. */
function axpyBetween(dst: Float64Array, d0: number, c: number, src: Float64Array, s0: number, len: number): void {
  let k = 0;
  for (; k + 3 < len; k += 4) {
    dst[d0 + k] = (dst[d0 + k] as number) + c * (src[s0 + k] as number);
    dst[d0 + k + 1] = (dst[d0 + k + 1] as number) + c * (src[s0 + k + 1] as number);
    dst[d0 + k + 2] = (dst[d0 + k + 2] as number) + c * (src[s0 + k + 2] as number);
    dst[d0 + k + 3] = (dst[d0 + k + 3] as number) + c * (src[s0 + k + 3] as number);
  }
  for (; k < len; k++) dst[d0 + k] = (dst[d0 + k] as number) + c * (src[s0 + k] as number);
}

/** log det A = 2 sum log L_ii. */
export function choleskyLogDet(l: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i] as number);
  return 2 * s;
}
