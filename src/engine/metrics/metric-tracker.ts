/**
 * Everything one trial reported: a step -> value series per metric, explicit final values, and
 * whether the trial pruned itself. The study loop feeds it every parsed message, reads the
 * objective's intermediate values for the pruner, and asks finalValue() when the process exits.
 *
 * Step numbering: a message with a step keeps it. A report without one gets the tracker's
 * automatic step, which advances each time such a report carries the objective. Metrics printed
 * before the objective within an epoch therefore share its step (train_loss, then val_loss, both
 * at epoch k), which keeps learning curves aligned when the script prints no counter at all.
 * A repeated step overwrites the earlier value: many scripts print running averages per batch
 * under the same epoch number, and the last one is the epoch's figure.
 *
 * Metric names are case-sensitive and matched exactly: guessing between `Loss` (train, per
 * batch) and `loss` (test) picks the wrong curve too easily. The "never reported" reason points
 * at a near miss instead.
 */
import type { Direction } from '../../core/study/trial';
import type { TrialMessage } from '../../protocol/trial-protocol';

export type FinalValueMode = 'last' | 'best';

/** Why a trial has, or has no, objective value. `reason` is written for the user. */
export type ObjectiveOutcome =
  | {
      readonly kind: 'value';
      readonly objective: string;
      readonly value: number;
      /** Step of the chosen value; null for an explicit final report. */
      readonly step: number | null;
      readonly source: 'final' | 'last' | 'best';
    }
  | {
      readonly kind: 'missing';
      readonly objective: string;
      readonly metricsSeen: readonly string[];
      readonly reason: string;
    }
  | {
      readonly kind: 'non-finite';
      readonly objective: string;
      readonly value: number;
      readonly step: number | null;
      readonly reason: string;
    };

/** What one record() call changed, so the caller can report and prune without re-reading. */
export interface RecordResult {
  /** Step the message was filed under; null for final reports. */
  readonly step: number | null;
  /** The objective's new intermediate value, when the message carried it. */
  readonly objective: { readonly step: number; readonly value: number } | null;
  /** True for a `pruned` message: the trial stopped itself after a prune request. */
  readonly pruned: boolean;
}

export interface MetricTrackerOptions {
  /** Metric the study optimises; exact, case-sensitive name. */
  readonly objective: string;
  /** Points kept per series; later new steps are dropped (last and best values still update). */
  readonly maxPointsPerSeries?: number;
  /** Distinct metric names kept; later names are ignored. */
  readonly maxSeries?: number;
}

interface Point {
  readonly step: number;
  readonly value: number;
}

interface SeriesState {
  readonly points: Map<number, number>;
  last: Point;
  /** Lowest / highest finite values; the first one wins ties so "best at step" is stable. */
  min: Point | null;
  max: Point | null;
}

const DEFAULT_MAX_POINTS = 100_000;
const DEFAULT_MAX_SERIES = 1_000;
const LISTED_NAMES = 20;

export class MetricTracker {
  readonly objective: string;
  private readonly maxPoints: number;
  private readonly maxSeries: number;
  private readonly seriesByName = new Map<string, SeriesState>();
  private readonly finals = new Map<string, number>();
  private nextAutoStep = 0;
  private pruned: { readonly step: number | null } | null = null;

  constructor(options: MetricTrackerOptions) {
    if (typeof options.objective !== 'string' || options.objective.length === 0) {
      throw new TypeError('MetricTracker needs the objective metric name, for example { objective: "val_loss" }');
    }
    this.objective = options.objective;
    this.maxPoints = options.maxPointsPerSeries ?? DEFAULT_MAX_POINTS;
    this.maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
  }

  record(message: TrialMessage): RecordResult {
    switch (message.kind) {
      case 'final':
        for (const [name, value] of Object.entries(message.metrics)) this.finals.set(name, value);
        return { step: null, objective: null, pruned: false };
      case 'pruned':
        this.pruned = { step: message.step };
        return { step: message.step, objective: null, pruned: true };
      case 'report':
        return this.recordReport(message.step, message.metrics);
    }
  }

  /** The `pruned` message the trial sent, if any: it honoured a prune request at that step. */
  get prunedAt(): { readonly step: number | null } | null {
    return this.pruned;
  }

