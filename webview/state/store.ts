/**
 * The dashboard's store: applies validated host messages to the DashboardModel every view
 * reads, records what changed since the last frame (coalescing any number of messages into one
 * ChangeSet), owns the selection and the UI state that survives a reload, and is the one place
 * that talks to VS Code's webview API (postMessage, getState / setState).
 *
 * Order: the shell creates the store, subscribes with onDidChange, then calls start(), which
 * posts `ready` (the host sends `init` only after it). Each animation frame the shell calls
 * takeChanges() and hands the result to the views.
 */
import { parseHostMessage } from '../../src/protocol/dashboard-messages';
import type { MetricPoints, ParamInfo, TrialSummary, WebviewToHost } from '../../src/protocol/dashboard-messages';
import type { ChangeSet, DashboardModel } from './dashboard-model';
import { readMetricPoints, readSnapshot, readTrials } from './host-data';
import { findTrial, trialIndex } from './trial-lookup';
import { DEFAULT_UI, readPersistedState } from './ui-state';
import type { PersistedState, UiState } from './ui-state';

/** What acquireVsCodeApi() returns in a webview (the harness provides the same three calls). */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface Disposable {
  dispose(): void;
}

type Point = readonly [number, number];

class MutableModel implements DashboardModel {
  studyName = '';
  journal = '';
  directions: ('minimize' | 'maximize')[] = ['minimize'];
  objectives: string[] = [];
  params: ParamInfo[] = [];
  trials: TrialSummary[] = [];
  metrics = new Map<number, Map<string, Point[]>>();
  importance: { method: string; values: Record<string, number> } | null = null;
  running = false;
  selected: Set<number> = new Set();
}

interface PendingChanges {
  all: boolean;
  trials: Set<number>;
  metrics: MetricPoints[];
  importance: boolean;
  selection: boolean;
}

const emptyPending = (): PendingChanges => ({ all: false, trials: new Set(), metrics: [], importance: false, selection: false });

/** Combines two change sets, as if both had been delivered in one (for views that were hidden). */
export function mergeChanges(a: ChangeSet, b: ChangeSet): ChangeSet {
  if (a.all || b.all) return { all: true, trials: new Set(), metrics: [], importance: true, selection: true };
  return {
    all: false,
    trials: new Set([...a.trials, ...b.trials]),
    metrics: [...a.metrics, ...b.metrics],
    importance: a.importance || b.importance,
    selection: a.selection || b.selection,
  };
}

export class DashboardStore {
  private readonly m = new MutableModel();
  private pending: PendingChanges | null = null;
  private readonly changeListeners = new Set<() => void>();
  private readonly errorListeners = new Set<(message: string | null) => void>();
  private uiState: UiState;
  private lastError: string | null = null;
  private initialised = false;

  constructor(private readonly api: VsCodeApi) {
    const saved = readPersistedState(safeGetState(api));
    this.uiState = saved?.ui ?? DEFAULT_UI;
    if (saved) {
      this.m.journal = saved.journal;
      this.m.studyName = saved.studyName;
    }
    this.m.selected = new Set(this.uiState.selection);
  }

  get model(): DashboardModel {
    return this.m;
  }

  get ui(): UiState {
    return this.uiState;
  }

  /** True once an `init` arrived: before, the model is empty and views show a placeholder. */
  get ready(): boolean {
    return this.initialised;
  }

  /** The journal file of the study shown ('' before `init` when no state was saved). */
  get journal(): string {
    return this.m.journal;
  }

  get error(): string | null {
    return this.lastError;
  }

  /** Posts `ready`: the host answers with `init`. Called again by nothing: a reload makes a new store. */
  start(): void {
    this.post({ type: 'ready' });
  }

  post(message: WebviewToHost): void {
    this.api.postMessage(message);
  }

  onDidChange(listener: () => void): Disposable {
    this.changeListeners.add(listener);
    return { dispose: () => this.changeListeners.delete(listener) };
  }

  /** The host's last `error` message (null once dismissed). */
  onDidError(listener: (message: string | null) => void): Disposable {
    this.errorListeners.add(listener);
    return { dispose: () => this.errorListeners.delete(listener) };
  }

  trial(number: number): TrialSummary | undefined {
    return findTrial(this.m.trials, number);
  }

  /**
   * Applies one message from the host. Returns false (and changes nothing) for anything that
   * is not a valid host message: a webview also receives messages from other sources.
   */
  receive(data: unknown): boolean {
    const message = parseHostMessage(data);
    if (!message) return false;
    switch (message.type) {
      case 'init':
        return this.applyInit(message.snapshot);
      case 'update':
        return this.applyUpdate(message.trials, message.running, message.metrics);
      case 'importance':
        this.m.importance = { method: message.method, values: { ...message.values } };
        this.changed().importance = true;
        return true;
      case 'error':
        this.lastError = message.message;
        for (const l of this.errorListeners) l(message.message);
        return true;
    }
  }

