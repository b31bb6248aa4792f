/**
 * One dashboard's conversation with its page, without VS Code (dashboard-panel.ts supplies the
 * webview and the notifications), so the protocol is tested under plain Node with a real
 * journal (test/integration/extension/dashboard-session.test.ts).
 *
 * Order (src/protocol/dashboard-messages.ts): the page posts `ready`; only then does the host
 * post `init` (the whole study), the metric backlog as `update`s of at most 100k points, and
 * the last importance; live deltas follow, coalesced to at most ten messages a second. When the
 * panel is hidden its page is discarded, so nothing is posted until the next `ready`. Every
 * message from the page is validated with parseWebviewMessage; anything else is dropped.
 */
import type { JsonValue } from '../../core/space/distributions';
import type { Study } from '../../core/study/study';
import { requestStopTrial, runningEngine } from '../../engine/run-control';
import type { StudyWatcher, WatchEvent } from '../../engine/watch/study-watcher';
import type { HostToWebview, WebviewToHost } from '../../protocol/dashboard-messages';
import { parseWebviewMessage } from '../../protocol/dashboard-messages';
import { enqueueProblems } from './enqueue-params';
import { UpdateBatcher, chunkMetrics } from './update-batcher';

/** Recorded in the journal with each request, so an engine's log says where a stop came from. */
export const REQUESTED_BY = 'vscode-dashboard';

/** What the session needs from the editor around it. */
export interface SessionUi {
  /** A notification the user reads and dismisses. */
  info(message: string): void;
  /** A warning listing items (problems with the user's input, things not done). */
  warn(message: string, items?: readonly string[]): void;
  /** A line for the log only. */
  log(message: string): void;
  openLog(trial: number): Promise<void>;
  applyTrial(trial: number): Promise<void>;
}

export class DashboardSession {
  private readonly batcher: UpdateBatcher;
  private readonly subscription: { dispose(): void };
  private ready = false;
  private disposed = false;

  constructor(
    private readonly watcher: StudyWatcher,
    private readonly post: (message: HostToWebview) => void,
    private readonly ui: SessionUi,
    updateIntervalMs?: number,
  ) {
    this.batcher = new UpdateBatcher((message) => this.send(message), updateIntervalMs);
    this.subscription = watcher.onEvent((event) => this.onWatchEvent(event));
  }

  /** A message from the page: validated, then acted on. */
  async receive(data: unknown): Promise<void> {
    const message = parseWebviewMessage(data);
    if (!message) {
      this.ui.log(`dashboard ${this.watcher.studyName}: dropped a message that is not part of the protocol`);
      return;
    }
    await this.act(message);
  }

  /** The panel was hidden: its page is gone until it says `ready` again. */
  hidden(): void {
    this.ready = false;
    this.batcher.discard();
  }

  dispose(): void {
    this.disposed = true;
    this.ready = false;
    this.subscription.dispose();
    this.batcher.dispose();
  }

  private send(message: HostToWebview): void {
    if (this.ready && !this.disposed) this.post(message);
  }

  private onWatchEvent(event: WatchEvent): void {
    if (!this.ready) return; // the whole state goes out when the page is ready
    switch (event.type) {
      case 'init':
        this.sendFullState();
        break;
      case 'update':
        this.batcher.push(event);
        break;
      case 'importance':
        this.send(event);
        break;
      case 'error':
        this.ui.log(event.message);
        this.send(event);
        break;
    }
  }

  /** The whole study for a page that just loaded: what it would have got from the start. */
  private sendFullState(): void {
    this.batcher.discard();
    const snapshot = this.watcher.snapshot();
    if (!snapshot) return; // not in the journal yet: the watcher's `init` event comes later
    this.send({ type: 'init', snapshot });
    for (const metrics of chunkMetrics(this.watcher.metricsBacklog())) this.send({ type: 'update', trials: [], running: snapshot.running, metrics });
    const importance = this.watcher.importance();
    if (importance) this.send({ type: 'importance', method: importance.method, values: importance.values });
  }

  private async act(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendFullState();
        return;
      case 'stop-trial':
        return this.stopTrial(message.number);
      case 'enqueue-trial':
        return this.enqueueTrial(message.params);
      case 'open-log':
        return this.ui.openLog(message.number);
      case 'apply-trial':
        return this.ui.applyTrial(message.number);
    }
  }

  private loadedStudy(): Study | undefined {
    const study = this.watcher.study;
    if (!study) this.ui.info(`Study "${this.watcher.studyName}" is not in ${this.watcher.journal} yet: nothing to act on.`);
    return study;
  }

  private stopTrial(number: number): void {
    const study = this.loadedStudy();
    if (!study) return;
    study.sync();
    const trial = study.trials[number];
    if (!trial) {
      this.ui.info(`Study "${study.name}" has no trial ${number}.`);
      return;
    }
    if (trial.state !== 'running') {
      this.ui.info(`Trial ${number} is ${trial.state === 'waiting' ? 'waiting, not running yet' : `already ${trial.state}`}: nothing to stop.`);
      return;
    }
    requestStopTrial(study, number, REQUESTED_BY);
    this.ui.log(`requested stop of trial ${number} of study ${study.name} (${this.watcher.journal})`);
    if (!runningEngine(this.watcher.journal, study.name)) {
      this.ui.warn(
        `The stop of trial ${number} is recorded in the journal, but no Tunekit engine on this machine runs study "${study.name}": an engine elsewhere that shares the journal stops it; otherwise stop that process yourself.`,
      );
    }
    this.watcher.refresh();
  }

  private enqueueTrial(params: Readonly<Record<string, JsonValue>>): void {
    const study = this.loadedStudy();
    if (!study) return;
    const problems = enqueueProblems(study.space, params);
    if (problems.length > 0) {
      this.ui.warn('Trial not queued:', problems);
      return;
    }
    const number = study.enqueue(params);
    this.ui.log(`queued trial ${number} of study ${study.name} with ${JSON.stringify(params)}`);
    const running = runningEngine(this.watcher.journal, study.name) !== undefined;
    this.ui.info(`Queued trial ${number}: ${running ? 'it runs next.' : 'it runs when the study is started again (Tunekit: Start Study).'}`);
    this.watcher.refresh();
  }
}
