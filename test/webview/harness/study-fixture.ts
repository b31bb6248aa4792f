/**
 * Synthetic studies for the dashboard's tests and benchmark: a learning-rate / batch-size /
 * dropout / optimizer / layers space, trials whose loss curves decay towards a value the
 * parameters determine, a mix of states (running trials at the end), two workers or GPUs, and
 * per-step metrics. Deterministic for a seed.
 */
import type { MetricPoints, ParamInfo, StudySnapshot, TrialStateName, TrialSummary } from '../../../src/protocol/dashboard-messages';

type JsonValue = TrialSummary['params'][string];

export const PARAMS: readonly ParamInfo[] = [
  { name: 'lr', type: 'float', log: true, low: 1e-5, high: 1e-1 },
  { name: 'batch_size', type: 'int', log: true, low: 16, high: 256 },
  { name: 'dropout', type: 'float', log: false, low: 0, high: 0.5 },
  { name: 'optimizer', type: 'categorical', log: false, choices: ['adam', 'sgd', 'adamw'] },
  { name: 'layers', type: 'int', log: false, low: 1, high: 4 },
];

export interface FixtureOptions {
  readonly trials: number;
  readonly steps: number;
  /** The last `running` trials are still running, halfway through their steps. */
  readonly running?: number;
  readonly seed?: number;
  /** Put trials on GPUs 0 and 1 (else two CPU workers). */
  readonly gpus?: boolean;
  readonly studyName?: string;
  /** Epoch ms the running trials are "now" at (default: the current time), so their bars end now. */
  readonly now?: number;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRIAL_MS = 60_000;

export interface Fixture {
  readonly snapshot: StudySnapshot;
  /** A trial's loss after `step` steps (for making later updates that continue the curve). */
  loss(trial: number, step: number): number;
}

export function makeStudy(options: FixtureOptions): Fixture {
  const random = rng(options.seed ?? 1);
  const running = options.running ?? 2;
  const finals: number[] = [];
  // Two trials start per minute; the last pair (the running ones) started half a minute ago.
  const start0 = (options.now ?? Date.now()) - Math.ceil(options.trials / 2) * TRIAL_MS + TRIAL_MS / 2;
  const trials: TrialSummary[] = [];
  for (let i = 0; i < options.trials; i++) {
    const lr = 10 ** (-5 + 4 * random());
    const params: Record<string, JsonValue> = {
      lr,
      batch_size: 2 ** (4 + Math.floor(random() * 5)),
      dropout: Math.round(random() * 50) / 100,
      optimizer: ['adam', 'sgd', 'adamw'][Math.floor(random() * 3)] as string,
      layers: 1 + Math.floor(random() * 4),
    };
    // Best near lr = 1e-3, some dropout, adam.
    const final = 0.1 + 0.08 * (Math.log10(lr) + 3) ** 2 + 0.3 * Math.abs((params.dropout as number) - 0.2) + (params.optimizer === 'sgd' ? 0.15 : 0) + 0.05 * random();
    finals.push(final);
    const isRunning = i >= options.trials - running;
    const r = random();
    const state: TrialStateName = isRunning ? 'running' : r < 0.05 ? 'fail' : r < 0.25 ? 'pruned' : 'complete';
    const stepsDone = state === 'running' ? Math.floor(options.steps / 2) : state === 'pruned' ? Math.max(1, Math.floor(options.steps * (0.2 + 0.5 * random()))) : state === 'fail' ? Math.floor(options.steps * random() * 0.5) : options.steps;
    const intermediate: [number, number][] = [];
    for (let s = 0; s < stepsDone; s++) intermediate.push([s, curve(final, s, options.steps, i)]);
    const worker = i % 2;
    const start = start0 + Math.floor(i / 2) * TRIAL_MS + worker * 7_000;
    const duration = state === 'complete' ? TRIAL_MS - 5_000 : state === 'running' ? null : Math.max(2_000, (TRIAL_MS * stepsDone) / options.steps);
    trials.push({
      number: i,
      state,
      values: state === 'complete' ? [intermediate[intermediate.length - 1]?.[1] ?? final] : null,
      params,
      intermediate,
      start,
      end: duration === null ? null : start + duration,
      gpus: options.gpus ? [worker] : [],
      host: null,
      failReason: state === 'fail' ? 'RuntimeError: CUDA out of memory' : null,
    });
  }
  return {
    snapshot: {
      studyName: options.studyName ?? 'digits-train',
      journal: '/work/project/.tunekit/digits-train.journal',
      directions: ['minimize'],
      objectives: ['val_loss'],
      params: PARAMS,
      trials,
      running: running > 0,
    },
    loss: (trial, step) => curve(finals[trial] ?? 0.5, step, options.steps, trial),
  };
}

/** A loss curve from about 2.3 down to `final`, with a little deterministic noise. */
function curve(final: number, step: number, steps: number, trial: number): number {
  const progress = step / Math.max(1, steps - 1);
  return final + (2.3 - final) * Math.exp(-5 * progress) + 0.02 * Math.sin(step * 1.7 + trial);
}

/** Per-step metrics for `trials`, steps [from, to), as an update's `metrics` carries them. */
export function makeMetrics(trials: readonly number[], from: number, to: number, loss: (trial: number, step: number) => number): MetricPoints[] {
  const out: MetricPoints[] = [];
  for (const trial of trials) {
    const val: [number, number][] = [];
    const acc: [number, number][] = [];
    for (let s = from; s < to; s++) {
      const l = loss(trial, s);
      val.push([s, l]);
      acc.push([s, Math.max(0, Math.min(1, 1 - l / 2.5))]);
    }
    out.push({ trial, metric: 'val_loss', points: val }, { trial, metric: 'val_acc', points: acc });
  }
  return out;
}
