/**
 * Optuna's JournalFileStorage, file for file: one JSON op per line, appended under the same
 * symlink lock Optuna uses (`<path>.lock`), so Tunekit processes and Optuna processes can write
 * one journal at the same time. Reads are incremental from the last whole line.
 *
 * Crash rules: a last line without its newline is a write torn by a crash (or one in flight,
 * if the lock is held). Readers skip it with a warning. The next writer, holding the lock,
 * moves those bytes to `<path>.torn-<time>` (nothing is lost) and truncates them away, because
 * Optuna refuses a file whose broken line is followed by more lines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { JournalBackend } from './journal-backend';
import { parseJournalJson, stringifyJournalJson } from './journal-json';

/** A journal line that is complete yet not a JSON object: the file was edited or damaged. */
export class JournalCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(
      `${file}:${line}: ${detail}. The journal is damaged at this line; ` +
        'Tunekit stops here rather than guess. Fix or remove the line (keep a copy), then retry.',
    );
    this.name = 'JournalCorruptError';
  }

  static is(err: unknown): err is JournalCorruptError {
    return err instanceof JournalCorruptError;
  }
}

/** Thrown when the lock stays taken for longer than the caller waits. */
export class JournalLockTimeoutError extends Error {
  constructor(readonly lockPath: string) {
    super(`timed out waiting for the journal lock ${lockPath}; if no Tunekit or Optuna process is writing, delete it`);
    this.name = 'JournalLockTimeoutError';
  }

  static is(err: unknown): err is JournalLockTimeoutError {
    return err instanceof JournalLockTimeoutError;
  }
}

export interface FileJournalOptions {
  /** Called with a human-readable message for recoverable problems (torn lines, stale locks). */
  onWarning?: (message: string) => void;
  /** A lock older than this is left by a dead process and may be broken. Optuna holds it for one write. */
  staleLockMs?: number;
  lockTimeoutMs?: number;
}

const READ_CHUNK = 1 << 20;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

export class FileJournal implements JournalBackend {
  readonly location: string;
  private readonly lockPath: string;
  private readonly onWarning: (message: string) => void;
  private readonly staleLockMs: number;
  private readonly lockTimeoutMs: number;
  /** Byte offset just past the last whole line handed out, and that line's number (1-based). */
  private offset = 0;
  private lineNumber = 0;
  private warnedTornAt = -1;

  constructor(file: string, options: FileJournalOptions = {}) {
    this.location = path.resolve(file);
    this.lockPath = this.location + '.lock';
    this.onWarning = options.onWarning ?? ((m) => process.emitWarning(m));
    this.staleLockMs = options.staleLockMs ?? 30_000;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
    fs.mkdirSync(path.dirname(this.location), { recursive: true });
    fs.closeSync(fs.openSync(this.location, 'a'));
  }

  readNew(): Record<string, unknown>[] {
    const ops: Record<string, unknown>[] = [];
    const fd = fs.openSync(this.location, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (size < this.offset) {
        throw new JournalCorruptError(this.location, this.lineNumber, 'the file shrank while open (was it replaced?)');
      }
      let pending = Buffer.alloc(0);
      let position = this.offset;
      while (position < size) {
        const chunk = Buffer.alloc(Math.min(READ_CHUNK, size - position));
        const n = fs.readSync(fd, chunk, 0, chunk.length, position);
        if (n === 0) break;
        position += n;
        pending = pending.length ? Buffer.concat([pending, chunk.subarray(0, n)]) : chunk.subarray(0, n);
        let start = 0;
        for (let nl = pending.indexOf(10, start); nl >= 0; nl = pending.indexOf(10, start)) {
          this.lineNumber++;
          const text = pending.toString('utf8', start, nl);
          this.offset += nl - start + 1;
          start = nl + 1;
          if (text.trim() === '') continue;
          ops.push(this.parseLine(text));
        }
        pending = pending.subarray(start);
      }
      if (pending.length > 0) this.noticeTornTail(pending.length);
    } finally {
      fs.closeSync(fd);
    }
    return ops;
  }

