/**
 * Follows one study in a journal file while anything writes it (a `tunekit tune` in a terminal,
 * the engine the extension started, Optuna itself) and tells listeners what changed, in the
 * dashboard's message shapes: one `init` with the whole study when it is first found (or found
 * again after the file was replaced), then `update` deltas, and `importance` as trials finish.
 *
 * Reading is incremental: the journal from the last whole line (FileJournal.readNew through
 * Study.sync), each running trial's metrics.jsonl from its last offset. fs.watch on the
 * journal's folder wakes the watcher as soon as a line lands; a poll every 250 ms is the floor,
 * because fs.watch misses events on network file systems and cannot see the metrics files
 * (nested folders; recursive watching is unreliable on Linux under Node 20). Either way a step a
 * trial prints reaches listeners well within a second.
 *
 * The watcher never creates or writes files by itself: a journal that does not exist yet is
 * waited for. Its Study (see `study`) may be used to write control requests, which then show up
 * as ordinary changes on the next read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SearchSpace } from '../../core/space/search-space';
import { computeImportance } from '../../core/importance/importance';
import { FileJournal } from '../../core/storage/file-journal';
import type { Study } from '../../core/study/study';
import { StudyUsageError, loadStudy } from '../../core/study/study';
import type { Direction, FrozenTrial } from '../../core/study/trial';
import { isFinished } from '../../core/study/trial';
import type { HostToWebview, MetricPoints, StudySnapshot, TrialSummary } from '../../protocol/dashboard-messages';
import { runningEngine } from '../run-control';
import { trialFiles } from '../trial-files';
import { MetricsFollower } from './metrics-follower';
import { objectiveNames, studySnapshot, trialSummary } from './snapshot';

export type ImportanceResult = { readonly method: string; readonly values: Readonly<Record<string, number>> };
export type ImportanceFn = (trials: readonly FrozenTrial[], space: SearchSpace, direction: Direction) => ImportanceResult | undefined;

export type WatchEvent = HostToWebview;
export type UpdateEvent = Extract<HostToWebview, { type: 'update' }>;

export interface StudyWatcherOptions {
  readonly journal: string;
  readonly studyName: string;
  /** The polling floor (default 250 ms). */
  readonly pollMs?: number;
  /** Wake on fs.watch events too (default true); false leaves polling alone, as on a network share. */
  readonly fsWatch?: boolean;
  /** Parameter importance of complete trials (default: core/importance's forest); false: none. */
  readonly importance?: ImportanceFn | false;
  /** Importance is recomputed at most this often (default 2 s), and only when trials finished. */
  readonly importanceIntervalMs?: number;
  /** Recoverable problems: a torn journal line, a malformed metrics line. */
  readonly onWarning?: (message: string) => void;
}

export interface Disposable {
  dispose(): void;
}

interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

/** Everything known about the study once the journal holds it. */
interface Followed {
  readonly study: Study;
  /** The trial objects last reported, by number: the replay replaces an object when it changes. */
  readonly seen: FrozenTrial[];
  readonly followers: Map<number, MetricsFollower>;
  /** Trials whose metrics file was read after they finished: nothing more will come. */
  readonly metricsDone: Set<number>;
  /**
   * Finished trials whose metrics files are still to be read after the study was found: read
   * in slices between polls, so a study of 10,000 trials shows at once and its curves fill in
   * without blocking the extension host for seconds.
   */
  readonly backlog: Set<number>;
  /** trial -> metric -> [step, value, step, value, ...] (flat: a million points stay compact). */
  readonly metrics: Map<number, Map<string, number[]>>;
  readonly knownParams: Set<string>;
  objectives: string;
  running: boolean;
  completeCount: number;
  importanceCount: number;
}

const DEFAULT_POLL_MS = 250;
const DEFAULT_IMPORTANCE_MS = 2000;
/** Time given to reading finished trials' metrics files per turn of the event loop. */
const BACKLOG_SLICE_MS = 20;
/** A burst of journal writes wakes one read, not one per line. */
const WAKE_DELAY_MS = 15;

