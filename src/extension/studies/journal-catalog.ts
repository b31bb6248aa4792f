/**
 * The studies in a set of journal files, kept current by reading only what was appended since
 * the last look (the journal is append-only, so a refresh costs a stat and the new bytes).
 * What the Studies view, the status bar and the CodeLens show comes from here. A journal that
 * cannot be read becomes a problem shown on its node, never an exception in a view.
 * No vscode: the locator decides when to refresh (file events, a timer while engines run).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JsonValue } from '../../core/space/distributions';
import { FileJournal } from '../../core/storage/file-journal';
import type { JournalBackend } from '../../core/storage/journal-backend';
import { JournalStorage } from '../../core/storage/journal-storage';
import type { Direction, FrozenTrial } from '../../core/study/trial';
import type { EngineStatus } from '../../engine/run-control';
import { runningEngine } from '../../engine/run-control';
import { OBJECTIVE_ATTR, SCRIPT_ATTR } from '../../engine/study-runner';
import type { StudyCounts } from '../views/trial-label';
import { countTrials } from '../views/trial-label';

export interface StudySummary {
  readonly journal: string;
  readonly name: string;
  readonly directions: readonly Direction[];
  /** One name per direction: Tunekit's objective attribute, Optuna's metric names, else "objective". */
  readonly objectives: readonly string[];
  /** The tuned script (absolute), when Tunekit ran the study. */
  readonly script?: string;
  readonly trials: readonly FrozenTrial[];
  readonly counts: StudyCounts;
  /** Best completed trial of a single-objective study. */
  readonly best?: FrozenTrial;
  /** The engine running it on this host, if one is alive. */
  readonly engine?: EngineStatus;
}

export interface JournalEntry {
  readonly journal: string;
  readonly studies: readonly StudySummary[];
  /** Why the journal cannot be read (what, where, what to do); its studies are then empty. */
  readonly problem?: string;
}

/** Counts the ops a backend hands out, so a refresh knows whether anything was appended. */
class CountingJournal implements JournalBackend {
  opsRead = 0;
  constructor(private readonly inner: FileJournal) {}
  get location(): string {
    return this.inner.location;
  }
  readNew(): Record<string, unknown>[] {
    const ops = this.inner.readNew();
    this.opsRead += ops.length;
    return ops;
  }
  append(ops: readonly Record<string, unknown>[]): void {
    this.inner.append(ops);
  }
  close(): void {
    this.inner.close();
  }
}

interface Tracked {
  storage?: JournalStorage;
  backend?: CountingJournal;
  entry: JournalEntry;
  /** Running flags per study at the last refresh, to notice an engine starting or ending. */
  engines: string;
}

