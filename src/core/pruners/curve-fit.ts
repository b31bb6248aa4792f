/**
 * Learning-curve extrapolation for the extrapolation pruner: fit one saturating curve to the
 * values a trial has reported and predict, with a standard error, the value it will reach at
 * the last step of a full run.
 *
 * The family is the shifted power law
 *   f(t) = a + b * ((t + c) / (t0 + c))^-alpha
 * (t0 = first reported step, which only scales b). It holds the pure power law (c = 1) that
 * deep-learning curves are known for and, as c and alpha grow with alpha / c fixed, the
 * exponential decay of convex problems, so one family covers both without choosing between
 * them (Domhan et al., "Speeding up Automatic Hyperparameter Optimization of Deep Neural
 * Networks by Extrapolation of Learning Curves", IJCAI 2015, use an ensemble of such families).
 *
 * Fitting is nonlinear least squares in (a, b, ln c, ln alpha): a coarse grid over the two
 * shape parameters, with a and b solved exactly for each, picks the start, then
 * Levenberg-Marquardt refines all four. The standard error of the prediction comes from the
 * linearised model (the delta method): se^2 = g' (J'J / s^2 + P)^-1 g, g the gradient of the
 * prediction. A curve seen only briefly is consistent with many endings, J'J is nearly
 * singular in the shape directions, and the error is large: that is what keeps early
 * judgements cautious. The linearised error is blind where the best fit has flattened out, so
 * CurveFit.lowerBound also asks every grid shape that fits nearly as well (see there).
 *
 * An optional prior on the shape (learned from the study's completed curves) is a Gaussian
 * penalty on (ln c, ln alpha), P its precision, and brings the study's noise variance: early in
 * a run the trial's own points cannot tell its shape, but the runs that finished can. The noise
 * s^2 used is the larger of the study's and the trial's own.
 */

export interface CurvePrior {
  /** Mean of (ln c, ln alpha) over the study's completed curves. */
  readonly mean: readonly [number, number];
  /** Standard deviation of each, widened (see ExtrapolationPruner). */
  readonly sd: readonly [number, number];
  /** The noise variance of a reported value, from the completed curves' residuals. */
  readonly noiseVariance: number;
}

export interface CurveFit {
  /** Predicted value at the horizon. */
  readonly prediction: number;
  /** Its standard error at the best fit (the delta method); Infinity when the data cannot pin it down. */
  readonly standardError: number;
  /**
   * The lowest value at the horizon that the data leave plausible at `sigmas` standard errors:
   * the delta method's bound, and that of every other curve shape on the grid that fits the
   * points within sigmas^2 of the best fit. The linearised error alone is blind where the best
   * fit has flattened out (its forecast no longer moves with the shape), and a noisy run is
   * consistent with slower shapes the best fit does not show.
   */
  lowerBound(sigmas: number): number;
  /** The fitted (ln c, ln alpha), to build a prior from. */
  readonly shape: readonly [number, number];
  /** Residual variance of this fit (its own points only). */
  readonly residualVariance: number;
}

type Params = [a: number, b: number, lnC: number, lnAlpha: number];

const GRID = 12;
const LN_ALPHA_RANGE: readonly [number, number] = [Math.log(0.05), Math.log(100)];
const MAX_ITERATIONS = 50;

/** Noise variance from second differences (var(y[k+1] - 2y[k] + y[k-1]) = 6 sigma^2 for white noise); 0 below 3 points. */
function secondDifferenceVariance(values: readonly number[]): number {
  if (values.length < 3) return 0;
  let sum = 0;
  for (let k = 1; k < values.length - 1; k++) sum += ((values[k + 1] as number) - 2 * (values[k] as number) + (values[k - 1] as number)) ** 2;
  return sum / (6 * (values.length - 2));
}

/**
 * Fits the curve through (steps[i], values[i]) (steps increasing) and predicts it at `horizon`.
 * Needs at least 5 points without a prior (one degree of freedom for the noise); with one, 3
 * (the prior pins the shape, the points the level and scale, and their second difference
 * gives a first reading of the noise).
 */
