/**
 * Picks up after an engine that died (kill -9, power loss): its trials are still RUNNING in the
 * journal. Each trial records which engine runs it (host and pid); a trial whose engine is gone
 * is marked failed with the reason, and optionally queued again with the same parameters.
 * Trials run by a live engine, or by something other than Tunekit, are left alone.
 *
 * A trial runs in its own process group, so it outlives a killed engine. Its group is killed
 * here too, but only after /proc confirms the process is still that trial (its environment
 * holds the trial's control-file path): a pid may have been reused since.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { JsonValue, ParamValue } from '../core/space/distributions';
import type { Study } from '../core/study/study';
import { TRIAL_ENV } from '../protocol/trial-protocol';
import { trialFiles } from './trial-files';
import { isProcessRunning } from './process/process-alive';

/** Trial system attribute: the engine process that runs the trial. */
export const ENGINE_ATTR = 'tunekit:engine';
/** Trial system attribute: the trial's own process (the leader of its process group). */
export const PROCESS_ATTR = 'tunekit:process';

export interface EngineIdentity {
  readonly host: string;
  readonly pid: number;
}

export function currentEngine(): EngineIdentity {
  return { host: os.hostname(), pid: process.pid };
}

export interface RecoveredTrial {
  readonly number: number;
  readonly requeuedAs?: number;
}

export function recoverAbandonedTrials(study: Study, options: { requeue: boolean; journalPath: string }): RecoveredTrial[] {
  study.sync();
  const me = currentEngine();
  const recovered: RecoveredTrial[] = [];
  for (const trial of study.trials) {
    if (trial.state !== 'running') continue;
    const owner = trial.systemAttrs[ENGINE_ATTR] as { host?: JsonValue; pid?: JsonValue } | undefined;
    if (!owner || owner.host !== me.host || typeof owner.pid !== 'number') continue;
    // Our own pid in a record made before this run started belongs to an earlier engine.
    if (owner.pid !== process.pid && isProcessRunning(owner.pid)) continue;
    killOrphanedTrial(trial.systemAttrs[PROCESS_ATTR], trialFiles(options.journalPath, study.name, trial.number).control);
    study.tell(trial.number, { state: 'fail', reason: `the engine running it (pid ${owner.pid}) stopped before the trial finished` });
    const requeuedAs = options.requeue ? study.enqueue(trial.params as Record<string, ParamValue>) : undefined;
    recovered.push(requeuedAs === undefined ? { number: trial.number } : { number: trial.number, requeuedAs });
  }
  return recovered;
}

function killOrphanedTrial(recorded: JsonValue | undefined, controlFile: string): void {
  const proc = recorded as { host?: JsonValue; pid?: JsonValue } | undefined;
  if (!proc || proc.host !== os.hostname() || typeof proc.pid !== 'number') return;
  // The leader may be gone already (an orphan dies on its next write to the dead engine's pipe)
  // while a child it started lives on in the group; any member carrying the trial's
  // environment proves the group is still this trial's.
  const marker = `${TRIAL_ENV.controlFile}=${controlFile}`;
  if (!processGroupMembers(proc.pid).some((pid) => readEnviron(pid).includes(marker))) return;
  try {
    process.kill(-proc.pid, 'SIGKILL');
  } catch {
    // The group ended between the check and the kill.
  }
}

/** Pids whose process group is `pgid`, from /proc (empty where there is no /proc). */
function processGroupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[2]) === pgid && fields[0] !== 'Z';
    } catch {
      return false;
    }
  });
}

function readEnviron(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}
