/**
 * Latency of one forward pass: a few warm-up runs first (the first runs allocate arenas and
 * fill caches), then timed runs until both a minimum count and a time budget are met or the
 * maximum count is reached, summarized by the median (robust to a stray slow run) and the 90th
 * percentile (what a user waits for on a bad run).
 */
import type { LatencyFigures } from '../../protocol/compression';

export interface LatencyOptions {
  warmup?: number;
  minRuns?: number;
  maxRuns?: number;
  /** Stop after this many milliseconds of timed runs once minRuns are done. */
  budgetMs?: number;
}

export async function measureLatency(run: () => Promise<unknown>, options: LatencyOptions = {}): Promise<LatencyFigures> {
  const { warmup = 3, minRuns = 5, maxRuns = 200, budgetMs = 2000 } = options;
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < maxRuns && (samples.length < minRuns || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return summarizeLatency(samples);
}

/** Median and 90th percentile (nearest rank) of the samples in milliseconds. */
export function summarizeLatency(samplesMs: readonly number[]): LatencyFigures {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { medianMs: median(sorted), p90Ms: nearestRank(sorted, 0.9), runs: sorted.length };
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function nearestRank(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}
