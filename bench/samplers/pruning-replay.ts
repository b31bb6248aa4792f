/**
 * The pruning bench's recorded-curves task: the curves of 200 real training runs
 * (data/quickstart-curves.json, see record-curves.ts) replayed one trial after another through
 * a real study under each pruner, in a different order per seed. Random search made the runs,
 * so the order is the only thing a seed changes. Per pruner: the best final value among the
 * runs it let finish (no pruning keeps them all, so its best is the set's best), the steps run,
 * and the "wrong prunes": runs it stopped that would have ended better than the best finished
 * run at the time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/core/random/rng';
import { createSearchSpace } from '../../src/core/space/search-space';
import { createStudy } from '../../src/core/study/study';
import type { RecordedCurves } from './record-curves';
import { type PruningRow, type PruningSummary, pruner } from './pruning';
import { quantile } from './report';

const here = path.dirname(fileURLToPath(import.meta.url));
const DATA = path.join(here, 'data', 'quickstart-curves.json');

export interface ReplayRun {
  readonly best: number;
  readonly steps: number;
  readonly pruned: number;
  readonly wrong: number;
}

export function loadRecordedCurves(): RecordedCurves {
  return JSON.parse(fs.readFileSync(DATA, 'utf8')) as RecordedCurves;
}

export function replayCurves(spec: string, seed: number, recorded: RecordedCurves = loadRecordedCurves()): ReplayRun {
  const order = recorded.curves.map((_, i) => i);
  const rng = new Rng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const sign = recorded.direction === 'maximize' ? -1 : 1;
  const space = createSearchSpace([{ name: 'run', distribution: { type: 'int', low: 0, high: recorded.curves.length - 1, log: false, step: 1 } }]);
  const study = createStudy({ space, directions: [recorded.direction], sampler: 'random', pruner: pruner(spec) });
  let best = Infinity;
  let steps = 0;
  let pruned = 0;
  let wrong = 0;
  for (const index of order) {
    const curve = recorded.curves[index] as readonly number[];
    const t = study.ask();
    let stopped = false;
    for (let step = 0; step < curve.length && !stopped; step++) {
      steps++;
      study.report(t.number, step, curve[step] as number);
      stopped = study.shouldPrune(t.number);
    }
    const final = sign * (curve[curve.length - 1] as number);
    if (stopped) {
      pruned++;
      if (final < best) wrong++;
      study.tell(t.number, { state: 'pruned' });
    } else {
      best = Math.min(best, final);
      study.tell(t.number, curve[curve.length - 1] as number);
    }
  }
  study.close();
  return { best: sign * best, steps, pruned, wrong };
}

export interface ReplayRow extends PruningRow {
  readonly medianWrong: number;
}

/** No pruning's reference: every run finishes, so its best is the set's best and its steps are all of them. */
export interface ReplaySummary extends Pick<PruningSummary, 'steps' | 'seeds' | 'reference'> {
  readonly runs: number;
  readonly source: string;
  readonly rows: readonly ReplayRow[];
}

/** Short curves (15 epochs): rows for the warm-up and first rung a user would set at that length. */
const REPLAY_VARIANTS: readonly string[] = ['median{"nWarmupSteps":5}', 'hyperband{"minResource":3}', 'extrapolate{"sigmas":1}'];

export function runReplayBench(specs: readonly string[], seeds: readonly number[]): ReplaySummary {
  const recorded = loadRecordedCurves();
  const rows = [...specs, ...REPLAY_VARIANTS].map((spec): ReplayRow => {
    const runs = seeds.map((seed) => replayCurves(spec, seed, recorded));
    return {
      pruner: spec,
      medianBest: quantile(runs.map((r) => r.best), 0.5),
      medianSteps: quantile(runs.map((r) => r.steps), 0.5),
      medianPruned: quantile(runs.map((r) => r.pruned), 0.5),
      medianWrong: quantile(runs.map((r) => r.wrong), 0.5),
    };
  });
  const steps = Math.max(...recorded.curves.map((c) => c.length));
  const none = rows.find((r) => r.pruner === 'none') as ReplayRow;
  return { runs: recorded.curves.length, steps, seeds: seeds.length, source: recorded.source, reference: { best: none.medianBest, steps: none.medianSteps }, rows };
}
