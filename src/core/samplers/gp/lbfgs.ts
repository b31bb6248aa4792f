/**
 * A compact limited-memory BFGS minimiser (Nocedal & Wright, "Numerical Optimization", 2nd ed.,
 * algorithm 7.4 for the two-loop recursion), with optional box bounds handled the way projected
 * quasi-Newton methods do (Bertsekas 1982; a simplification of L-BFGS-B, Byrd et al. 1995):
 * variables held at a bound by the gradient are frozen for the step, the step is projected back
 * into the box, and the line search backtracks along the projected path until the Armijo
 * condition holds. Curvature pairs with s^T y <= 0 are skipped, which keeps the implicit Hessian
 * positive definite without a full Wolfe search.
 */

/** Writes the gradient of f at x into `grad` and returns f(x). */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Stop when every component of the projected gradient is below this (scipy's pgtol). */
  readonly gtol?: number;
  readonly maxIterations?: number;
  /** Cap on objective evaluations, line searches included. */
  readonly maxEvaluations?: number;
  /** Stored curvature pairs (Nocedal & Wright suggest 3 to 20). */
  readonly memory?: number;
  readonly lower?: Float64Array;
  readonly upper?: Float64Array;
  /** Stop when f improves by less than ftol * max(|f|, 1) in an iteration (scipy's factr idea). */
  readonly ftol?: number;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly gradient: Float64Array;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

const ARMIJO_C1 = 1e-4;

export function lbfgsMinimize(fg: ObjectiveWithGradient, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const n = x0.length;
  const gtol = options.gtol ?? 1e-5;
  const maxIterations = options.maxIterations ?? 200;
  const maxEvaluations = options.maxEvaluations ?? maxIterations * 4;
  const m = options.memory ?? 10;
  const ftol = options.ftol ?? 1e-12;
  const { lower, upper } = options;

  const x = project(new Float64Array(x0), lower, upper);
  let g = new Float64Array(n);
  let f = fg(x, g);
  let evaluations = 1;
  if (!Number.isFinite(f)) return { x, value: f, gradient: g, iterations: 0, evaluations, converged: false };

  const sHist: Float64Array[] = [];
  const yHist: Float64Array[] = [];
  const rhoHist: number[] = [];
  const free = new Uint8Array(n);
  const d = new Float64Array(n);
  const alpha = new Float64Array(m);
  const xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  let iterations = 0;
  let converged = false;

  while (iterations < maxIterations && evaluations < maxEvaluations) {
    // A variable sits out this step when it is on a bound and the gradient pushes it outward.
    let pgMax = 0;
    for (let i = 0; i < n; i++) {
      const gi = g[i] as number;
      const atLower = lower !== undefined && (x[i] as number) <= (lower[i] as number) && gi > 0;
      const atUpper = upper !== undefined && (x[i] as number) >= (upper[i] as number) && gi < 0;
      free[i] = atLower || atUpper ? 0 : 1;
      if (free[i]) pgMax = Math.max(pgMax, Math.abs(gi));
    }
    if (pgMax < gtol) {
      converged = true;
      break;
    }

    // Two-loop recursion on the free variables.
    for (let i = 0; i < n; i++) d[i] = free[i] ? -(g[i] as number) : 0;
    const k = sHist.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = (rhoHist[j] as number) * dotMasked(sHist[j] as Float64Array, d, free);
      alpha[j] = a;
      axpyMasked(-a, yHist[j] as Float64Array, d, free);
    }
    if (k > 0) {
      const sy = 1 / (rhoHist[k - 1] as number);
      const yy = dot(yHist[k - 1] as Float64Array, yHist[k - 1] as Float64Array);
      scale(d, sy / yy);
    }
    for (let j = 0; j < k; j++) {
      const b = (rhoHist[j] as number) * dotMasked(yHist[j] as Float64Array, d, free);
      axpyMasked((alpha[j] as number) - b, sHist[j] as Float64Array, d, free);
    }
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (stale memory after bounds changed): restart from steepest descent.
      sHist.length = 0;
      yHist.length = 0;
      rhoHist.length = 0;
      for (let i = 0; i < n; i++) d[i] = free[i] ? -(g[i] as number) : 0;
      slope = dot(g, d);
    }
    // The first step has no curvature information: keep its length at most 1.
    let t = sHist.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(d, d))) : 1;

    let accepted = false;
    let fNew = f;
    for (let ls = 0; ls < 30 && evaluations < maxEvaluations; ls++) {
      for (let i = 0; i < n; i++) xNew[i] = (x[i] as number) + t * (d[i] as number);
      project(xNew, lower, upper);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += (g[i] as number) * ((xNew[i] as number) - (x[i] as number));
      fNew = fg(xNew, gNew);
      evaluations++;
      if (Number.isFinite(fNew) && fNew <= f + ARMIJO_C1 * decrease) {
        accepted = true;
        break;
      }
      // Backtrack to the minimiser of the quadratic through f(0), f'(0) and f(t), kept within
      // [0.1 t, 0.5 t] (Nocedal & Wright, section 3.5): an overshooting first step costs one or
      // two evaluations instead of a halving per factor of two.
      const q = Number.isFinite(fNew) ? (-slope * t * t) / (2 * (fNew - f - slope * t)) : 0.1 * t;
      t = Math.min(0.5 * t, Math.max(0.1 * t, q));
    }
    iterations++;
    if (!accepted) break;

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (xNew[i] as number) - (x[i] as number);
      y[i] = (gNew[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y)) {
      if (sHist.length === m) {
        sHist.shift();
        yHist.shift();
        rhoHist.shift();
      }
      sHist.push(s);
      yHist.push(y);
      rhoHist.push(1 / sy);
    }
    const fOld = f;
    x.set(xNew);
    f = fNew;
    [g, gNew] = [gNew, g];
    if (fOld - f <= ftol * Math.max(Math.abs(f), 1)) {
      converged = true;
      break;
    }
  }
  return { x, value: f, gradient: g, iterations, evaluations, converged };
}

function project(x: Float64Array, lower: Float64Array | undefined, upper: Float64Array | undefined): Float64Array {
  if (lower) for (let i = 0; i < x.length; i++) if ((x[i] as number) < (lower[i] as number)) x[i] = lower[i] as number;
  if (upper) for (let i = 0; i < x.length; i++) if ((x[i] as number) > (upper[i] as number)) x[i] = upper[i] as number;
  return x;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function dotMasked(a: Float64Array, b: Float64Array, mask: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (mask[i]) s += (a[i] as number) * (b[i] as number);
  return s;
}

function axpyMasked(c: number, a: Float64Array, b: Float64Array, mask: Uint8Array): void {
  for (let i = 0; i < a.length; i++) if (mask[i]) b[i] = (b[i] as number) + c * (a[i] as number);
}

function scale(a: Float64Array, c: number): void {
  for (let i = 0; i < a.length; i++) a[i] = (a[i] as number) * c;
}