  dismissError(): void {
    this.lastError = null;
    for (const l of this.errorListeners) l(null);
  }

  /** The changes since the last call, or undefined when nothing changed. */
  takeChanges(): ChangeSet | undefined {
    const p = this.pending;
    this.pending = null;
    return p ?? undefined;
  }

  setSelection(numbers: Iterable<number>): void {
    const next = new Set(numbers);
    if (next.size === this.m.selected.size && [...next].every((n) => this.m.selected.has(n))) return;
    this.m.selected = next;
    this.changed().selection = true;
    this.updateUi({ selection: [...next].sort((a, b) => a - b) });
  }

  updateUi(patch: Partial<UiState>): void {
    this.uiState = { ...this.uiState, ...patch };
    this.persist();
  }

  /** A view's own saved choice (see UiState.views). */
  viewState(viewId: string): string | undefined {
    return this.uiState.views[viewId];
  }

  setViewState(viewId: string, value: string): void {
    this.updateUi({ views: { ...this.uiState.views, [viewId]: value } });
  }

  private applyInit(raw: Parameters<typeof readSnapshot>[0]): boolean {
    const snapshot = readSnapshot(raw);
    if (!snapshot) return false;
    const m = this.m;
    const sameStudy = m.studyName === snapshot.studyName && (m.journal === '' || m.journal === snapshot.journal);
    m.studyName = snapshot.studyName;
    m.journal = snapshot.journal;
    m.directions = [...snapshot.directions];
    m.objectives = [...snapshot.objectives];
    m.params = [...snapshot.params];
    const trials = [...snapshot.trials].sort((a, b) => a.number - b.number);
    m.trials = trials.filter((t, i) => i === trials.length - 1 || (trials[i + 1] as TrialSummary).number !== t.number);
    m.metrics = new Map();
    m.importance = null;
    m.running = snapshot.running;
    // A saved selection belongs to the study it was made in; trials it names must exist.
    const selection = sameStudy ? [...m.selected].filter((n) => this.trial(n) !== undefined) : [];
    m.selected = new Set(selection);
    this.initialised = true;
    const p = this.changed();
    p.all = true;
    p.selection = true;
    // Another study: its own sort, filters and selection; the tab and the views' choices (a metric, a scale) stay.
    this.persist(sameStudy ? { selection } : { ...DEFAULT_UI, tab: this.uiState.tab, views: this.uiState.views });
    return true;
  }

  private applyUpdate(rawTrials: readonly TrialSummary[], running: unknown, rawMetrics: readonly unknown[]): boolean {
    // Deltas before `init` would be applied to an empty model and lost by the init: ignore them.
    if (!this.initialised) return false;
    const trials = readTrials(rawTrials);
    const metrics = readMetricPoints(rawMetrics);
    const m = this.m;
    const p = this.changed();
    for (const t of trials) {
      const i = trialIndex(m.trials, t.number);
      if (i >= 0) m.trials[i] = t;
      else if (-i - 1 === m.trials.length) m.trials.push(t);
      else m.trials.splice(-i - 1, 0, t);
      p.trials.add(t.number);
    }
    for (const mp of metrics) {
      let byName = m.metrics.get(mp.trial);
      if (!byName) m.metrics.set(mp.trial, (byName = new Map()));
      let series = byName.get(mp.metric);
      if (!series) byName.set(mp.metric, (series = []));
      // Points arrive once; a host that resends (after its own restart) must not duplicate them.
      const lastStep = series.length > 0 ? (series[series.length - 1] as Point)[0] : -Infinity;
      const fresh = mp.points.filter((pt) => pt[0] > lastStep);
      if (fresh.length === 0) continue;
      // A loop, not push(...fresh): a first batch may hold more points than a call takes arguments.
      for (const pt of fresh) series.push(pt);
      p.metrics.push({ trial: mp.trial, metric: mp.metric, points: fresh });
    }
    // The header shows it; changed() above already scheduled the frame that draws it.
    if (typeof running === 'boolean') m.running = running;
    return true;
  }

  private changed(): PendingChanges {
    const first = this.pending === null;
    if (first) this.pending = emptyPending();
    if (first) for (const l of this.changeListeners) l();
    return this.pending as PendingChanges;
  }

  private persist(ui?: UiState | Partial<UiState>): void {
    if (ui) this.uiState = { ...this.uiState, ...ui };
    const state: PersistedState = { version: 1, journal: this.m.journal, studyName: this.m.studyName, ui: this.uiState };
    try {
      this.api.setState(state);
    } catch (err) {
      // Losing the saved UI state is not worth breaking the dashboard over.
      console.warn('tunekit: could not save the dashboard state', err);
    }
  }
}

function safeGetState(api: VsCodeApi): unknown {
  try {
    return api.getState();
  } catch {
    return undefined;
  }
}
