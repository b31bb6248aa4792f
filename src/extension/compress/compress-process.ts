/**
 * Runs one `tunekit prune|quantize ... --json` as a child process and reads its JSON lines
 * (compress-json-lines.ts) as they come. The child gets its own process group, so a cancel
 * reaches everything it started (the PyTorch helper's Python included): SIGTERM to the group,
 * then SIGKILL if it is still there after a grace period. Nothing is written half-way by a
 * cancel, because the CLI writes to a temporary name and links it into place only when done
 * (src/compress/atomic-write.ts). No vscode here: tests run it from plain Node.
 */
import { execa } from 'execa';
import type { CompressionProgress, CompressionReport } from '../../protocol/compression';
import { CompressJsonLineReader } from './compress-json-lines';

export interface CompressProcessOptions {
  /** The Node binary (VS Code's `process.execPath`; ELECTRON_RUN_AS_NODE=1 goes in `env`). */
  readonly node: string;
  /** From compressCliArgs. */
  readonly args: readonly string[];
  readonly cwd: string;
  /** Added to this process's environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly onProgress?: (progress: CompressionProgress) => void;
  /** Lines that were not the CLI's JSON events, and stderr lines: for the log. */
  readonly onLog?: (line: string) => void;
  /** The child's pid, once started (for the log). */
  readonly onStart?: (pid: number) => void;
  /** Aborting kills the child's process group. */
  readonly signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL on cancel. */
  readonly killGraceMs?: number;
}

export type CompressOutcome =
  | { readonly kind: 'report'; readonly report: CompressionReport }
  /** The CLI's own error: its message says what, where and what to do. */
  | { readonly kind: 'error'; readonly reason: string; readonly message: string; readonly stderr: string }
  | { readonly kind: 'cancelled' }
  /** It ended without a report or an error line (killed, crashed, not started). */
  | { readonly kind: 'crashed'; readonly message: string; readonly stderr: string };

/** Enough of stderr for a crash's cause (a Python traceback's last frames). */
const STDERR_TAIL = 16_384;

export async function runCompressProcess(options: CompressProcessOptions): Promise<CompressOutcome> {
  let report: CompressionReport | undefined;
  let error: { reason: string; message: string } | undefined;
  let stderr = '';
  const reader = new CompressJsonLineReader({
    event: (event) => {
      if (event.type === 'progress') options.onProgress?.(event.progress);
      else if (event.type === 'report') report = event.report;
      else error = { reason: event.reason, message: event.message };
    },
    ignored: (line, why) => options.onLog?.(`ignored a line of the CLI's output (${why}): ${line.length > 500 ? `${line.slice(0, 500)}…` : line}`),
  });
  if (options.signal?.aborted) return { kind: 'cancelled' };

  const posix = process.platform !== 'win32';
  const child = execa(options.node, [...options.args], {
    cwd: options.cwd,
    env: { ...options.env },
    extendEnv: true,
    // Its own process group (POSIX), so a cancel can signal its children too.
    detached: posix,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    windowsHide: true,
    encoding: 'utf8',
  });
  if (child.pid !== undefined) options.onStart?.(child.pid);
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => reader.push(chunk));
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });

  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const signalTree = (signal: NodeJS.Signals): void => {
    const pid = child.pid;
    if (pid === undefined) return;
    try {
      if (posix) process.kill(-pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  const onAbort = (): void => {
    cancelled = true;
    signalTree('SIGTERM');
    killTimer = setTimeout(() => signalTree('SIGKILL'), options.killGraceMs ?? 3000);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const result = await child;
    reader.end();
    for (const line of stderr.split('\n')) if (line.trim() !== '') options.onLog?.(`cli: ${line}`);
    if (cancelled) return { kind: 'cancelled' };
    if (report && result.exitCode === 0) return { kind: 'report', report };
    if (error) return { kind: 'error', ...error, stderr };
    const how =
      result.exitCode !== undefined
        ? `exit code ${result.exitCode}`
        : result.signal !== undefined
          ? `signal ${result.signal}`
          : (result.shortMessage ?? 'an unknown reason');
    const cause = causeLine(stderr);
    return { kind: 'crashed', message: `the tunekit CLI stopped with ${how} without a report${cause ? `: ${cause}` : ''}`, stderr };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (killTimer) clearTimeout(killTimer);
    // The group may hold a grandchild that outlived the CLI (a helper it left behind on a crash).
    if (cancelled) signalTree('SIGKILL');
  }
}

/**
 * The line of a crash's stderr that says what went wrong: the last one naming an error, past
 * the stack frames and Node's closing "Node.js v20..." line; else the last meaningful line.
 */
export function causeLine(stderr: string): string | undefined {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('at ') && !/^Node\.js v\d/.test(l) && !/^[\^{}]+$/.test(l));
  return [...lines].reverse().find((l) => /\b\w*(Error|Exception)\b|error:/.test(l)) ?? lines.pop();
}
