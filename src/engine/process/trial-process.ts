/**
 * One trial as an operating-system process. The trial runs in its own process group (execa with
 * `detached: true`, i.e. setsid), so stopping it reaches everything it started: DataLoader
 * workers, `torchrun` ranks, a shell's children. Stopping is SIGTERM to the group, then SIGKILL
 * to the group after a grace period; the Python client turns SIGTERM into a clean "pruned" exit.
 *
 * A trial is over when its main process exits. Whatever it left running in its group is killed
 * at that moment, so a finished trial cannot keep holding a GPU the next trial was promised, and
 * an orphan holding the stdout pipe cannot keep `exited` pending (the pipes get a short drain
 * window, then are closed).
 *
 * stdout and stderr are appended to their log files byte for byte and split into lines for the
 * callbacks. Nothing here throws for a trial that cannot start: a missing command, a missing
 * working directory or an unwritable log file all resolve `exited` with `spawnError`, which the
 * study records as the trial's failure reason.
 *
 * Only Unix process groups are handled; on Windows the main process alone is signalled.
 */
import { createWriteStream, mkdirSync, openSync, statSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { LineSplitter } from './line-splitter';
import type { LineEnd } from './line-splitter';

export interface TrialProcessOptions {
  /** Executable: a name looked up on PATH, or a path. Never run through a shell. */
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Added to the engine's own environment (PATH, HOME, an active venv...) unless extendEnv is false. */
  readonly env: Readonly<Record<string, string>>;
  readonly extendEnv?: boolean;
  readonly stdoutPath: string;
  /** May equal stdoutPath: both streams then interleave in one file. */
  readonly stderrPath: string;
  /** Wall-clock limit; when it passes the trial is terminated with reason 'timeout'. */
  readonly timeoutMs?: number;
  /** SIGTERM-to-SIGKILL grace used by the timeout. Default 10 s. */
  readonly timeoutGraceMs?: number;
  readonly onStdoutLine?: (line: string) => void;
  readonly onStderrLine?: (line: string) => void;
}

export interface TrialExit {
  /** null when the process was killed by a signal or never started. */
  readonly exitCode: number | null;
  /** Signal name (e.g. 'SIGKILL') when the main process died from one. */
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** The reason given to the first terminate() (or 'timeout' / 'disposed'); absent for a natural exit. */
  readonly terminatedBy?: string;
  /** Last lines of stderr (at most 40 lines / 4 KiB), progress-bar redraws left out. */
  readonly stderrTail: string;
  /** Why the process could not be started, for the user, e.g. `command not found: foo`. */
  readonly spawnError?: string;
  /** First exception thrown by a line callback; the stream kept going. */
  readonly callbackError?: string;
  readonly durationMs: number;
}

export interface TrialProcess {
  /** Also the process group id. Undefined when the process never started. */
  readonly pid: number | undefined;
  /** Resolves once the process has exited, its output is drained and the log files are closed. Never rejects. */
  readonly exited: Promise<TrialExit>;
  /**
   * SIGTERM to the whole group now, SIGKILL to the group after `graceMs`. Resolves with
   * `exited`. Later calls never lengthen an earlier deadline.
   */
  terminate(reason: string, graceMs: number): Promise<void>;
  /**
   * Kills the group at once and releases pipes, timers and handles; `exited` still settles.
   * Safe to call repeatedly and after exit.
   */
  dispose(): void;
}

const TAIL_LINES = 40;
const TAIL_CHARS = 4096;
/** How long output may keep flowing after the main process exited, from an escaped orphan. */
const DRAIN_MS = 2000;
const DEFAULT_TIMEOUT_GRACE_MS = 10_000;
/** How long dispose() waits for a SIGKILLed process to be reported dead before giving up on it. */
const DISPOSE_WAIT_MS = 1000;

export function startTrialProcess(options: TrialProcessOptions): TrialProcess {
  return new LocalTrialProcess(options);
}

/** Groups still running, killed if the engine exits first (execa's own cleanup skips detached children). */
const liveGroups = new Set<LocalTrialProcess>();
let exitHookInstalled = false;

function trackLive(trial: LocalTrialProcess): void {
  liveGroups.add(trial);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' covers process.exit() and a natural end; signals that kill the engine without it
  // running JavaScript are the CLI's to handle (it should dispose its trials on SIGINT/SIGTERM).
  process.once('exit', () => {
    for (const live of liveGroups) live.dispose();
  });
}

class LocalTrialProcess implements TrialProcess {
  readonly exited: Promise<TrialExit>;
  private readonly startedAt = Date.now();
  private pidValue: number | undefined;
  private resolveExited!: (exit: TrialExit) => void;
  private subprocess: ReturnType<typeof execa> | undefined;
  private readonly logs: WriteStream[] = [];
  private readonly tail: string[] = [];
  private tailChars = 0;
  private terminatedBy: string | undefined;
  private timedOut = false;
  private callbackError: string | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private killDeadline = Number.POSITIVE_INFINITY;
  private mainExited = false;
  private finished = false;
  private disposed = false;

  constructor(private readonly options: TrialProcessOptions) {
    this.exited = new Promise<TrialExit>((resolveExit) => {
      this.resolveExited = resolveExit;
    });
    this.start();
  }

  get pid(): number | undefined {
    return this.pidValue;
  }

  terminate(reason: string, graceMs: number): Promise<void> {
    const done = this.exited.then(() => undefined);
    if (this.mainExited || this.finished || this.pidValue === undefined) return done;
    this.terminatedBy ??= reason;
    // Once stopping, the wall-clock limit is moot; it must not relabel a pruned trial as timed out.
    clearTimeout(this.timeoutTimer);
    this.signalGroup('SIGTERM');
    const deadline = Date.now() + Math.max(0, graceMs);
    if (deadline < this.killDeadline) {
      this.killDeadline = deadline;
      clearTimeout(this.killTimer);
      this.killTimer = setTimeout(() => this.signalGroup('SIGKILL'), Math.max(0, graceMs));
      // The child's own handle keeps Node alive while it runs; the timer must not outlive it.
      this.killTimer.unref();
    }
    return done;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    liveGroups.delete(this);
    this.clearTimers();
    if (!this.mainExited && this.pidValue !== undefined) {
      this.terminatedBy ??= 'disposed';
      this.signalGroup('SIGKILL');
    }
    const subprocess = this.subprocess;
    if (subprocess === undefined || this.finished) return;
    // Closed pipes: an orphan that escaped the group cannot keep the engine alive through them.
    subprocess.stdout?.destroy();
    subprocess.stderr?.destroy();
    // SIGKILL normally ends the process within milliseconds and 'exit' settles `exited` with the
    // real status. A process stuck in the kernel (a hung GPU driver, a dead NFS mount) cannot
    // die; then stop waiting, so neither `exited` nor the engine's own exit hangs on it.
    const fallback = setTimeout(() => {
      subprocess.unref();
      void this.closeLogs().then(() => this.finish({ exitCode: null, signal: null }));
    }, DISPOSE_WAIT_MS);
    fallback.unref();
  }

  private start(): void {
    const { options } = this;
    const stdoutLog = this.openLog(options.stdoutPath);
    if (typeof stdoutLog === 'string') return this.failToStart(stdoutLog);
    const stderrLog =
      resolve(options.stderrPath) === resolve(options.stdoutPath) ? stdoutLog : this.openLog(options.stderrPath);
    if (typeof stderrLog === 'string') return this.failToStart(stderrLog);

    const subprocess = execa(options.file, [...options.args], {
      cwd: options.cwd,
      env: { ...options.env },
      extendEnv: options.extendEnv ?? true,
      detached: true,
      cleanup: false,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      forceKillAfterDelay: false,
      windowsHide: true,
    });
    this.subprocess = subprocess;
    this.pidValue = subprocess.pid;
    if (subprocess.pid === undefined) {
      // execa resolves (reject: false) with the spawn error; 'exit' never fires in this case.
      void subprocess.then(
        (result) => this.failToStart(describeSpawnError(options, result.code, result.originalMessage)),
        (err: unknown) => this.failToStart(describeSpawnError(options, undefined, String(err))),
      );
      return;
    }
    // With reject: false execa only settles; keep any internal rejection from going unhandled.
    void subprocess.then(
      () => undefined,
      () => undefined,
    );
    trackLive(this);

    const stdout = subprocess.stdout as Readable;
    const stderr = subprocess.stderr as Readable;
    const outLines = new LineSplitter((line) => this.deliver(options.onStdoutLine, line));
    const errLines = new LineSplitter((line, end) => {
      this.keepTail(line, end);
      this.deliver(options.onStderrLine, line);
    });
    pump(stdout, stdoutLog, outLines);
    pump(stderr, stderrLog, errLines);

    if (options.timeoutMs !== undefined && Number.isFinite(options.timeoutMs)) {
      this.timeoutTimer = setTimeout(() => {
        this.timedOut = true;
        void this.terminate('timeout', options.timeoutGraceMs ?? DEFAULT_TIMEOUT_GRACE_MS);
      }, Math.max(0, options.timeoutMs));
      this.timeoutTimer.unref();
    }

    subprocess.once('exit', (exitCode: number | null, signal: NodeJS.Signals | null) => {
      this.mainExited = true;
      this.clearTimers();
      // Orphans left in the group die with the trial; see the file comment.
      this.signalGroup('SIGKILL');
      void drain([stdout, stderr], DRAIN_MS).then(async () => {
        outLines.end();
        errLines.end();
        await this.closeLogs();
        liveGroups.delete(this);
        this.finish({ exitCode, signal });
      });
    });
  }

  private openLog(path: string): WriteStream | string {
    try {
      mkdirSync(dirname(path), { recursive: true });
      // Opened synchronously so a bad path fails here, before the trial starts, not later as a stream error.
      const stream = createWriteStream('', { fd: openSync(path, 'a') });
      // A full disk must not crash the engine; the trial keeps running and its lines still parse.
      stream.on('error', () => undefined);
      this.logs.push(stream);
      return stream;
    } catch (err) {
      return `cannot open the trial log ${path}: ${(err as Error).message}; check that the study directory is writable`;
    }
  }

  private failToStart(spawnError: string): void {
    void this.closeLogs().then(() => this.finish({ exitCode: null, signal: null, spawnError }));
  }

  private finish(result: { exitCode: number | null; signal: string | null; spawnError?: string }): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimers();
    const exit: TrialExit = {
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: this.timedOut,
      stderrTail: this.tailText(),
      durationMs: Date.now() - this.startedAt,
      ...(this.terminatedBy !== undefined ? { terminatedBy: this.terminatedBy } : {}),
      ...(result.spawnError !== undefined ? { spawnError: result.spawnError } : {}),
      ...(this.callbackError !== undefined ? { callbackError: this.callbackError } : {}),
    };
    this.resolveExited(exit);
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.pidValue;
    if (pid === undefined) return;
    try {
      if (process.platform === 'win32') this.subprocess?.kill(signal);
      else process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone, which is the goal.
    }
  }

  private deliver(callback: ((line: string) => void) | undefined, line: string): void {
    if (callback === undefined) return;
    try {
      callback(line);
    } catch (err) {
      this.callbackError ??= err instanceof Error ? (err.stack ?? err.message) : String(err);
    }
  }

  private keepTail(line: string, end: LineEnd): void {
    // A line ended by a lone \r was redrawn over on screen; it would crowd the traceback out.
    if (end === 'cr') return;
    this.tail.push(line);
    this.tailChars += line.length + 1;
    while (this.tail.length > TAIL_LINES || (this.tailChars > TAIL_CHARS && this.tail.length > 1)) {
      this.tailChars -= (this.tail.shift() as string).length + 1;
    }
  }

  private tailText(): string {
    const text = this.tail.join('\n');
    return text.length > TAIL_CHARS ? text.slice(text.length - TAIL_CHARS) : text;
  }

  private async closeLogs(): Promise<void> {
    const streams = this.logs.splice(0);
    await Promise.all(
      streams.map(
        (stream) =>
          new Promise<void>((done) => {
            if (stream.closed || stream.destroyed) return done();
            stream.once('close', () => done());
            stream.end();
          }),
      ),
    );
  }

  private clearTimers(): void {
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.killTimer);
    this.timeoutTimer = undefined;
    this.killTimer = undefined;
  }
}

