/**
 * The status bar's words for a running study: "$(sync~spin) Tunekit: 12/30 · 2 running ·
 * 3 pruned · 1 failed · best 0.213". Counts cover the trials started by the engine now running
 * (since its start time, which it records beside the journal), so a study resumed for 30 more
 * trials reads 0/30 at first, not 120/30. The target is known only for runs this window started.
 */
import type { FrozenTrial } from '../../core/study/trial';
import { formatValue } from '../../cli/format';

export interface RunProgress {
  readonly studyName: string;
  /** Trials of this run that finished (complete, pruned or failed). */
  readonly done: number;
  /** Trials this run was asked for, when known. */
  readonly target?: number;
  readonly running: number;
  readonly pruned: number;
  readonly failed: number;
  /** The study's best objective value so far. */
  readonly best?: number;
}

/** Trials started at or after `since` (epoch ms), counted by outcome. */
export function runProgress(studyName: string, trials: readonly FrozenTrial[], since: number, best: number | undefined, target?: number): RunProgress {
  let done = 0;
  let running = 0;
  let pruned = 0;
  let failed = 0;
  // A second of slack: the engine records its start just before it creates the first trial,
  // and both times come from the same clock, but journals written elsewhere may round.
  const from = since - 1000;
  for (const t of trials) {
    if (!t.datetimeStart || t.datetimeStart.getTime() < from) continue;
    if (t.state === 'running') running++;
    else if (t.state !== 'waiting') done++;
    if (t.state === 'pruned') pruned++;
    if (t.state === 'fail') failed++;
  }
  return { studyName, done, running, pruned, failed, ...(target === undefined ? {} : { target }), ...(best === undefined ? {} : { best }) };
}

export function statusText(progress: RunProgress, otherRunning = 0): string {
  const parts = [progress.target === undefined ? `${progress.done} done` : `${progress.done}/${progress.target}`];
  if (progress.running > 0) parts.push(`${progress.running} running`);
  if (progress.pruned > 0) parts.push(`${progress.pruned} pruned`);
  if (progress.failed > 0) parts.push(`${progress.failed} failed`);
  if (progress.best !== undefined) parts.push(`best ${formatValue(progress.best)}`);
  const more = otherRunning > 0 ? ` (+${otherRunning} more)` : '';
  return `$(sync~spin) Tunekit: ${parts.join(' · ')}${more}`;
}

export function statusTooltip(progresses: readonly RunProgress[]): string {
  return progresses
    .map((p) => `${p.studyName}: ${statusText(p).replace(/^\$\(sync~spin\) Tunekit: /, '')}`)
    .concat(['Click to open the dashboard'])
    .join('\n');
}
