/**
 * The live status of a run: one line redrawn in place on a terminal, plain lines per finished
 * trial when stdout is a pipe or a CI log.
 */
import type { FrozenTrial } from '../core/study/trial';
import type { RunEvent } from '../engine/run-events';
import { formatParams, formatValue } from './format';

export class ProgressLine {
  private done = 0;
  private pruned = 0;
  private failed = 0;
  private readonly running = new Set<number>();
  private best: FrozenTrial | undefined;
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly total: number,
    private readonly objective: string,
    private readonly direction: 'minimize' | 'maximize',
  ) {}

  private get live(): boolean {
    return this.out.isTTY === true;
  }

  handle(event: RunEvent): void {
    switch (event.type) {
      case 'trial-started':
        this.running.add(event.number);
        break;
      case 'trial-report':
        return; // nothing on the line changes; redrawing per step would flood a slow terminal
      case 'trial-finished': {
        const t = event.trial;
        this.running.delete(t.number);
        if (t.state === 'complete') {
          this.done++;
          const v = t.values?.[0];
          const bestV = this.best?.values?.[0];
          if (v !== undefined && (bestV === undefined || (this.direction === 'minimize' ? v < bestV : v > bestV))) this.best = t;
        } else if (t.state === 'pruned') this.pruned++;
        else this.failed++;
        this.print(describeFinished(t, this.objective, event.reason));
        break;
      }
      case 'warning':
        this.print(`warning: ${event.message}`);
        break;
    }
    this.redraw();
  }

  /** Clears the live line before the final report. */
  finish(): void {
    if (this.live && this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }

  private print(line: string): void {
    if (this.live && this.drawn) this.out.write('\r\x1b[2K');
    this.out.write(line + '\n');
    this.drawn = false;
  }

  private redraw(): void {
    if (!this.live) return;
    const finished = this.done + this.pruned + this.failed;
    const best = this.best ? `best ${this.objective}=${formatValue(this.best.values?.[0])} (trial ${this.best.number})` : 'no result yet';
    const line = `[${finished}/${this.total}] ${this.done} done · ${this.running.size} running · ${this.pruned} pruned · ${this.failed} failed · ${best}`;
    this.out.write('\r\x1b[2K' + line.slice(0, (this.out.columns || 120) - 1));
    this.drawn = true;
  }
}

function describeFinished(t: FrozenTrial, objective: string, reason: string | undefined): string {
  const seconds = t.datetimeStart && t.datetimeComplete ? ` in ${((t.datetimeComplete.getTime() - t.datetimeStart.getTime()) / 1000).toFixed(1)}s` : '';
  const head = `trial ${t.number} ${t.state}${seconds}`;
  if (t.state === 'complete') return `${head}: ${objective}=${formatValue(t.values?.[0])}  ${formatParams(t.params)}`;
  if (t.state === 'pruned') return `${head} at step ${[...t.intermediateValues.keys()].pop() ?? '?'}: ${formatParams(t.params)}`;
  return `${head}: ${reason ?? 'failed'}`;
}
