/**
 * Where journal ops live. The replay logic is the same for every backend (see
 * journal-storage.ts); a backend only appends whole ops and hands back the ones it has not
 * handed out yet, in log order.
 */
export interface JournalBackend {
  /** Ops appended since the previous call (by anyone), in order. */
  readNew(): Record<string, unknown>[];
  /** Appends ops atomically: all of them or, after a crash, a prefix of whole lines. */
  append(ops: readonly Record<string, unknown>[]): void;
  /** A human name for messages: the file path, or "memory". */
  readonly location: string;
  close(): void;
}

/** Keeps the journal in memory: for library use without a file, and for tests. */
export class MemoryJournal implements JournalBackend {
  readonly location = 'memory';
  private readonly ops: Record<string, unknown>[] = [];
  private cursor = 0;

  readNew(): Record<string, unknown>[] {
    const fresh = this.ops.slice(this.cursor);
    this.cursor = this.ops.length;
    return fresh;
  }

  append(ops: readonly Record<string, unknown>[]): void {
    // A deep copy, so callers cannot mutate what was stored (structuredClone keeps NaN).
    for (const op of ops) this.ops.push(structuredClone(op));
  }

  close(): void {}
}
