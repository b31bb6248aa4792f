/**
 * Synthetic dashboard models for the analysis-chart tests, built in Node and handed to the page
 * as JSON: a tuning study with a log, a bounded, an int, a categorical and a conditional
 * parameter whose loss depends mostly on lr and dropout, and small multi-objective studies with
 * a known Pareto front.
 */
import type { ParamInfo, TrialStateName, TrialSummary } from '../../../src/protocol/dashboard-messages';
import { Rng } from '../../../src/core/random/rng';

/** What the page turns into a DashboardModel (Sets and Maps do not survive JSON). */
export interface ModelSpec {
  readonly studyName: string;
  readonly directions: readonly ('minimize' | 'maximize')[];
  readonly objectives: readonly string[];
  readonly params: readonly ParamInfo[];
  readonly trials: readonly TrialSummary[];
  readonly importance: { readonly method: string; readonly values: Record<string, number> } | null;
  readonly running: boolean;
  readonly selected: readonly number[];
}

export const TUNING_PARAMS: readonly ParamInfo[] = [
  { name: 'lr', type: 'float', log: true, low: 1e-5, high: 1e-1 },
  { name: 'dropout', type: 'float', log: false, low: 0, high: 0.5 },
  { name: 'layers', type: 'int', log: false, low: 1, high: 4 },
  { name: 'optimizer', type: 'categorical', log: false, choices: ['sgd', 'adam', 'rmsprop'] },
  { name: 'momentum', type: 'float', log: false, low: 0, high: 0.99 },
];

function summary(number: number, state: TrialStateName, params: TrialSummary['params'], values: number[] | null): TrialSummary {
  const start = 1_700_000_000_000 + number * 1000;
  return { number, state, values, params, intermediate: values ? [[0, values[0]! * 1.5], [1, values[0]!]] : [], start, end: state === 'running' ? null : start + 900, gpus: [], host: null, failReason: state === 'fail' ? 'exit code 1' : null };
}

/**
 * `n` trials of a tuning study; most complete, every 17th pruned, every 29th failed, and the
 * last `running` still running. val_loss is a bowl in log10(lr) around 1e-3 plus one in dropout
 * around 0.2, with small effects of the rest.
 */
export function tuningStudy(n: number, options: { seed?: number; running?: number; selected?: readonly number[]; importance?: ModelSpec['importance'] } = {}): ModelSpec {
  const rng = new Rng(options.seed ?? 1);
  const trials: TrialSummary[] = [];
  const running = options.running ?? 0;
  for (let i = 0; i < n; i++) {
    const optimizer = ['sgd', 'adam', 'rmsprop'][rng.int(3)] as string;
    const params: Record<string, string | number> = {
      lr: 10 ** rng.uniform(-5, -1),
      dropout: rng.uniform(0, 0.5),
      layers: 1 + rng.int(4),
      optimizer,
    };
    if (optimizer === 'sgd') params.momentum = rng.uniform(0, 0.99);
    const lr = Math.log10(params.lr as number);
    const loss =
      0.2 +
      0.12 * (lr + 3) ** 2 +
      6 * ((params.dropout as number) - 0.2) ** 2 +
      0.03 * (params.layers as number) +
      (optimizer === 'adam' ? 0 : 0.05) +
      (optimizer === 'sgd' ? 0.2 * (1 - (params.momentum as number)) : 0) +
      0.02 * rng.normal();
    const state: TrialStateName = i >= n - running ? 'running' : i % 29 === 28 ? 'fail' : i % 17 === 16 ? 'pruned' : 'complete';
    trials.push(summary(i, state, params, state === 'complete' ? [loss] : null));
  }
  return {
    studyName: 'synthetic',
    directions: ['minimize'],
    objectives: ['val_loss'],
    params: TUNING_PARAMS,
    trials,
    importance: options.importance ?? null,
    running: running > 0,
    selected: options.selected ?? [],
  };
}

/**
 * A two-objective study with a hand-checked front. Minimising both: trials 0 (1, 5), 1 (2, 3),
 * 3 (4, 1) and 5 (2, 3), a tie with 1, are non-dominated; 2 (3, 4), 4 (5, 5) and 6 (4, 3) are
 * dominated. Maximising the first instead, 4 (5, 5) has the best first value and 3 (4, 1) the
 * best second among the rest, and together they dominate every other trial: the front is 3, 4.
 */
export function paretoStudy(directions: readonly ('minimize' | 'maximize')[] = ['minimize', 'minimize']): ModelSpec {
  const points: [number, number][] = [[1, 5], [2, 3], [3, 4], [4, 1], [5, 5], [2, 3], [4, 3]];
  const trials = points.map(([a, b], i) => summary(i, 'complete', { width: 16 * (i + 1), depth: i % 3 }, [a, b]));
  // A running and a failed trial: never on the front, never drawn.
  trials.push(summary(7, 'running', { width: 8, depth: 0 }, null), summary(8, 'fail', { width: 8, depth: 1 }, null));
  return {
    studyName: 'pareto',
    directions,
    objectives: ['error', 'latency_ms'],
    params: [
      { name: 'width', type: 'int', log: true, low: 8, high: 256 },
      { name: 'depth', type: 'int', log: false, low: 0, high: 2 },
    ],
    trials,
    importance: null,
    running: false,
    selected: [3],
  };
}

/** A larger two-objective study for the screenshots: accuracy vs latency trade-off. */
export function tradeoffStudy(n: number, seed = 3): ModelSpec {
  const rng = new Rng(seed);
  const trials: TrialSummary[] = [];
  for (let i = 0; i < n; i++) {
    const width = 2 ** (3 + rng.int(6));
    const depth = 1 + rng.int(6);
    const size = Math.log2(width) + depth;
    const error = 0.02 + 0.5 / size + 0.05 * rng.random();
    const latency = 0.5 * width * depth ** 1.2 / 16 + 2 * rng.random();
    trials.push(summary(i, 'complete', { width, depth }, [error, latency]));
  }
  return {
    studyName: 'tradeoff',
    directions: ['minimize', 'minimize'],
    objectives: ['error', 'latency_ms'],
    params: [
      { name: 'width', type: 'int', log: true, low: 8, high: 256 },
      { name: 'depth', type: 'int', log: false, low: 1, high: 6 },
    ],
    trials,
    importance: null,
    running: false,
    selected: [],
  };
}
