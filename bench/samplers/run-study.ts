/** One benchmark run: a Tunekit sampler on a problem for one seed, through the real ask/tell study. */
import { createStudy } from '../../src/core/study/study';
import { hypervolume } from '../../src/core/study/hypervolume';
import { benchSampler } from './bench-samplers';
import { ZDT_REFERENCE, ZDT_TIGHT_REFERENCE, findProblem } from './problems';

export interface RunTask {
  readonly problem: string;
  readonly sampler: string;
  readonly seed: number;
  readonly trials: number;
}

export interface RunResult extends RunTask {
  /** Best value found (single objective), or hypervolume of the completed trials (several). */
  readonly best: number;
  /** Several objectives: the hypervolume at the tight reference (1.1, 1.1). */
  readonly tight?: number;
  readonly seconds: number;
}

export function runStudy(task: RunTask): RunResult {
  const problem = findProblem(task.problem);
  const study = createStudy({ space: problem.space, directions: problem.directions, sampler: benchSampler(task.sampler, task.seed, problem.space) });
  const t0 = performance.now();
  let best = Infinity;
  const points: number[][] = [];
  for (let i = 0; i < task.trials; i++) {
    const t = study.ask();
    const values = problem.evaluate(t.params);
    study.tell(t.number, values);
    if (values.length === 1) best = Math.min(best, values[0] as number);
    else points.push(values);
  }
  const seconds = (performance.now() - t0) / 1000;
  study.close();
  if (problem.directions.length === 1) return { ...task, best, seconds };
  return { ...task, best: hypervolume(points, ZDT_REFERENCE), tight: hypervolume(points, ZDT_TIGHT_REFERENCE), seconds };
}