export class StudyWatcher implements Disposable {
  readonly journal: string;
  readonly studyName: string;
  private readonly listeners = new Set<(event: WatchEvent) => void>();
  private readonly onWarning: (message: string) => void;
  private readonly timer: NodeJS.Timeout;
  private fsWatcher: fs.FSWatcher | undefined;
  private wake: NodeJS.Timeout | undefined;
  private backlogTurn: NodeJS.Immediate | undefined;
  private followed: Followed | undefined;
  /** The journal as it was when it last failed to give the study: unchanged, it is not read again. */
  private lastMiss: FileStamp | undefined;
  private lastImportance: ImportanceResult | undefined;
  private nextImportanceAt = 0;
  private disposed = false;

  constructor(private readonly options: StudyWatcherOptions) {
    this.journal = path.resolve(options.journal);
    this.studyName = options.studyName;
    this.onWarning = options.onWarning ?? (() => {});
    this.timer = setInterval(() => this.poll(), options.pollMs ?? DEFAULT_POLL_MS);
    this.timer.unref();
  }

  /** Listeners get every event from now on; call snapshot() for what came before. */
  onEvent(listener: (event: WatchEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The study as known now; undefined while the journal does not hold it. */
  snapshot(): StudySnapshot | undefined {
    const f = this.followed;
    if (!f) return undefined;
    return studySnapshot({
      journal: this.journal,
      studyName: this.studyName,
      directions: f.study.directions,
      userAttrs: f.study.userAttrs,
      systemAttrs: f.study.systemAttrs,
      space: f.study.space,
      trials: f.study.trials,
      running: f.running,
    });
  }

  /** Every metric point read so far, per trial and metric: what follows `init` for a new view. */
  metricsBacklog(): MetricPoints[] {
    const out: MetricPoints[] = [];
    for (const [trial, byMetric] of this.followed?.metrics ?? []) {
      for (const [metric, flat] of byMetric) out.push({ trial, metric, points: unflatten(flat) });
    }
    return out;
  }

  /** The last importance computed, if any. */
  importance(): ImportanceResult | undefined {
    return this.lastImportance;
  }

  /** The watched study, for control requests (stop a trial, enqueue one); undefined until found. */
  get study(): Study | undefined {
    return this.followed?.study;
  }

  /** Reads now instead of at the next tick (after a control request, say). */
  refresh(): void {
    this.poll();
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.timer);
    if (this.wake) clearTimeout(this.wake);
    if (this.backlogTurn) clearImmediate(this.backlogTurn);
    this.fsWatcher?.close();
    this.fsWatcher = undefined;
    this.listeners.clear();
    this.followed?.study.close();
    this.followed = undefined;
  }

  private emit(event: WatchEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private poll(): void {
    if (this.disposed) return;
    this.ensureFsWatcher();
    if (!this.followed) this.tryLoad();
    else this.follow(this.followed);
  }

  private ensureFsWatcher(): void {
    if (this.fsWatcher || this.options.fsWatch === false) return;
    const dir = path.dirname(this.journal);
    const base = path.basename(this.journal);
    try {
      const watcher = fs.watch(dir, { persistent: false }, (_event, file) => {
        if (file === null || file === base) this.wakeSoon();
      });
      watcher.on('error', () => {
        // The folder went away or the system ran out of watches: the poll still covers it.
        watcher.close();
        if (this.fsWatcher === watcher) this.fsWatcher = undefined;
      });
      this.fsWatcher = watcher;
    } catch {
      // No folder yet, or no watch available: polling alone keeps the view live.
    }
  }

  private wakeSoon(): void {
    if (this.wake || this.disposed) return;
    this.wake = setTimeout(() => {
      this.wake = undefined;
      this.poll();
    }, WAKE_DELAY_MS);
  }

  private tryLoad(): void {
    const stamp = fileStamp(this.journal);
    if (!stamp || (this.lastMiss && this.lastMiss.size === stamp.size && this.lastMiss.mtimeMs === stamp.mtimeMs)) return;
    let study: Study;
    try {
      // A journal too short to hold the study, or holding others only, is read again once it grows.
      const backend = new FileJournal(this.journal, { onWarning: this.onWarning });
      study = loadStudy({ storage: backend, studyName: this.studyName, sampler: 'random', pruner: 'none', onWarning: this.onWarning });
    } catch (err) {
      this.lastMiss = stamp;
      if (!StudyUsageError.is(err)) this.emit({ type: 'error', message: describe(err, this.journal) });
      return;
    }
    this.lastMiss = undefined;
    // Found again after the file was replaced: nothing from the old study carries over.
    this.lastImportance = undefined;
    this.nextImportanceAt = 0;
    const trials = study.trials;
    const followed: Followed = {
      study,
      seen: [...trials],
      followers: new Map(),
      metricsDone: new Set(),
      backlog: new Set(),
      metrics: new Map(),
      knownParams: new Set(),
      objectives: objectiveNames(study.directions, study.userAttrs, study.systemAttrs).join('\n'),
      running: runningEngine(this.journal, this.studyName) !== undefined,
      completeCount: trials.filter((t) => t.state === 'complete').length,
      importanceCount: -1,
    };
    this.followed = followed;
    for (const t of trials) {
      for (const name of Object.keys(t.distributions)) followed.knownParams.add(name);
      if (isFinished(t.state)) followed.backlog.add(t.number);
      else if (t.state === 'running') this.readMetrics(followed, t.number, false);
    }
    this.emitInit(followed);
    this.continueBacklog(followed);
  }

  private emitInit(f: Followed): void {
    const snapshot = this.snapshot();
    if (!snapshot) return;
    for (const p of snapshot.params) f.knownParams.add(p.name);
    this.emit({ type: 'init', snapshot });
    this.updateImportance(f, true);
  }

  private follow(f: Followed): void {
    try {
      f.study.sync();
    } catch (err) {
      // Deleted, replaced by a shorter file or damaged: start over from whatever is there now.
      f.study.close();
      this.followed = undefined;
      this.lastMiss = undefined;
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      this.emit({
        type: 'error',
        message: missing
          ? `${this.journal} was deleted; the dashboard fills in again if a study writes it.`
          : describe(err, this.journal),
      });
      if (!missing) this.lastMiss = fileStamp(this.journal);
      else this.tryLoad();
      return;
    }
    const trials = f.study.trials;
    const changed: TrialSummary[] = [];
    let newParam = false;
    for (const trial of trials) {
      const before = f.seen[trial.number];
      if (before === trial) continue;
      f.seen[trial.number] = trial;
      changed.push(trialSummary(trial));
      for (const name of Object.keys(trial.distributions)) {
        if (!f.knownParams.has(name)) newParam = true;
      }
      if (trial.state === 'complete' && before?.state !== 'complete') f.completeCount++;
    }
    const metrics: MetricPoints[] = [];
    for (const trial of trials) {
      // Finished trials are read one last time (their final lines), then left alone.
      if (trial.state === 'waiting' || f.metricsDone.has(trial.number) || f.backlog.has(trial.number)) continue;
      metrics.push(...this.readMetrics(f, trial.number, isFinished(trial.state)));
    }
    metrics.push(...this.readBacklogSlice(f));
    const running = runningEngine(this.journal, this.studyName) !== undefined;
    const objectives = objectiveNames(f.study.directions, f.study.userAttrs, f.study.systemAttrs).join('\n');
    if (newParam || objectives !== f.objectives) {
      // The columns changed (a define-by-run parameter, the objective named late): views start over.
      f.objectives = objectives;
      f.running = running;
      this.emitInit(f);
      return;
    }
    if (changed.length > 0 || metrics.length > 0 || running !== f.running) {
      f.running = running;
      this.emit({ type: 'update', trials: changed, running, metrics });
    }
    this.updateImportance(f, false);
  }

  /** Reads finished trials' metrics files for a few milliseconds; the rest at the next turn. */
  private readBacklogSlice(f: Followed): MetricPoints[] {
    if (f.backlog.size === 0) return [];
    const out: MetricPoints[] = [];
    const deadline = performance.now() + BACKLOG_SLICE_MS;
    for (const number of f.backlog) {
      if (performance.now() > deadline) break;
      f.backlog.delete(number);
      out.push(...this.readMetrics(f, number, true));
    }
    this.continueBacklog(f);
    return out;
  }

  /** Goes on with the backlog as soon as the event loop is free, not a poll interval later. */
  private continueBacklog(f: Followed): void {
    if (f.backlog.size === 0 || this.backlogTurn || this.disposed) return;
    this.backlogTurn = setImmediate(() => {
      this.backlogTurn = undefined;
      this.poll();
    });
  }

  /**
   * Reads a trial's new metric lines into the backlog and returns them. `last`: the trial has
   * finished, so this read is its final one and the follower is dropped.
   */
  private readMetrics(f: Followed, number: number, last: boolean): MetricPoints[] {
    let follower = f.followers.get(number);
    if (!follower) {
      follower = new MetricsFollower(trialFiles(this.journal, this.studyName, number).metrics);
      f.followers.set(number, follower);
    }
    const read = follower.readNew();
    if (read.skipped > 0) this.onWarning(`${follower.file}: skipped ${read.skipped} line(s) that are not metric records`);
    if (last) {
      f.followers.delete(number);
      f.metricsDone.add(number);
    }
    if (read.points.size === 0) return [];
    let byMetric = f.metrics.get(number);
    if (!byMetric) f.metrics.set(number, (byMetric = new Map()));
    const out: MetricPoints[] = [];
    for (const [metric, points] of read.points) {
      let flat = byMetric.get(metric);
      if (!flat) byMetric.set(metric, (flat = []));
      for (const [step, value] of points) flat.push(step, value);
      out.push({ trial: number, metric, points });
    }
    return out;
  }

  /** Importance costs a forest fit: only when complete trials were added, and not too often. */
  private updateImportance(f: Followed, force: boolean): void {
    const compute = this.options.importance === undefined ? computeImportance : this.options.importance;
    if (!compute || f.study.directions.length === 0) return;
    if (f.completeCount === f.importanceCount) {
      if (force && this.lastImportance) this.emit({ type: 'importance', ...this.lastImportance });
      return;
    }
    const now = Date.now();
    if (!force && now < this.nextImportanceAt) return;
    f.importanceCount = f.completeCount;
    const started = performance.now();
    let result: ImportanceResult | undefined;
    try {
      result = compute(f.study.trials, f.study.space, f.study.directions[0] as Direction);
    } catch (err) {
      this.onWarning(`parameter importance failed: ${(err as Error).message}`);
    }
    // A slow fit (thousands of trials) is spaced out further, so it never hogs the host.
    this.nextImportanceAt = now + Math.max(this.options.importanceIntervalMs ?? DEFAULT_IMPORTANCE_MS, 10 * (performance.now() - started));
    // Too few trials gives no values: nothing to show yet, and nothing to replace.
    if (!result || Object.keys(result.values).length === 0) return;
    this.lastImportance = result;
    this.emit({ type: 'importance', method: result.method, values: result.values });
  }
}

function unflatten(flat: readonly number[]): [number, number][] {
  const out: [number, number][] = new Array(flat.length / 2);
  for (let i = 0; i < flat.length; i += 2) out[i / 2] = [flat[i] as number, flat[i + 1] as number];
  return out;
}

function fileStamp(file: string): FileStamp | undefined {
  try {
    const s = fs.statSync(file);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return undefined;
  }
}

/** The storage's own errors already say where and what to do; anything else gets the file. */
function describe(err: unknown, journal: string): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.includes(journal) ? message : `${journal}: ${message}`;
}
