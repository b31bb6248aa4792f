/**
 * The study loop: ask the study for parameters, launch the trial as its own process, feed its
 * stdout to the metric tracker, report the objective step by step, stop it when the pruner says
 * so, and tell the study how it ended. Up to `parallel` trials (and no more than the GPU slots
 * allow) run at once. Every outcome lands in the journal, with the reason for failures.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { JsonValue } from '../core/space/distributions';
import type { Study } from '../core/study/study';
import type { FrozenTrial } from '../core/study/trial';
import { PRUNE_REQUEST } from '../protocol/trial-protocol';
import { parseMetricLine } from './metrics/metric-line-parser';
import type { FinalValueMode } from './metrics/metric-tracker';
import { MetricTracker } from './metrics/metric-tracker';
import type { InjectionSpec } from '../protocol/study-file';
import { buildParamEnv } from './injection/env-injection';
import { InjectionError } from './injection/injection-error';
import type { TrialInvocation } from './injection/trial-invocation';
import { buildTrialInvocation } from './injection/trial-invocation';
import type { TrialExit, TrialProcess } from './process/trial-process';
import { startTrialProcess } from './process/trial-process';
import type { GpuSlotAllocator } from './gpu/gpu-slots';
import { gpuEnv } from './gpu/gpu-slots';
import { pythonClientDir } from './python-client-path';
import { ENGINE_ATTR, PROCESS_ATTR, currentEngine } from './resume';
import { trialFiles } from './trial-files';
import { markEngineRunning, stopStudyRequestedSince, stopTrialRequested } from './run-control';
import type { RunEvent, RunSummary } from './run-events';

/** How often a running engine reads the journal for stop requests. */
const CONTROL_POLL_MS = 500;

/** Study user attribute: the metric the study optimises, for anyone who reads the journal. */
export const OBJECTIVE_ATTR = 'tunekit:objective';
/** Study user attribute: the absolute path of the script tuned, for apply-back. */
export const SCRIPT_ATTR = 'tunekit:script';

export interface TrialCommand {
  /** The program: an interpreter (python3) or an executable script. Never run through a shell. */
  readonly file: string;
  /** Arguments before the injected parameters (the script path, the user's fixed flags). */
  readonly args: readonly string[];
  readonly cwd: string;
  /** How parameters reach the script (see trial-invocation.ts); wins over `inject`. */
  readonly injection?: InjectionSpec;
  /** Shorthand for `injection` when it is left out. flags: --name value (the default); env: only the environment. */
  readonly inject?: 'flags' | 'env';
  readonly flagStyle?: 'space' | 'equals';
  /** Values passed to every trial but not tuned (the study file's "fixed"); parameters win. */
  readonly fixed?: Readonly<Record<string, JsonValue>>;
}

/** The injection a command asks for, the `inject` shorthand spelled out. */
export function commandInjection(command: TrialCommand): InjectionSpec {
  if (command.injection) return command.injection;
  if (command.inject === 'env') return { mode: 'env' };
  return { mode: 'flags', style: command.flagStyle ?? 'space' };
}

export interface RunOptions {
  readonly study: Study;
  readonly journalPath: string;
  readonly command: TrialCommand;
  readonly objective: string;
  readonly finalValue: FinalValueMode;
  /** New trials to run in this call. */
  readonly trials: number;
  readonly parallel: number;
  readonly trialTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when a trial is stopped. */
  readonly graceMs: number;
  /** null: no GPUs, trials run on the CPU. */
  readonly gpus: GpuSlotAllocator | null;
  readonly env?: Readonly<Record<string, string>>;
  /** Abort to stop the run: running trials are terminated and marked failed. */
  readonly signal?: AbortSignal;
  /** Abort to kill running trials at once, without the grace period. */
  readonly forceSignal?: AbortSignal;
  readonly onEvent?: (event: RunEvent) => void;
}

