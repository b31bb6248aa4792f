/**
 * Reads the CLI's `--json` output (`tunekit prune|quantize ... --json`): one JSON object per
 * line, `{"type":"progress","progress":CompressionProgress}` while it works, then either
 * `{"type":"report","report":CompressionReport}` or `{"type":"error","reason":...,"message":...}`.
 *
 * Another process's stdout is untrusted input: every line is validated, and anything else (a
 * warning a library printed, a half line cut by a crash, a report that fails validation) is
 * handed to `ignored` with the reason, for the log, instead of failing the job. Chunks are split
 * into lines here, so a line that arrives in two chunks is read once, whole.
 */
import type { CompressionProgress, CompressionReport } from '../../protocol/compression';
import { compressionReportProblem } from '../../protocol/compression-validate';

export type CompressCliEvent =
  | { readonly type: 'progress'; readonly progress: CompressionProgress }
  | { readonly type: 'report'; readonly report: CompressionReport }
  | { readonly type: 'error'; readonly reason: string; readonly message: string };

export interface CompressLineHandlers {
  readonly event: (event: CompressCliEvent) => void;
  /** A line that is not one of the events, and why: for the log. */
  readonly ignored: (line: string, why: string) => void;
}

const STAGES: ReadonlySet<string> = new Set(['read', 'prune', 'quantize', 'write', 'verify', 'evaluate']);
/** A line longer than this is not the CLI's (a report of thousands of layers is well below it). */
const MAX_LINE = 64 << 20;

export class CompressJsonLineReader {
  private pending = '';

  constructor(private readonly handlers: CompressLineHandlers) {}

  /** A chunk of stdout, as it arrives. */
  push(chunk: string): void {
    const text = this.pending + chunk;
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    if (this.pending.length > MAX_LINE) {
      this.handlers.ignored(`${this.pending.slice(0, 200)}…`, `a line over ${MAX_LINE} characters`);
      this.pending = '';
    }
    for (const line of lines) this.line(line);
  }

  /** Stdout closed: a last line without a newline is read too. */
  end(): void {
    const rest = this.pending;
    this.pending = '';
    if (rest.trim() !== '') this.line(rest);
  }

  private line(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const event = parseCompressCliLine(line);
    if ('why' in event) this.handlers.ignored(line, event.why);
    else this.handlers.event(event);
  }
}

/** One line of the CLI's `--json` output, or why it is not one. */
export function parseCompressCliLine(line: string): CompressCliEvent | { why: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { why: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { why: 'not a JSON object' };
  const data = value as Record<string, unknown>;
  switch (data.type) {
    case 'progress': {
      const p = data.progress as Record<string, unknown> | null | undefined;
      if (
        typeof p !== 'object' ||
        p === null ||
        typeof p.stage !== 'string' ||
        !STAGES.has(p.stage) ||
        typeof p.done !== 'number' ||
        typeof p.total !== 'number' ||
        !(p.done >= 0) ||
        !(p.total >= 0)
      ) {
        return { why: 'a progress line without a known stage and counts' };
      }
      return { type: 'progress', progress: { stage: p.stage as CompressionProgress['stage'], done: p.done, total: p.total } };
    }
    case 'report': {
      const problem = compressionReportProblem(data.report);
      if (problem) return { why: `a report that fails validation (${problem})` };
      return { type: 'report', report: data.report as CompressionReport };
    }
    case 'error':
      if (typeof data.message !== 'string' || data.message === '') return { why: 'an error line without a message' };
      return { type: 'error', reason: typeof data.reason === 'string' ? data.reason : 'unknown', message: data.message };
    default:
      return { why: `an unknown type ${JSON.stringify(data.type ?? null)}` };
  }
}
