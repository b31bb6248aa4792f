/**
 * Starts the engine as a process of its own (DESIGN.md: "the engine is its own process"):
 * detached into its own process group, with stdout and stderr going straight to a log file
 * descriptor rather than through pipes, and unreferenced. So closing or reloading the window,
 * or a crash of the extension host, neither kills it nor blocks it on a full pipe; the journal
 * is how the editor finds it again. No vscode here: tests start it from plain Node.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execa } from 'execa';

export interface EngineProcessOptions {
  /** The Node binary (VS Code's `process.execPath` with ELECTRON_RUN_AS_NODE=1 in `env`). */
  readonly node: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Added to this process's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Appended to: earlier runs of the study stay above. */
  readonly logFile: string;
}

export interface EngineExit {
  /** Undefined when a signal ended it, or it never started. */
  readonly exitCode?: number;
  readonly signal?: string;
  /** Set when the process could not be started at all (ENOENT, EACCES...). */
  readonly startError?: string;
}

export interface EngineProcess {
  /** Undefined when it could not be started (then `exited` says why). */
  readonly pid: number | undefined;
  /**
   * Resolves once, when the engine exits; never rejects. The child is unreferenced, so this
   * settles only while something else keeps this process alive (as the extension host does).
   */
  readonly exited: Promise<EngineExit>;
}

export function startEngineProcess(options: EngineProcessOptions): EngineProcess {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  // Names the run in the log, so a user reading it knows which start an error belongs to.
  fs.appendFileSync(options.logFile, `\n# ${new Date().toISOString()} ${[options.node, ...options.args].map(quoteForLog).join(' ')}\n`);
  // execa's types accept only literal descriptors 3-9 for stdout/stderr, its runtime any integer
  // (it hands numbers to child_process as they are): the cast is for the type checker only.
  const fd = fs.openSync(options.logFile, 'a') as 3;
  try {
    const subprocess = execa(options.node, [...options.args], {
      cwd: options.cwd,
      env: { ...options.env },
      extendEnv: true,
      detached: true,
      cleanup: false,
      stdin: 'ignore',
      stdout: fd,
      stderr: fd,
      reject: false,
      windowsHide: true,
    });
    subprocess.unref();
    const exited = subprocess.then(
      (result): EngineExit => {
        if (result.failed && result.exitCode === undefined && result.signal === undefined) return { startError: result.shortMessage };
        return { ...(result.exitCode === undefined ? {} : { exitCode: result.exitCode }), ...(result.signal === undefined ? {} : { signal: result.signal }) };
      },
      (err: unknown): EngineExit => ({ startError: (err as Error).message }),
    );
    return { pid: subprocess.pid, exited };
  } finally {
    // The child has its own copy of the descriptor.
    fs.closeSync(fd);
  }
}

/** Readable, not executable: only for the log's header line. */
function quoteForLog(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

/** The last `lines` lines of a log, for an error message; empty when unreadable. */
export function logTail(file: string, lines = 12): string {
  try {
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    try {
      const length = Math.min(size, 16_384);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}
