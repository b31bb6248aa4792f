/**
 * The pruning half of the bench: 100 trials of the learning-curve task (learning-curves.ts), in
 * each curve shape, under each pruner, Tunekit's and Optuna's (which has no extrapolation), with the same TPE sampler settings. Compute spent
 * is the number of steps run; the result is the best final loss of a trial that ran to the end.
 */
import type { ParamValue } from '../../src/core/space/distributions';
import { PRUNER_NAMES, type PrunerOptions, createPruner } from '../../src/core/pruners/pruner-factory';
import type { Pruner } from '../../src/core/pruners/pruner';
import { TpeSampler } from '../../src/core/samplers/tpe';
import { createStudy } from '../../src/core/study/study';
import { CURVE_SPACE, CURVE_STEPS, type CurveShape, curveLoss } from './learning-curves';
import { quantile } from './report';

export const PRUNING_TRIALS = 100;

/** Settings for pruners that need a domain-specific number to run at all. */
const PRESETS: Record<string, PrunerOptions> = {
  threshold: { upper: 1.0, nWarmupSteps: 50 },
  patient: { patience: 5, wrapped: 'median' },
};

/**
 * Rows beyond each pruner's defaults, written `name{options}` (the same on Optuna's side): the
 * curves cross around step 10, so a warm-up or a first rung past it is what a user would set.
 */
const SHARED_VARIANTS: readonly string[] = ['median{"nWarmupSteps":20}', 'asha{"minResource":20}', 'hyperband{"minResource":20}'];
/** Optuna has no extrapolation pruner; its row with less optimism than the default is Tunekit's only. */
const VARIANTS: readonly string[] = [...SHARED_VARIANTS, 'extrapolate{"sigmas":1}'];

export function pruner(spec: string): Pruner {
  const brace = spec.indexOf('{');
  if (brace < 0) return createPruner(spec, PRESETS[spec] ?? {});
  return createPruner(spec.slice(0, brace), JSON.parse(spec.slice(brace)) as PrunerOptions);
}

export interface PruningRow {
  readonly pruner: string;
  readonly medianBest: number;
  readonly medianSteps: number;
  readonly medianPruned: number;
}

export interface PruningSummary {
  readonly shape: CurveShape;
  readonly trials: number;
  readonly steps: number;
  readonly seeds: number;
  /** No pruning, Tunekit: what the others are measured against. */
  readonly reference: { readonly best: number; readonly steps: number };
  readonly rows: readonly PruningRow[];
}

export interface PruningRun {
  readonly best: number | null;
  readonly steps: number;
  readonly pruned: number;
}

export function runPruned(spec: string, seed: number, shape: CurveShape): PruningRun {
  const study = createStudy({ space: CURVE_SPACE, sampler: new TpeSampler({ seed }), pruner: pruner(spec) });
  let best = Infinity;
  let steps = 0;
  let pruned = 0;
  for (let i = 0; i < PRUNING_TRIALS; i++) {
    const t = study.ask();
    let value = NaN;
    let stopped = false;
    for (let step = 0; step < CURVE_STEPS; step++) {
      value = curveLoss(t.params, step, shape);
      steps++;
      study.report(t.number, step, value);
      if (study.shouldPrune(t.number)) {
        stopped = true;
        break;
      }
    }
    if (stopped) {
      pruned++;
      study.tell(t.number, { state: 'pruned' });
    } else {
      study.tell(t.number, value);
      best = Math.min(best, value);
    }
  }
  study.close();
  return { best, steps, pruned };
}

function summarise(name: string, runs: readonly PruningRun[]): PruningRow {
  return {
    pruner: name,
    // null: every trial of the run was pruned (JSON has no Infinity).
    medianBest: quantile(runs.map((r) => r.best ?? Infinity), 0.5),
    medianSteps: quantile(runs.map((r) => r.steps), 0.5),
    medianPruned: quantile(runs.map((r) => r.pruned), 0.5),
  };
}

export async function runPruningBench(options: {
  shape: CurveShape;
  seeds: readonly number[];
  pool: { run<T>(work: () => Promise<T>): Promise<T> };
  optuna: ((job: Record<string, unknown>) => Promise<unknown>) | null;
  /** Runs one pruner on one seed (in a worker process, with --jobs). */
  runOne: (spec: string, seed: number) => Promise<PruningRun>;
}): Promise<PruningSummary> {
  const optunaPruners = ['none', 'median', 'percentile', 'asha', 'hyperband', 'threshold', 'patient', ...SHARED_VARIANTS];
  const point: Record<string, ParamValue> = { lr: 0.003, width: 100, dropout: 0.31 };
  const curveCheck = [0, 7, 99].map((step) => ({ params: point, step, value: curveLoss(point, step, options.shape) }));
  const optunaPromise = options.optuna
    ? options.pool.run(() => (options.optuna as (job: Record<string, unknown>) => Promise<unknown>)({ kind: 'pruning', shape: options.shape, pruners: optunaPruners, seeds: options.seeds, trials: PRUNING_TRIALS, curveCheck }))
    : Promise.resolve(null);
  const specs = [...PRUNER_NAMES, ...VARIANTS];
  const runs = await Promise.all(specs.map((spec) => Promise.all(options.seeds.map((seed) => options.pool.run(() => options.runOne(spec, seed))))));
  const rows: PruningRow[] = specs.map((spec, i) => summarise(spec, runs[i] as PruningRun[]));
  const optuna = (await optunaPromise) as Record<string, PruningRun[]> | null;
  if (optuna) for (const [name, runs] of Object.entries(optuna)) rows.push(summarise(`optuna-${name}`, runs));
  const reference = rows.find((r) => r.pruner === 'none') as PruningRow;
  return { shape: options.shape, trials: PRUNING_TRIALS, steps: CURVE_STEPS, seeds: options.seeds.length, reference: { best: reference.medianBest, steps: reference.medianSteps }, rows };
}
