/** A worker process of the sampler bench (--jobs): runs the tasks its parent sends over IPC. */
import type { CurveShape } from './learning-curves';
import { runPruned } from './pruning';
import { type RunTask, runStudy } from './run-study';

export interface PruningTask {
  readonly pruning: string;
  readonly seed: number;
  readonly shape: CurveShape;
}

process.on('message', (task: RunTask | PruningTask | { stop: true }) => {
  if ('stop' in task) {
    process.disconnect();
    return;
  }
  try {
    process.send?.({ ok: true, result: 'pruning' in task ? runPruned(task.pruning, task.seed, task.shape) : runStudy(task) });
  } catch (err) {
    process.send?.({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
