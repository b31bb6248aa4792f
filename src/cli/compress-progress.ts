/**
 * Progress of a compression on the terminal: one line redrawn in place on a TTY (stage, a bar,
 * percent, tensor count), one plain line per stage when stdout is a pipe or a CI log, and JSON
 * lines with --json for the extension, which runs the CLI as a child process.
 */
import type { CompressionProgress } from '../protocol/compression';

const STAGE_WORDS: Readonly<Record<CompressionProgress['stage'], string>> = {
  read: 'reading',
  prune: 'pruning',
  quantize: 'quantizing',
  write: 'writing',
  verify: 'verifying',
  evaluate: 'evaluating',
};
const BAR_WIDTH = 24;

export type ProgressMode = 'tty' | 'plain' | 'json';

export class CompressProgress {
  private lastStage: CompressionProgress['stage'] | undefined;
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { columns?: number },
    private readonly mode: ProgressMode,
  ) {}

  handle(progress: CompressionProgress): void {
    if (this.mode === 'json') {
      this.out.write(JSON.stringify({ type: 'progress', progress }) + '\n');
      return;
    }
    if (this.mode === 'plain') {
      if (progress.stage !== this.lastStage) this.out.write(`${STAGE_WORDS[progress.stage]}...\n`);
      this.lastStage = progress.stage;
      return;
    }
    this.lastStage = progress.stage;
    this.out.write('\r\x1b[2K' + progressLine(progress).slice(0, (this.out.columns || 120) - 1));
    this.drawn = true;
  }

  /** Clears the live line before the report is printed. */
  finish(): void {
    if (this.mode === 'tty' && this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}

/**
 * `quantizing  [██████░░░░░░]  50%  3/6`. The count is the compressor's steps: tensors when
 * quantizing, but global pruning visits each tensor twice (rank, then zero), so no unit is named.
 */
export function progressLine(progress: CompressionProgress): string {
  const fraction = progress.total > 0 ? Math.min(1, Math.max(0, progress.done / progress.total)) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
  const count = progress.total > 1 ? `  ${progress.done}/${progress.total}` : '';
  return `${STAGE_WORDS[progress.stage].padEnd(10)}  [${bar}] ${String(Math.round(fraction * 100)).padStart(3)}%${count}`;
}
