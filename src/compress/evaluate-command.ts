/**
 * Runs the study's evaluation command (src/protocol/study-file.ts EvaluateSpec) on the original
 * and on the compressed checkpoint, and reads the metric from its output with the same parser
 * that reads trial metrics (src/engine/metrics/metric-line-parser.ts), so a script that already
 * prints `accuracy=0.97` for tuning needs no change. A failing command is the user's script
 * failing, not Tunekit's job: it becomes a warning with its stderr, and the report goes on.
 */
import { execa } from 'execa';
import type { AccuracyFigures } from '../protocol/compression';
import type { EvaluateSpec } from '../protocol/study-file';
import { EVALUATE_MODEL_PLACEHOLDER } from '../protocol/study-file';
import { parseMetricLine } from '../engine/metrics/metric-line-parser';

export const DEFAULT_EVALUATE_TIMEOUT_MS = 10 * 60 * 1000;
/** Lines of stderr quoted in a warning: the end of a traceback says what went wrong. */
const STDERR_TAIL_LINES = 12;

export interface EvaluateOptions {
  /** The study file's folder. */
  cwd: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type EvaluateOutcome = { ok: true; value: number } | { ok: false; problem: string };

/** The argv with `{model}` replaced by the checkpoint path in every argument. */
export function evaluateArgv(spec: EvaluateSpec, model: string): string[] {
  return spec.command.map((arg) => arg.split(EVALUATE_MODEL_PLACEHOLDER).join(model));
}

/** The last value of `metric` among the output's lines, or undefined. */
export function metricFromOutput(stdout: string, metric: string): number | undefined {
  let value: number | undefined;
  for (const line of stdout.split('\n')) {
    const message = parseMetricLine(line);
    if (message === null || message.kind === 'pruned') continue;
    const v = message.metrics[metric];
    if (v !== undefined) value = v;
  }
  return value;
}

/** Runs the command once for `model`. Never throws for a failing command. */
export async function runEvaluateCommand(spec: EvaluateSpec, model: string, options: EvaluateOptions): Promise<EvaluateOutcome> {
  const [program, ...args] = evaluateArgv(spec, model);
  if (program === undefined) return { ok: false, problem: 'the evaluation command is empty' };
  const shown = [program, ...args].join(' ');
  const result = await execa(program, args, {
    cwd: options.cwd,
    reject: false,
    timeout: options.timeoutMs ?? DEFAULT_EVALUATE_TIMEOUT_MS,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    stdin: 'ignore',
    // SIGTERM first (timeout, cancel), SIGKILL 5 s later if the script ignores it.
    forceKillAfterDelay: 5000,
    maxBuffer: 64 * 1024 * 1024,
    stripFinalNewline: false,
  });
  if (result.failed) {
    const why = failureReason(result, program, options);
    return { ok: false, problem: `\`${shown}\` ${why}${stderrTail(String(result.stderr ?? ''))}` };
  }
  const value = metricFromOutput(String(result.stdout ?? ''), spec.metric);
  if (value === undefined) {
    return { ok: false, problem: `\`${shown}\` printed no "${spec.metric}" line (expected e.g. ${spec.metric}=0.97 or {"${spec.metric}": 0.97})${stderrTail(String(result.stderr ?? ''))}` };
  }
  return { ok: true, value };
}

export interface EvaluationFigures {
  accuracy?: AccuracyFigures;
  warnings: string[];
}

/** Runs the evaluation on both checkpoints, one after the other (they would compete for the same cores). */
export async function evaluateBeforeAfter(spec: EvaluateSpec, original: string, compressed: string, options: EvaluateOptions & { onStep?: (done: number) => void }): Promise<EvaluationFigures> {
  const before = await runEvaluateCommand(spec, original, options);
  options.onStep?.(1);
  if (!before.ok) return { warnings: [`the evaluation command failed on the original checkpoint, so there is no before / after metric: ${before.problem}`] };
  const after = await runEvaluateCommand(spec, compressed, options);
  options.onStep?.(2);
  if (!after.ok) return { warnings: [`the evaluation command failed on the compressed checkpoint: ${after.problem}`] };
  return { accuracy: { source: 'eval-command', metric: spec.metric, before: before.value, after: after.value }, warnings: [] };
}

function failureReason(
  result: { timedOut: boolean; isCanceled: boolean; exitCode?: number | undefined; signal?: string | undefined; shortMessage?: string | undefined },
  program: string,
  options: EvaluateOptions,
): string {
  const timeoutMs = options.timeoutMs ?? DEFAULT_EVALUATE_TIMEOUT_MS;
  if (result.timedOut) return `timed out after ${(timeoutMs / 1000).toFixed(timeoutMs < 10_000 ? 1 : 0)} s`;
  if (result.isCanceled) return 'was cancelled';
  if ((result as { code?: string }).code === 'ENOENT') return `could not start: "${program}" was not found (run from ${options.cwd})`;
  if (result.exitCode !== undefined) return `exited with code ${result.exitCode}`;
  return `failed (${result.signal ?? result.shortMessage ?? "unknown reason"})`;
}

function stderrTail(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return '';
  return `; stderr ends with:\n${lines.slice(-STDERR_TAIL_LINES).join('\n')}`;
}
