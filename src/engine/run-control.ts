/**
 * Requests to a running engine from outside it (the VS Code extension, the dashboard, another
 * terminal), carried by the journal itself: a system attribute on the trial or the study. The
 * engine reads the journal every half second, so a request reaches it wherever it runs and
 * whoever started it, with no socket or shared memory to set up (DESIGN.md, "control").
 *
 * An engine also leaves `engine.json` in the study's side folder while it runs, so a watcher
 * can tell a study that is running from one that was left unfinished.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JsonValue } from '../core/space/distributions';
import type { Study } from '../core/study/study';
import type { FrozenTrial } from '../core/study/trial';
import { isProcessRunning } from './process/process-alive';
import { trialFiles } from './trial-files';

/** Trial system attribute: stop this trial (it ends as pruned, with the request kept). */
export const STOP_TRIAL_ATTR = 'tunekit:stop_requested';
/** Study system attribute: stop the engines running this study (epoch ms of the request). */
export const STOP_STUDY_ATTR = 'tunekit:stop_requested';

export function requestStopTrial(study: Study, number: number, by: string): void {
  study.setTrialSystemAttr(number, STOP_TRIAL_ATTR, { at: Date.now(), by });
}

export function requestStopStudy(study: Study, by: string): void {
  study.setSystemAttr(STOP_STUDY_ATTR, { at: Date.now(), by });
}

export function stopTrialRequested(trial: FrozenTrial): boolean {
  return trial.systemAttrs[STOP_TRIAL_ATTR] !== undefined;
}

/** A stop request made after `sinceMs` (an older one was for an earlier run). */
export function stopStudyRequestedSince(study: Study, sinceMs: number): boolean {
  const request = study.systemAttrs[STOP_STUDY_ATTR] as { at?: JsonValue } | undefined;
  return typeof request?.at === 'number' && request.at >= sinceMs;
}

export interface EngineStatus {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: number;
}

function engineStatusPath(journalPath: string, studyName: string): string {
  return path.join(path.dirname(trialFiles(journalPath, studyName, 0).dir), 'engine.json');
}

/** Marks the study as run by this process; returns the function that clears the mark. */
export function markEngineRunning(journalPath: string, studyName: string): () => void {
  const file = engineStatusPath(journalPath, studyName);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const status: EngineStatus = { pid: process.pid, host: os.hostname(), startedAt: Date.now() };
  fs.writeFileSync(file, JSON.stringify(status));
  return () => {
    try {
      const current = JSON.parse(fs.readFileSync(file, 'utf8')) as EngineStatus;
      if (current.pid === process.pid) fs.rmSync(file);
    } catch {
      // Already gone, or replaced by another engine: leave it.
    }
  };
}

/** The engine running this study on this host, if one is alive. */
export function runningEngine(journalPath: string, studyName: string): EngineStatus | undefined {
  try {
    const status = JSON.parse(fs.readFileSync(engineStatusPath(journalPath, studyName), 'utf8')) as EngineStatus;
    if (typeof status.pid !== 'number' || status.host !== os.hostname()) return undefined;
    return isProcessRunning(status.pid) ? status : undefined;
  } catch {
    return undefined;
  }
}
