/**
 * Extrapolation pruning: stop a trial when even an optimistic forecast of the value it will end
 * on is worse than the best value a finished trial reached.
 *
 * Rank-based pruners (median, ASHA, Hyperband) compare trials at the same step, which assumes
 * that the order of learning curves early on is their order at the end. It is not when curves
 * cross: a high learning rate drops fast to a poor floor while a moderate one is still ahead of
 * it. This pruner asks the question a user asks instead: "can this run still beat the best?"
 * It fits a saturating curve to the trial's reports (curve-fit.ts), predicts its value at the
 * last step of a full run, and prunes when the lowest end the points leave plausible (sigmas
 * standard errors below the forecast, over every curve shape that fits nearly as well) is still
 * worse than the incumbent. Early, the error is large and nothing but hopeless runs stop; as
 * the curve bends the forecast tightens.
 *
 * The finished trials teach the forecast: the shapes of their curves (a prior on how fast runs
 * of this study saturate, widened) and the noise of their reports, so a trial's first few points
 * are read in the light of the full runs before it (empirical Bayes); a trial noisier than they
 * are is read with its own noise. Fits of finished trials are cached by trial id: a finished
 * trial's reports no longer change.
 *
 * The full run's length (the horizon) is the last step any completed trial reported; a trial
 * past it is never pruned. Like the other comparative pruners it needs finished trials
 * (nStartupTrials), never prunes in a multi-objective study, prunes a trial whose latest value
 * is NaN, and mirrors for 'maximize'. Steps need not be contiguous: the fit uses the steps.
 */
import { type FrozenTrial, type StudyView, lastStep } from '../study/trial';
import { type CurveFit, type CurvePrior, fitLearningCurve } from './curve-fit';
import { checkInteger } from './percentile';
import type { Pruner } from './pruner';
import { PrunerError } from './pruner-error';

export interface ExtrapolationPrunerOptions {
  /** No pruning until this many trials have completed (default 5, as median's). */
  readonly nStartupTrials?: number;
  /** No pruning before this fraction of the full run (default 0.1). */
  readonly warmupFraction?: number;
  /**
   * Standard errors of optimism granted to the forecast (default 1.5): larger prunes later,
   * smaller saves more compute and stops more runs that would have ended best. At 1.5 no run of
   * the recorded real curves that would have ended best is stopped (bench/samplers/
   * pruning-replay.ts); 1 reaches the synthetic tasks' compute target but stops a few.
   */
  readonly sigmas?: number;
}

/** At most this many of a trial's reports are fitted (evenly spread, the latest always kept). */
const MAX_FIT_POINTS = 30;
/** A finished trial shapes the prior only with at least this many reports. */
const MIN_PRIOR_POINTS = 5;
/** The prior needs this many finished shapes before it is believed. */
const MIN_PRIOR_TRIALS = 3;
/** The prior's spread: the finished shapes' standard deviation times this, and at least SD_FLOOR. */
const SD_WIDENING = 1.5;
const SD_FLOOR = 0.2;

export class ExtrapolationPruner implements Pruner {
  readonly name = 'extrapolate';
  private readonly nStartupTrials: number;
  private readonly warmupFraction: number;
  private readonly sigmas: number;
  /** Fits of completed trials by `${id}:${horizon}` (the horizon changes the grid). */
  private readonly finishedFits = new Map<string, CurveFit | undefined>();
  /** Last step and value range of each completed trial, by id, so a check does not rescan every report. */
  private readonly finishedRuns = new Map<number, FinishedRun>();

  constructor(options: ExtrapolationPrunerOptions = {}) {
    this.nStartupTrials = checkInteger('nStartupTrials', options.nStartupTrials ?? 5, 1);
    this.warmupFraction = options.warmupFraction ?? 0.1;
    this.sigmas = options.sigmas ?? 1.5;
    if (!(typeof this.warmupFraction === 'number' && this.warmupFraction >= 0 && this.warmupFraction < 1)) {
      throw new PrunerError('invalid-option', `warmupFraction must be a number in [0, 1), got ${JSON.stringify(options.warmupFraction)}`, 'warmupFraction');
    }
    if (!(typeof this.sigmas === 'number' && this.sigmas >= 0 && Number.isFinite(this.sigmas))) {
      throw new PrunerError('invalid-option', `sigmas must be a number >= 0, got ${JSON.stringify(options.sigmas)}`, 'sigmas');
    }
  }

