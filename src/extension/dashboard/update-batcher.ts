/**
 * Coalesces the watcher's deltas into at most one `update` message per interval (100 ms: ten a
 * second). A trial printing a step every millisecond, or fifty trials at once, would otherwise
 * flood the webview with messages it must each parse and draw. The first delta after a quiet
 * spell goes out at once, so a lone new step is not delayed; later ones wait for the interval.
 *
 * Pure timing and merging, no VS Code: tested under plain Node.
 */
import type { MetricPoints, TrialSummary } from '../../protocol/dashboard-messages';

export type UpdateMessage = { readonly type: 'update'; readonly trials: readonly TrialSummary[]; readonly running: boolean; readonly metrics: readonly MetricPoints[] };

export const DEFAULT_UPDATE_INTERVAL_MS = 100;

/** Backlog messages carry at most this many points, so no single message is huge. */
export const MAX_POINTS_PER_MESSAGE = 100_000;

export class UpdateBatcher {
  private trials = new Map<number, TrialSummary>();
  /** `${trial}\n${metric}` -> the points appended, in arrival order. */
  private metrics = new Map<string, { trial: number; metric: string; points: (readonly [number, number])[] }>();
  private running: boolean | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    private readonly post: (message: UpdateMessage) => void,
    private readonly intervalMs = DEFAULT_UPDATE_INTERVAL_MS,
  ) {}

  push(update: UpdateMessage): void {
    if (this.disposed) return;
    // A trial summary is whole, so the latest one replaces the earlier ones.
    for (const t of update.trials) this.trials.set(t.number, t);
    for (const m of update.metrics) {
      const key = `${m.trial}\n${m.metric}`;
      const entry = this.metrics.get(key);
      if (entry) entry.points.push(...m.points);
      else this.metrics.set(key, { trial: m.trial, metric: m.metric, points: [...m.points] });
    }
    this.running = update.running;
    if (!this.timer) {
      this.flush();
      this.timer = setTimeout(() => this.tick(), this.intervalMs);
    }
  }

  /** Drops what is pending: the view is about to get the whole study, which includes it. */
  discard(): void {
    this.trials.clear();
    this.metrics.clear();
    this.running = undefined;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.discard();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.disposed || this.running === undefined) return;
    this.flush();
    this.timer = setTimeout(() => this.tick(), this.intervalMs);
  }

  private flush(): void {
    if (this.running === undefined) return;
    const message: UpdateMessage = {
      type: 'update',
      trials: [...this.trials.values()].sort((a, b) => a.number - b.number),
      running: this.running,
      metrics: [...this.metrics.values()],
    };
    this.discard();
    this.post(message);
  }
}

/**
 * Splits metric points into groups of at most `maxPoints` (a long series across several
 * groups, in order), for the backlog that follows `init`.
 */
export function chunkMetrics(metrics: readonly MetricPoints[], maxPoints = MAX_POINTS_PER_MESSAGE): MetricPoints[][] {
  const chunks: MetricPoints[][] = [];
  let current: MetricPoints[] = [];
  let size = 0;
  for (const m of metrics) {
    let from = 0;
    while (from < m.points.length) {
      const take = Math.min(m.points.length - from, maxPoints - size);
      current.push({ trial: m.trial, metric: m.metric, points: m.points.slice(from, from + take) });
      from += take;
      size += take;
      if (size >= maxPoints) {
        chunks.push(current);
        current = [];
        size = 0;
      }
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