export class JournalCatalog {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly onWarning: (message: string) => void = () => {}) {}

  journals(): string[] {
    return [...this.tracked.keys()].sort();
  }

  has(journal: string): boolean {
    return this.tracked.has(path.resolve(journal));
  }

  /** Starts tracking a journal that exists; returns false (and tracks nothing) otherwise. */
  add(journal: string): boolean {
    const file = path.resolve(journal);
    if (this.tracked.has(file)) return true;
    // FileJournal creates a missing file: never do that to a path the user did not create.
    if (!isFile(file)) return false;
    this.tracked.set(file, { entry: { journal: file, studies: [] }, engines: '' });
    this.refresh(file);
    return true;
  }

  remove(journal: string): void {
    this.tracked.delete(path.resolve(journal));
  }

  entry(journal: string): JournalEntry | undefined {
    return this.tracked.get(path.resolve(journal))?.entry;
  }

  entries(): JournalEntry[] {
    return this.journals().map((j) => (this.tracked.get(j) as Tracked).entry);
  }

  allStudies(): StudySummary[] {
    return this.entries().flatMap((e) => e.studies);
  }

  find(journal: string, studyName: string): StudySummary | undefined {
    return this.entry(journal)?.studies.find((s) => s.name === studyName);
  }

  /** Studies whose recorded script is this file, most recently active first. */
  studiesForScript(script: string): StudySummary[] {
    const file = path.resolve(script);
    return this.allStudies()
      .filter((s) => s.script === file)
      .sort((a, b) => lastActivity(b) - lastActivity(a));
  }

  /**
   * Reads what was appended and re-checks which engines are alive. Returns true when anything
   * shown changed. A journal that disappeared is dropped (and that counts as a change).
   */
  refresh(journal: string): boolean {
    const file = path.resolve(journal);
    const tracked = this.tracked.get(file);
    if (!tracked) return false;
    if (!isFile(file)) {
      this.tracked.delete(file);
      return true;
    }
    const before = tracked.backend?.opsRead ?? -1;
    const hadProblem = tracked.entry.problem;
    try {
      this.sync(tracked, file);
    } catch {
      // The file was replaced (it shrank) or an old reader met a torn write: start over once.
      tracked.storage = undefined;
      tracked.backend = undefined;
      try {
        this.sync(tracked, file);
      } catch (again) {
        const problem = `${file} cannot be read as a journal: ${(again as Error).message}. Check that it is an Optuna/Tunekit journal file, then refresh.`;
        tracked.entry = { journal: file, studies: [], problem };
        tracked.engines = '';
        return problem !== hadProblem;
      }
    }
    const storage = tracked.storage as JournalStorage;
    const appended = (tracked.backend as CountingJournal).opsRead !== before;
    const records = storage.allStudies();
    const alive = new Map(records.map((r) => [r.name, runningEngine(file, r.name)]));
    const engines = records.map((r) => `${r.name}:${alive.get(r.name)?.pid ?? ''}`).join('\n');
    if (!appended && engines === tracked.engines && hadProblem === undefined) return false;
    tracked.engines = engines;
    tracked.entry = {
      journal: file,
      studies: records.map((record) => {
        const trials = storage.studyTrials(record.id);
        const engine = alive.get(record.name);
        const script = record.userAttrs[SCRIPT_ATTR];
        const best = bestTrial(trials, record.directions);
        return {
          journal: file,
          name: record.name,
          directions: record.directions,
          objectives: objectiveNames(record.userAttrs, record.systemAttrs, record.directions.length),
          trials,
          counts: countTrials(trials),
          ...(typeof script === 'string' ? { script: path.resolve(script) } : {}),
          ...(best ? { best } : {}),
          ...(engine ? { engine } : {}),
        };
      }),
    };
    return true;
  }

  /** Refreshes every journal; returns the ones that changed. */
  refreshAll(): string[] {
    return this.journals().filter((j) => this.refresh(j));
  }

  private sync(tracked: Tracked, file: string): void {
    if (!tracked.storage) {
      tracked.backend = new CountingJournal(new FileJournal(file, { onWarning: this.onWarning }));
      tracked.storage = new JournalStorage(tracked.backend);
      return;
    }
    tracked.storage.sync();
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function bestTrial(trials: readonly FrozenTrial[], directions: readonly Direction[]): FrozenTrial | undefined {
  if (directions.length !== 1) return undefined;
  const sign = directions[0] === 'maximize' ? -1 : 1;
  let best: FrozenTrial | undefined;
  for (const t of trials) {
    const v = t.state === 'complete' ? t.values?.[0] : undefined;
    if (v === undefined || !Number.isFinite(v)) continue;
    if (!best || sign * v < sign * (best.values?.[0] as number)) best = t;
  }
  return best;
}

/** Optuna keeps `study.set_metric_names(...)` in the system attribute `study:metric_names`. */
function objectiveNames(userAttrs: Readonly<Record<string, JsonValue>>, systemAttrs: Readonly<Record<string, JsonValue>>, count: number): string[] {
  const tunekit = userAttrs[OBJECTIVE_ATTR];
  if (typeof tunekit === 'string' && count === 1) return [tunekit];
  const optuna = systemAttrs['study:metric_names'];
  if (Array.isArray(optuna) && optuna.length === count && optuna.every((n) => typeof n === 'string')) return optuna as string[];
  return count === 1 ? ['objective'] : Array.from({ length: count }, (_, i) => `objective ${i}`);
}

function lastActivity(study: StudySummary): number {
  let last = 0;
  for (const t of study.trials) last = Math.max(last, t.datetimeComplete?.getTime() ?? 0, t.datetimeStart?.getTime() ?? 0);
  return last;
}