  append(ops: readonly Record<string, unknown>[]): void {
    if (ops.length === 0) return;
    const text = ops.map((op) => stringifyJournalJson(op) + '\n').join('');
    this.withLock(() => {
      this.setAsideTornTail();
      const fd = fs.openSync(this.location, 'a');
      try {
        const bytes = Buffer.from(text, 'utf8');
        let written = 0;
        while (written < bytes.length) written += fs.writeSync(fd, bytes, written);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  close(): void {}

  private parseLine(text: string): Record<string, unknown> {
    let value: unknown;
    try {
      value = parseJournalJson(text);
    } catch {
      throw new JournalCorruptError(this.location, this.lineNumber, `not valid JSON: ${preview(text)}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new JournalCorruptError(this.location, this.lineNumber, `expected a JSON object, got ${preview(text)}`);
    }
    return value as Record<string, unknown>;
  }

  private noticeTornTail(bytes: number): void {
    // A writer holding the lock may be mid-write; only an unlocked tail is really torn.
    if (fs.existsSync(this.lockPath) || this.warnedTornAt === this.offset) return;
    this.warnedTornAt = this.offset;
    this.onWarning(
      `${this.location}:${this.lineNumber + 1}: ignoring an incomplete last line (${bytes} bytes), ` +
        'left by a write that did not finish (crash or power loss); the next write sets it aside.',
    );
  }

  /** Under the lock: move an unterminated tail to a side file and cut it off. */
  private setAsideTornTail(): void {
    const size = fs.statSync(this.location).size;
    if (size === 0) return;
    const fd = fs.openSync(this.location, 'r+');
    try {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] === 10) return;
      let lineStart = size - 1;
      const probe = Buffer.alloc(Math.min(READ_CHUNK, size));
      while (lineStart > 0) {
        const from = Math.max(0, lineStart - probe.length);
        const n = fs.readSync(fd, probe, 0, lineStart - from, from);
        const nl = probe.subarray(0, n).lastIndexOf(10);
        if (nl >= 0) {
          lineStart = from + nl + 1;
          break;
        }
        lineStart = from;
      }
      const tail = Buffer.alloc(size - lineStart);
      fs.readSync(fd, tail, 0, tail.length, lineStart);
      const aside = `${this.location}.torn-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.writeFileSync(aside, tail);
      fs.ftruncateSync(fd, lineStart);
      fs.fsyncSync(fd);
      this.onWarning(`${this.location}: moved an incomplete last line (${tail.length} bytes) to ${aside}`);
    } finally {
      fs.closeSync(fd);
    }
  }

  private withLock(action: () => void): void {
    const renamed = `${this.lockPath}${randomUUID()}.rename`;
    const deadline = Date.now() + this.lockTimeoutMs;
    let wait = 1;
    for (;;) {
      try {
        // Same protocol as Optuna's JournalFileSymlinkLock: creating a symlink is atomic.
        fs.symlinkSync(this.location, this.lockPath);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        this.breakStaleLock();
        if (Date.now() > deadline) throw new JournalLockTimeoutError(this.lockPath);
        Atomics.wait(sleepCell, 0, 0, wait);
        wait = Math.min(wait * 2, 50);
      }
    }
    try {
      action();
    } finally {
      fs.renameSync(this.lockPath, renamed);
      fs.unlinkSync(renamed);
    }
  }

  private breakStaleLock(): void {
    try {
      const age = Date.now() - fs.lstatSync(this.lockPath).mtimeMs;
      if (age < this.staleLockMs) return;
      const renamed = `${this.lockPath}${randomUUID()}.stale`;
      fs.renameSync(this.lockPath, renamed);
      fs.unlinkSync(renamed);
      this.onWarning(`${this.lockPath}: removed a lock held for ${Math.round(age / 1000)} s by a process that is gone`);
    } catch {
      // The holder released it meanwhile, or another process broke it first: just retry.
    }
  }
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? text.slice(0, 80) + '…' : text);
}