export function fitLearningCurve(steps: readonly number[], values: readonly number[], horizon: number, prior?: CurvePrior): CurveFit | undefined {
  const n = steps.length;
  if (n < (prior ? 3 : 5) || values.length !== n) return undefined;
  const t0 = steps[0] as number;
  // Up to c = 100 x the run length the curve is indistinguishable from an exponential.
  const lnCMax = Math.log(100 * (horizon - t0 + 1));
  const objective = (p: Params): number => {
    const sum = residualSumOfSquares(p, steps, values, t0);
    return prior === undefined ? sum : sum / prior.noiseVariance + priorPenalty(p, prior);
  };

  const grid = gridFits(steps, values, t0, horizon, lnCMax);
  let p: Params | undefined;
  let startValue = Infinity;
  for (const cell of grid) {
    const value = objective(cell.params);
    if (value < startValue) {
      startValue = value;
      p = cell.params;
    }
  }
  if (p === undefined) return undefined;
  let current = startValue;
  let lambda = 1e-3;
  const weight = prior ? 1 / prior.noiseVariance : 1;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const { jtj, jtr } = normalEquations(p, steps, values, t0, weight);
    if (prior) addPrior(jtj, jtr, p, prior);
    let accepted = false;
    for (let attempt = 0; attempt < 10 && !accepted; attempt++) {
      const damped = jtj.map((row, i) => row.map((v, j) => (i === j ? v * (1 + lambda) + 1e-12 : v)));
      const step = solve(damped, jtr);
      if (step === undefined) {
        lambda *= 10;
        continue;
      }
      const next: Params = [p[0] + (step[0] as number), p[1] + (step[1] as number), Math.min(p[2] + (step[2] as number), lnCMax + 3), clamp(p[3] + (step[3] as number), -6, 8)];
      const value = objective(next);
      if (value < current) {
        const relative = (current - value) / (current + Number.MIN_VALUE);
        p = next;
        current = value;
        lambda = Math.max(lambda / 10, 1e-9);
        accepted = true;
        if (relative < 1e-10) iteration = MAX_ITERATIONS;
      } else {
        lambda *= 10;
      }
    }
    if (!accepted) break;
  }

  const residualVariance = residualSumOfSquares(p, steps, values, t0) / Math.max(1, n - 4);
  // The noise is the larger of the study's and this trial's own: runs differ in how noisy they
  // are (momentum SGD jumps about, a large batch does not), and a noisy run read with a calm
  // run's noise looks far more certain than it is. With few points the trial's own noise comes
  // from second differences, which need no model.
  const ownVariance = n >= 8 ? residualVariance : secondDifferenceVariance(values);
  // Never below a millionth of the values' scale: an exactly fitted curve is still not certain.
  const scale = Math.max(...values.map(Math.abs), Number.MIN_VALUE);
  const noiseVariance = Math.max(prior ? prior.noiseVariance : residualVariance, ownVariance, (1e-6 * scale) ** 2);
  const { jtj, jtr } = normalEquations(p, steps, values, t0, noiseVariance > 0 ? 1 / noiseVariance : 1e300);
  if (prior) addPrior(jtj, jtr, p, prior);
  const atHorizon = evaluate(p, horizon, t0);
  const v = solve(jtj, atHorizon.gradient);
  const variance = v === undefined ? Infinity : atHorizon.gradient.reduce((sum, g, i) => sum + g * (v[i] as number), 0);
  const standardError = Number.isFinite(variance) && variance >= 0 ? Math.sqrt(variance) : Infinity;

  // Misfit of a curve in units of the noise, with the prior's penalty: what "plausible" is measured in.
  const misfit = (params: Params, sse: number): number => sse / noiseVariance + (prior === undefined ? 0 : priorPenalty(params, prior));
  const bestMisfit = misfit(p, residualSumOfSquares(p, steps, values, t0));
  const cells = grid.map((cell) => ({ ...cell, misfit: misfit(cell.params, cell.sse) }));
  const minMisfit = Math.min(bestMisfit, ...cells.map((c) => c.misfit));
  return {
    prediction: atHorizon.value,
    standardError,
    lowerBound(sigmas: number): number {
      let bound = atHorizon.value - sigmas * standardError;
      for (const cell of cells) {
        if (cell.misfit > minMisfit + sigmas * sigmas) continue;
        bound = Math.min(bound, cell.prediction - sigmas * Math.sqrt(noiseVariance * cell.predictionVariance));
      }
      return bound;
    },
    shape: [p[2], p[3]],
    residualVariance,
  };
}

/** The prior's penalty on a shape: squared standardised distances of ln c and ln alpha from its mean. */
function priorPenalty(p: Params, prior: CurvePrior): number {
  return ((p[2] - prior.mean[0]) / prior.sd[0]) ** 2 + ((p[3] - prior.mean[1]) / prior.sd[1]) ** 2;
}

/** Adds the prior's Gauss-Newton terms to J'J (its precision) and J'r (its pull towards the mean). */
function addPrior(jtj: number[][], jtr: number[], p: Params, prior: CurvePrior): void {
  for (let i = 0; i < 2; i++) {
    const precision = 1 / (prior.sd[i] as number) ** 2;
    (jtj[2 + i] as number[])[2 + i] = ((jtj[2 + i] as number[])[2 + i] as number) + precision;
    jtr[2 + i] = (jtr[2 + i] as number) + precision * ((prior.mean[i] as number) - (p[2 + i] as number));
  }
}

