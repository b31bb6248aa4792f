/**
 * Follows one trial's metrics.jsonl side file (src/engine/trial-files.ts) from where it last
 * stopped. The engine appends one line per report while the trial runs, so a read may end in
 * the middle of a line: that tail is kept until its newline arrives. The file is untrusted
 * input: a line that is not `{"step": n, "metrics": {...}}` is skipped, and values JSON could
 * not carry to the webview (the engine writes NaN as the string "NaN") are left out.
 */
import * as fs from 'node:fs';

/** One read, at most; a longer backlog is read over the following polls. */
const MAX_READ_BYTES = 8 << 20;

export interface MetricsRead {
  /** metric name -> newly appended [step, value] pairs, in file order. */
  readonly points: Map<string, [number, number][]>;
  /** Lines that were skipped as malformed. */
  readonly skipped: number;
}

export class MetricsFollower {
  private offset = 0;
  private tail: Buffer = Buffer.alloc(0);

  constructor(readonly file: string) {}

  /** Reads what was appended since the last call; a missing file reads as nothing yet. */
  readNew(): MetricsRead {
    const points = new Map<string, [number, number][]>();
    let skipped = 0;
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return { points, skipped };
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size < this.offset) {
        // Replaced or truncated (a study deleted and run again): start over.
        this.offset = 0;
        this.tail = Buffer.alloc(0);
      }
      const length = Math.min(size - this.offset, MAX_READ_BYTES);
      if (length <= 0) return { points, skipped };
      const buffer = Buffer.alloc(length);
      const n = fs.readSync(fd, buffer, 0, length, this.offset);
      this.offset += n;
      // Split on bytes, so a UTF-8 character cut by the read is decoded whole with its line.
      const lastNewline = buffer.subarray(0, n).lastIndexOf(10);
      if (lastNewline < 0) {
        this.tail = Buffer.concat([this.tail, buffer.subarray(0, n)]);
        return { points, skipped };
      }
      const text = Buffer.concat([this.tail, buffer.subarray(0, lastNewline)]).toString('utf8');
      this.tail = Buffer.from(buffer.subarray(lastNewline + 1, n));
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        if (!addLine(line, points)) skipped++;
      }
    } finally {
      fs.closeSync(fd);
    }
    return { points, skipped };
  }
}

function addLine(line: string, points: Map<string, [number, number][]>): boolean {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return false;
  }
  if (typeof record !== 'object' || record === null) return false;
  const { step, metrics } = record as { step?: unknown; metrics?: unknown };
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) return false;
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) return false;
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    let list = points.get(name);
    if (!list) points.set(name, (list = []));
    list.push([step, value]);
  }
  return true;
}