export async function runStudy(options: RunOptions): Promise<RunSummary> {
  const { study } = options;
  const emit = options.onEvent ?? (() => {});
  if (study.directions.length !== 1) throw new Error('the runner optimizes one objective; multi-objective runs come later');
  study.setUserAttr(OBJECTIVE_ATTR, options.objective);

  // One stop for both kinds of request: the caller's signal (Ctrl-C) and a request in the journal.
  const stop = new AbortController();
  const running = new Map<number, TrialProcess>();
  const stopAll = (graceMs: number): void => {
    for (const p of running.values()) void p.terminate('interrupted', graceMs);
  };
  const onStop = (): void => {
    stop.abort();
    stopAll(options.graceMs);
  };
  const onForce = (): void => stopAll(0);
  options.signal?.addEventListener('abort', onStop);
  options.forceSignal?.addEventListener('abort', onForce);
  if (options.signal?.aborted) onStop();
  const startedAt = Date.now();
  const unmark = markEngineRunning(options.journalPath, study.name);
  const control = setInterval(() => {
    study.sync();
    if (!stop.signal.aborted && stopStudyRequestedSince(study, startedAt)) {
      emit({ type: 'warning', message: 'stopping: the study was stopped from outside this engine' });
      onStop();
    }
    for (const [number, proc] of running) {
      if (stopTrialRequested(study.trial(number))) void proc.terminate('stopped', options.graceMs);
    }
  }, CONTROL_POLL_MS);
  control.unref();

  const counts = { started: 0, complete: 0, pruned: 0, failed: 0 };
  const active = new Set<Promise<void>>();
  try {
    while (!stop.signal.aborted && counts.started < options.trials && !study.isExhausted()) {
      if (active.size >= options.parallel) {
        await Promise.race(active);
        continue;
      }
      const gpus = options.gpus ? options.gpus.acquire() : [];
      if (gpus === null) {
        // Every GPU slot is taken: wait for a trial to finish and give its GPUs back.
        await Promise.race(active);
        continue;
      }
      counts.started++;
      const job = runTrial(options, gpus, running, stop.signal, emit)
        .then((trial) => {
          if (trial.state === 'complete') counts.complete++;
          else if (trial.state === 'pruned') counts.pruned++;
          else counts.failed++;
        })
        .finally(() => {
          options.gpus?.release(gpus);
          active.delete(job);
        });
      active.add(job);
    }
    await Promise.all(active);
  } finally {
    clearInterval(control);
    unmark();
    options.signal?.removeEventListener('abort', onStop);
    options.forceSignal?.removeEventListener('abort', onForce);
  }
  return { ...counts, interrupted: stop.signal.aborted };
}

async function runTrial(
  options: RunOptions,
  gpus: readonly number[],
  running: Map<number, TrialProcess>,
  stopped: AbortSignal,
  emit: (e: RunEvent) => void,
): Promise<FrozenTrial> {
  const { study, command } = options;
  const asked = study.ask();
  const number = asked.number;
  const files = trialFiles(options.journalPath, study.name, number);
  fs.mkdirSync(files.dir, { recursive: true });
  const fixed = command.fixed ?? {};
  let invocation: TrialInvocation;
  let paramEnv: Record<string, string>;
  try {
    invocation = buildTrialInvocation(commandInjection(command), command, asked.params, fixed, files.dir, { floatParams: floatParams(study) });
    // Fixed values travel with the parameters, so tunekit.params() sees the whole configuration.
    paramEnv = buildParamEnv({ ...fixed, ...asked.params }, study.name, number, files.control);
  } catch (err) {
    if (!InjectionError.is(err)) throw err;
    // This trial's values cannot be passed (a NUL in a choice, a key missing from a config copy):
    // the trial fails with the reason instead of the whole run stopping with it still running.
    emit({ type: 'trial-started', number, params: asked.params, gpus });
    const trial = study.tell(number, { state: 'fail', reason: err.message });
    emit({ type: 'trial-finished', trial, reason: err.message });
    return trial;
  }
  const args = invocation.args;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...options.env,
    ...paramEnv,
    ...invocation.env,
    ...gpuEnv(gpus),
    PYTHONPATH: [pythonClientDir(), process.env.PYTHONPATH].filter(Boolean).join(':'),
    // Without it Python block-buffers a piped stdout and metrics arrive only at exit.
    PYTHONUNBUFFERED: '1',
  };
  study.setTrialSystemAttr(number, ENGINE_ATTR, { ...currentEngine() });
  study.setTrialAttrs(number, {
    command: [invocation.file, ...args],
    log_dir: files.dir,
    host: os.hostname(),
    gpus: [...gpus],
    ...(invocation.files.length > 0 ? { injected_files: invocation.files } : {}),
  });
  emit({ type: 'trial-started', number, params: asked.params, gpus });

  const tracker = new MetricTracker({ objective: options.objective });
  let pruneRequested = false;
  let proc: TrialProcess | undefined;
  const metricsOut = fs.openSync(files.metrics, 'a');
  const onLine = (line: string): void => {
    const message = parseMetricLine(line);
    if (!message) return;
    const result = tracker.record(message);
    if (message.kind === 'report' && result.step !== null) {
      fs.writeSync(metricsOut, JSON.stringify({ step: result.step, metrics: jsonSafe(message.metrics) }) + '\n');
    }
    if (!result.objective || pruneRequested) return;
    study.report(number, result.objective.step, result.objective.value);
    emit({ type: 'trial-report', number, step: result.objective.step, value: result.objective.value });
    if (study.shouldPrune(number)) {
      pruneRequested = true;
      fs.writeFileSync(files.control, PRUNE_REQUEST);
      void proc?.terminate('pruned', options.graceMs);
    }
  };

  let exit: TrialExit;
  try {
    proc = startTrialProcess({
      file: invocation.file,
      args,
      cwd: command.cwd,
      env,
      stdoutPath: files.stdout,
      stderrPath: files.stderr,
      onStdoutLine: onLine,
      ...(options.trialTimeoutMs === undefined ? {} : { timeoutMs: options.trialTimeoutMs }),
    });
    running.set(number, proc);
    // Lets a later engine find and stop this trial's process group if this engine dies.
    if (proc.pid !== undefined) study.setTrialSystemAttr(number, PROCESS_ATTR, { host: os.hostname(), pid: proc.pid });
    if (stopped.aborted) void proc.terminate('interrupted', options.graceMs);
    exit = await proc.exited;
  } finally {
    if (proc) {
      running.delete(number);
      proc.dispose();
    }
    fs.closeSync(metricsOut);
  }

  const { trial, reason } = finishTrial(options, number, tracker, exit, pruneRequested);
  emit(reason === undefined ? { type: 'trial-finished', trial } : { type: 'trial-finished', trial, reason });
  return trial;
}