  /** Metric names in the order first seen, series and explicit finals together. */
  metricNames(): string[] {
    const names = [...this.seriesByName.keys()];
    for (const name of this.finals.keys()) if (!this.seriesByName.has(name)) names.push(name);
    return names;
  }

  /** step -> value of one metric, in the order steps were first reported. */
  series(name: string): ReadonlyMap<number, number> | undefined {
    return this.seriesByName.get(name)?.points;
  }

  /** The objective's intermediate values (empty until it is reported). */
  objectiveSeries(): ReadonlyMap<number, number> {
    return this.series(this.objective) ?? new Map();
  }

  /** Values from explicit `final` messages, the last one winning per metric. */
  finalMetrics(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.finals);
  }

  /**
   * The trial's value for a metric (the objective by default): an explicit final report wins;
   * otherwise the last reported value, or the best finite one in `direction`. Non-finite and
   * missing values come back as outcomes with a reason, never as a number, so a diverged run
   * cannot become the study's best trial.
   */
  finalValue(mode: FinalValueMode, direction: Direction, objective: string = this.objective): ObjectiveOutcome {
    const explicit = this.finals.get(objective);
    if (explicit !== undefined) {
      return Number.isFinite(explicit)
        ? { kind: 'value', objective, value: explicit, step: null, source: 'final' }
        : {
            kind: 'non-finite',
            objective,
            value: explicit,
            step: null,
            reason: `objective "${objective}" was ${formatValue(explicit)} in the final report`,
          };
    }
    const state = this.seriesByName.get(objective);
    if (state === undefined) return this.missing(objective);
    if (mode === 'last') {
      const { step, value } = state.last;
      return Number.isFinite(value)
        ? { kind: 'value', objective, value, step, source: 'last' }
        : { kind: 'non-finite', objective, value, step, reason: `objective "${objective}" was ${formatValue(value)} at step ${step}` };
    }
    const best = direction === 'maximize' ? state.max : state.min;
    if (best !== null) return { kind: 'value', objective, value: best.value, step: best.step, source: 'best' };
    const { step, value } = state.last;
    return {
      kind: 'non-finite',
      objective,
      value,
      step,
      reason: `objective "${objective}" never had a finite value (it was ${formatValue(value)} at step ${step})`,
    };
  }

  private recordReport(explicitStep: number | null, metrics: Readonly<Record<string, number>>): RecordResult {
    const hasObjective = Object.hasOwn(metrics, this.objective);
    const step = explicitStep ?? this.nextAutoStep;
    if (hasObjective) this.nextAutoStep = Math.max(this.nextAutoStep, step + 1);
    for (const [name, value] of Object.entries(metrics)) this.addPoint(name, step, value);
    const value = hasObjective ? metrics[this.objective] : undefined;
    return { step, objective: value === undefined ? null : { step, value }, pruned: false };
  }

  private addPoint(name: string, step: number, value: number): void {
    let state = this.seriesByName.get(name);
    if (state === undefined) {
      if (this.seriesByName.size >= this.maxSeries) return;
      state = { points: new Map(), last: { step, value }, min: null, max: null };
      this.seriesByName.set(name, state);
    }
    if (state.points.has(step) || state.points.size < this.maxPoints) state.points.set(step, value);
    state.last = { step, value };
    if (Number.isFinite(value)) {
      if (state.min === null || value < state.min.value) state.min = { step, value };
      if (state.max === null || value > state.max.value) state.max = { step, value };
    }
  }

  private missing(objective: string): ObjectiveOutcome {
    const seen = this.metricNames();
    let reason = `objective "${objective}" was never reported; `;
    if (seen.length === 0) {
      reason += 'no metrics were seen (print lines like "loss=0.21" or call tunekit.report())';
    } else {
      const listed = seen.slice(0, LISTED_NAMES).join(', ');
      reason += `metrics seen: ${listed}${seen.length > LISTED_NAMES ? ` and ${seen.length - LISTED_NAMES} more` : ''}`;
      const nearMiss = seen.find((name) => name.toLowerCase() === objective.toLowerCase());
      if (nearMiss !== undefined) reason += ` (names are case-sensitive: did you mean "${nearMiss}"?)`;
    }
    return { kind: 'missing', objective, metricsSeen: seen, reason };
  }
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  return String(value);
}