  shouldPrune(study: StudyView, trial: FrozenTrial): boolean {
    if (study.directions.length !== 1) return false;
    const completed = study.trials.filter((t) => t.state === 'complete' && t.id !== trial.id);
    if (completed.length === 0 || completed.length < this.nStartupTrials) return false;

    const latestStep = lastStep(trial);
    if (latestStep === undefined) return false;
    // Work in "lower is better" units.
    const sign = study.directions[0] === 'maximize' ? -1 : 1;
    // A diverged run (NaN, or infinitely bad) is stopped, as the median pruner stops it.
    const latestValue = sign * (trial.intermediateValues.get(latestStep) as number);
    if (Number.isNaN(latestValue) || latestValue === Infinity) return true;

    let horizon = -Infinity;
    let incumbent = Infinity;
    for (const t of completed) {
      horizon = Math.max(horizon, this.finishedRun(t).lastStep);
      const value = t.values?.[0];
      if (value !== undefined && !Number.isNaN(value)) incumbent = Math.min(incumbent, sign * value);
    }
    if (!Number.isFinite(horizon) || !Number.isFinite(incumbent)) return false;
    if (latestStep >= horizon || latestStep < this.warmupFraction * horizon) return false;

    const { steps, values } = series(trial, sign);
    // A trial already at or below the best cannot be shown to end worse than it.
    if (Math.min(...values) <= incumbent) return false;
    const fit = fitLearningCurve(steps, values, horizon, this.prior(completed, horizon, sign));
    if (fit === undefined) return false;
    return fit.lowerBound(this.sigmas) > incumbent;
  }

  /** Where the finished curves' shapes cluster, and how noisy their reports are. */
  private prior(completed: readonly FrozenTrial[], horizon: number, sign: number): CurvePrior | undefined {
    const shapes: (readonly [number, number])[] = [];
    const noise: number[] = [];
    let low = Infinity;
    let high = -Infinity;
    for (const t of completed) {
      const run = this.finishedRun(t);
      low = Math.min(low, run.low);
      high = Math.max(high, run.high);
      const key = `${t.id}:${horizon}`;
      if (!this.finishedFits.has(key)) {
        const { steps, values } = series(t, sign);
        this.finishedFits.set(key, steps.length >= MIN_PRIOR_POINTS ? fitLearningCurve(steps, values, horizon) : undefined);
      }
      const fit = this.finishedFits.get(key);
      if (fit === undefined) continue;
      shapes.push(fit.shape);
      noise.push(fit.residualVariance);
    }
    if (shapes.length < MIN_PRIOR_TRIALS) return undefined;
    const mean: [number, number] = [0, 0];
    const sd: [number, number] = [0, 0];
    for (let i = 0; i < 2; i++) {
      const xs = shapes.map((s) => s[i] as number);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const variance = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
      mean[i] = m;
      sd[i] = Math.max(SD_FLOOR, SD_WIDENING * Math.sqrt(variance));
    }
    noise.sort((a, b) => a - b);
    // Reports are never taken as more precise than 0.1% of the range they span, so noise-free
    // curves (a deterministic metric) do not make every forecast look certain.
    const noiseFloor = (1e-3 * Math.max(high - low, Number.MIN_VALUE)) ** 2;
    return { mean, sd, noiseVariance: Math.max(noise[noise.length >> 1] as number, noiseFloor) };
  }

  private finishedRun(trial: FrozenTrial): FinishedRun {
    let run = this.finishedRuns.get(trial.id);
    if (run === undefined) {
      run = { lastStep: -Infinity, low: Infinity, high: -Infinity };
      for (const [step, v] of trial.intermediateValues) {
        run.lastStep = Math.max(run.lastStep, step);
        if (!Number.isFinite(v)) continue;
        run.low = Math.min(run.low, v);
        run.high = Math.max(run.high, v);
      }
      this.finishedRuns.set(trial.id, run);
    }
    return run;
  }
}

interface FinishedRun {
  lastStep: number;
  /** The range of its finite reports (in the metric's own sign). */
  low: number;
  high: number;
}

/** The trial's finite reports in step order, signed so lower is better, thinned to MAX_FIT_POINTS. */
function series(trial: FrozenTrial, sign: number): { steps: number[]; values: number[] } {
  const points = [...trial.intermediateValues].filter(([, v]) => Number.isFinite(v)).sort((a, b) => a[0] - b[0]);
  const kept = points.length <= MAX_FIT_POINTS ? points : Array.from({ length: MAX_FIT_POINTS }, (_, k) => points[Math.round((k * (points.length - 1)) / (MAX_FIT_POINTS - 1))] as [number, number]);
  return { steps: kept.map(([s]) => s), values: kept.map(([, v]) => sign * v) };
}
