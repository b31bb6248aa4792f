/**
 * Where a trial's side files live: next to the journal, one folder per study and trial, so the
 * journal stays Optuna's format while logs and per-step metrics of every metric stay at hand.
 *   runs.journal
 *   runs.journal.trials/<study>/trial-0007/{stdout.log, stderr.log, metrics.jsonl, control}
 */
import * as path from 'node:path';

export interface TrialFiles {
  readonly dir: string;
  readonly stdout: string;
  readonly stderr: string;
  /** One JSON line per report: {"step": 3, "metrics": {"loss": 0.2, "acc": 0.9}}. */
  readonly metrics: string;
  /** The engine writes "prune" here to ask the trial to stop (see trial-protocol.ts). */
  readonly control: string;
}

export function trialFiles(journalPath: string, studyName: string, trialNumber: number): TrialFiles {
  const safeStudy = studyName.replace(/[^\w.-]+/g, '_');
  const dir = path.join(`${journalPath}.trials`, safeStudy, `trial-${String(trialNumber).padStart(4, '0')}`);
  return {
    dir,
    stdout: path.join(dir, 'stdout.log'),
    stderr: path.join(dir, 'stderr.log'),
    metrics: path.join(dir, 'metrics.jsonl'),
    control: path.join(dir, 'control'),
  };
}