/** The model and its gradient in (a, b, ln c, ln alpha). */
function evaluate(p: Params, t: number, t0: number): { value: number; gradient: [number, number, number, number] } {
  const [a, b, lnC, lnAlpha] = p;
  const c = Math.exp(lnC);
  const alpha = Math.exp(lnAlpha);
  const logRatio = Math.log((t + c) / (t0 + c));
  const g = Math.exp(-alpha * logRatio);
  return { value: a + b * g, gradient: [1, g, -b * g * alpha * c * (1 / (t + c) - 1 / (t0 + c)), -b * g * alpha * logRatio] };
}

function residualSumOfSquares(p: Params, steps: readonly number[], values: readonly number[], t0: number): number {
  let sum = 0;
  for (let k = 0; k < steps.length; k++) sum += ((values[k] as number) - evaluate(p, steps[k] as number, t0).value) ** 2;
  return sum;
}

/** J'J and J'r of the (weighted) residuals. */
function normalEquations(p: Params, steps: readonly number[], values: readonly number[], t0: number, weight: number): { jtj: number[][]; jtr: number[] } {
  const jtj = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
  const jtr = [0, 0, 0, 0];
  for (let k = 0; k < steps.length; k++) {
    const { value, gradient } = evaluate(p, steps[k] as number, t0);
    const r = (values[k] as number) - value;
    for (let i = 0; i < 4; i++) {
      const gi = weight * (gradient[i] as number);
      jtr[i] = (jtr[i] as number) + gi * r;
      const row = jtj[i] as number[];
      for (let j = 0; j < 4; j++) row[j] = (row[j] as number) + gi * (gradient[j] as number);
    }
  }
  return { jtj, jtr };
}

interface GridCell {
  /** The shape of the cell with a and b fitted exactly by least squares. */
  readonly params: Params;
  readonly sse: number;
  /** The cell's forecast at the horizon, and its variance per unit noise variance (from a and b). */
  readonly prediction: number;
  readonly predictionVariance: number;
}

/** Every shape on a grid over (ln c, ln alpha), each with a and b solved exactly. */
function gridFits(steps: readonly number[], values: readonly number[], t0: number, horizon: number, lnCMax: number): GridCell[] {
  const n = steps.length;
  const cells: GridCell[] = [];
  const g = new Float64Array(n);
  for (let i = 0; i <= GRID; i++) {
    const lnC = (lnCMax * i) / GRID;
    for (let j = 0; j <= GRID; j++) {
      const lnAlpha = LN_ALPHA_RANGE[0] + ((LN_ALPHA_RANGE[1] - LN_ALPHA_RANGE[0]) * j) / GRID;
      const shape: Params = [0, 1, lnC, lnAlpha];
      let sg = 0;
      let sgg = 0;
      let sy = 0;
      let sgy = 0;
      for (let k = 0; k < n; k++) {
        const gk = evaluate(shape, steps[k] as number, t0).value;
        const y = values[k] as number;
        g[k] = gk;
        sg += gk;
        sgg += gk * gk;
        sy += y;
        sgy += gk * y;
      }
      const det = n * sgg - sg * sg;
      // The shape is flat over these steps: a and b cannot be told apart.
      if (!(det > 1e-12 * n * sgg)) continue;
      const b = (n * sgy - sg * sy) / det;
      const a = (sy - b * sg) / n;
      let sse = 0;
      for (let k = 0; k < n; k++) sse += ((values[k] as number) - a - b * (g[k] as number)) ** 2;
      const gT = evaluate(shape, horizon, t0).value;
      // var(a + b gT) / noise = [1 gT] (X'X)^-1 [1 gT]' with X'X = [[n, sg], [sg, sgg]].
      cells.push({ params: [a, b, lnC, lnAlpha], sse, prediction: a + b * gT, predictionVariance: (sgg - 2 * gT * sg + gT * gT * n) / det });
    }
  }
  return cells;
}

/** Solves the 4x4 system by Gaussian elimination with partial pivoting; undefined if singular. */
function solve(matrix: readonly (readonly number[])[], rhs: readonly number[]): number[] | undefined {
  const n = rhs.length;
  const m = matrix.map((row, i) => [...row, rhs[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs((m[r] as number[])[col] as number) > Math.abs((m[pivot] as number[])[col] as number)) pivot = r;
    const pivotRow = m[pivot] as number[];
    const scale = Math.max(...pivotRow.slice(0, n).map(Math.abs));
    if (!(Math.abs(pivotRow[col] as number) > 1e-14 * scale)) return undefined;
    [m[col], m[pivot]] = [pivotRow, m[col] as number[]];
    for (let r = col + 1; r < n; r++) {
      const row = m[r] as number[];
      const f = (row[col] as number) / (pivotRow[col] as number);
      for (let j = col; j <= n; j++) row[j] = (row[j] as number) - f * (pivotRow[j] as number);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    const row = m[i] as number[];
    let s = row[n] as number;
    for (let j = i + 1; j < n; j++) s -= (row[j] as number) * (x[j] as number);
    x[i] = s / (row[i] as number);
  }
  return x;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
