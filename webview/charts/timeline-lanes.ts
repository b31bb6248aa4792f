/**
 * Which row of the timeline each trial's bar goes in. Trials that ran on GPUs go in one row per
 * GPU (per host when several hosts ran trials), so the chart shows how busy each device was;
 * trials without a GPU are packed into as few worker rows as their overlaps need (greedy
 * interval partitioning, which is optimal for intervals sorted by start).
 */
import type { TrialSummary } from '../../src/protocol/dashboard-messages';

export interface TimelineBar {
  readonly trial: number;
  readonly lane: number;
  readonly start: number;
  readonly end: number;
}

export interface TimelineLayout {
  readonly lanes: readonly string[];
  readonly bars: readonly TimelineBar[];
  /** Earliest start: the chart's time origin. */
  readonly origin: number;
}

/** `now` stands in for the end of trials still running. */
export function layoutTimeline(trials: readonly TrialSummary[], now: number): TimelineLayout {
  const started = trials.filter((t) => t.start !== null);
  const hosts = new Set(started.map((t) => t.host ?? ''));
  const hostPrefix = (t: TrialSummary): string => (hosts.size > 1 ? `${t.host ?? 'local'} ` : '');
  const laneIndex = new Map<string, number>();
  const lanes: string[] = [];
  const lane = (label: string): number => {
    let i = laneIndex.get(label);
    if (i === undefined) {
      i = lanes.length;
      lanes.push(label);
      laneIndex.set(label, i);
    }
    return i;
  };
  const bars: TimelineBar[] = [];
  let origin = Infinity;
  const endOf = (t: TrialSummary): number => Math.max(t.start as number, t.end ?? (t.state === 'running' ? now : (t.start as number)));
  // GPU lanes first, in device order, so rows read GPU 0, GPU 1, ... top to bottom.
  const gpuTrials = started.filter((t) => t.gpus.length > 0);
  const gpuLabels = [...new Set(gpuTrials.flatMap((t) => t.gpus.map((g) => `${hostPrefix(t)}GPU ${g}`)))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  for (const label of gpuLabels) lane(label);
  for (const t of gpuTrials) {
    origin = Math.min(origin, t.start as number);
    for (const g of t.gpus) bars.push({ trial: t.number, lane: lane(`${hostPrefix(t)}GPU ${g}`), start: t.start as number, end: endOf(t) });
  }
  // The rest: per host, the first worker row free at the trial's start.
  const cpuTrials = started.filter((t) => t.gpus.length === 0).sort((a, b) => (a.start as number) - (b.start as number) || a.number - b.number);
  const rowEnds = new Map<string, number[]>();
  for (const t of cpuTrials) {
    origin = Math.min(origin, t.start as number);
    const host = hostPrefix(t);
    let ends = rowEnds.get(host);
    if (!ends) rowEnds.set(host, (ends = []));
    const start = t.start as number;
    const end = endOf(t);
    let row = ends.findIndex((e) => e <= start);
    if (row < 0) {
      row = ends.length;
      ends.push(end);
    } else {
      ends[row] = end;
    }
    bars.push({ trial: t.number, lane: lane(`${host}worker ${row + 1}`), start, end });
  }
  return { lanes, bars, origin: Number.isFinite(origin) ? origin : now };
}