function pump(stream: Readable, log: WriteStream, lines: LineSplitter): void {
  stream.on('data', (chunk: Buffer) => {
    log.write(chunk);
    lines.push(chunk);
  });
  // EPIPE / destroy after dispose: the output simply ends.
  stream.on('error', () => undefined);
}

/** Waits until every stream has closed, or `ms` passed; then closes what is left. */
async function drain(streams: readonly Readable[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closed = Promise.all(
    streams.map(
      (stream) =>
        new Promise<void>((done) => {
          if (stream.closed || stream.destroyed) return done();
          stream.once('close', () => done());
        }),
    ),
  );
  const timeout = new Promise<void>((done) => {
    timer = setTimeout(done, ms);
  });
  await Promise.race([closed, timeout]);
  clearTimeout(timer);
  for (const stream of streams) if (!stream.destroyed) stream.destroy();
}

function describeSpawnError(options: TrialProcessOptions, code: string | undefined, message: string | undefined): string {
  if (!isDirectory(options.cwd)) {
    return `working directory does not exist: ${options.cwd}; create it or fix the study's cwd`;
  }
  switch (code) {
    case 'ENOENT':
      return `command not found: ${options.file} (not on PATH and not a file relative to ${options.cwd}); install it or give its full path`;
    case 'EACCES':
      return `permission denied: ${options.file} is not executable; run it through its interpreter (e.g. python3 script.py) or chmod +x it`;
    default:
      return `could not start ${options.file}: ${message ?? code ?? 'unknown error'}`;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