function finishTrial(
  options: RunOptions,
  number: number,
  tracker: MetricTracker,
  exit: TrialExit,
  pruneRequested: boolean,
): { trial: FrozenTrial; reason?: string } {
  const { study } = options;
  const attrs: Record<string, JsonValue> = { exit_code: exit.exitCode ?? null, signal: exit.signal ?? null };
  const fail = (reason: string): { trial: FrozenTrial; reason: string } => {
    if (exit.stderrTail) attrs.stderr_tail = exit.stderrTail;
    study.setTrialAttrs(number, attrs);
    return { trial: study.tell(number, { state: 'fail', reason }), reason };
  };

  if (exit.spawnError) return fail(exit.spawnError);
  if (exit.terminatedBy === 'interrupted') return fail('stopped by the user before it finished');
  if (pruneRequested) {
    study.setTrialAttrs(number, attrs);
    return { trial: study.tell(number, { state: 'pruned' }) };
  }
  // Stopped by a person (dashboard, tree view): its curve so far is still worth keeping, like
  // a pruned trial's, so it ends as pruned with the request on record.
  if (exit.terminatedBy === 'stopped') {
    study.setTrialAttrs(number, { ...attrs, stopped_by_user: true });
    return { trial: study.tell(number, { state: 'pruned' }) };
  }
  // The client reports "pruned" on any SIGTERM; one Tunekit did not send came from elsewhere
  // (a scheduler preempting, a user's kill), which is a failure, not a pruning decision.
  if (tracker.prunedAt) return fail('stopped by a SIGTERM that Tunekit did not send');
  if (exit.timedOut) return fail(`timed out after ${((options.trialTimeoutMs ?? 0) / 1000).toFixed(0)} s`);
  if (exit.exitCode !== 0) {
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
    const lastLine = exit.stderrTail.trim().split('\n').pop();
    return fail(lastLine ? `${how}: ${lastLine}` : how);
  }
  const outcome = tracker.finalValue(options.finalValue, study.directions[0] ?? 'minimize');
  if (outcome.kind !== 'value') return fail(outcome.reason);
  const finals = tracker.finalMetrics();
  if (Object.keys(finals).length > 0) attrs.final_metrics = jsonSafe(finals);
  study.setTrialAttrs(number, attrs);
  return { trial: study.tell(number, outcome.value) };
}

/** Names of the float parameters: their integral values are still written as floats (1.0). */
function floatParams(study: Study): ReadonlySet<string> {
  return new Set(study.space.parameters.filter((p) => p.distribution.type === 'float').map((p) => p.name));
}

/** JSON has no NaN or Infinity: keep them readable as strings in side files and attributes. */
function jsonSafe(metrics: Readonly<Record<string, number>>): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : String(v)]));
}
