/**
 * The requests the dashboard makes of the host about one trial. Each is a message of the
 * dashboard contract; the host validates it again and does the work (stopping goes through the
 * journal, so it works for engines started anywhere).
 */
import type { TrialSummary, WebviewToHost } from '../../src/protocol/dashboard-messages';

type JsonValue = TrialSummary['params'][string];
type Post = (message: WebviewToHost) => void;

export class TrialActions {
  constructor(private readonly post: Post) {}

  stop(trial: number): void {
    this.post({ type: 'stop-trial', number: trial });
  }

  openLog(trial: number): void {
    this.post({ type: 'open-log', number: trial });
  }

  apply(trial: number): void {
    this.post({ type: 'apply-trial', number: trial });
  }

  enqueue(params: Readonly<Record<string, JsonValue>>): void {
    this.post({ type: 'enqueue-trial', params });
  }
}

/** Which actions a trial offers: stopping only while it runs, applying once it has run. */
export function availableActions(t: TrialSummary): { stop: boolean; log: boolean; apply: boolean } {
  return { stop: t.state === 'running', log: t.state !== 'waiting', apply: t.state !== 'waiting' && Object.keys(t.params).length > 0 };
}
