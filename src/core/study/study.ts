/**
 * The ask/tell study: the library face of Tunekit (`tunekit/core`) and what the engine drives.
 *
 *   const study = createStudy({ space, direction: 'minimize', seed: 1 });
 *   const t = study.ask();
 *   study.report(t.number, step, value); if (study.shouldPrune(t.number)) ...
 *   study.tell(t.number, f(t.params));
 *
 * Every change goes through the journal (in memory, or a file Optuna can open), so several
 * processes can share one study file: each ask first reads what the others appended.
 */
import type { JsonValue, ParamValue } from '../space/distributions';
import { DistributionError, contains, toInternal } from '../space/distributions';
import type { ParameterSpec, SearchSpace } from '../space/search-space';
import { createSearchSpace, isActive, parseSearchSpace, searchSpaceToJson } from '../space/search-space';
import type { Sampler } from '../samplers/sampler';
import { DEFAULT_SAMPLER, type SamplerName, createSampler } from '../samplers/sampler-factory';
import type { Pruner } from '../pruners/pruner';
import { type PrunerName, createPruner } from '../pruners/pruner-factory';
import type { JournalBackend } from '../storage/journal-backend';
import { MemoryJournal } from '../storage/journal-backend';
import { FileJournal } from '../storage/file-journal';
import type { StudyRecord } from '../storage/journal-storage';
import { JournalStorage } from '../storage/journal-storage';
import type { Direction, FrozenTrial, StudyView } from './trial';
import { lastStep } from './trial';
import { paretoFront } from './pareto';
import { CONSTRAINTS_ATTR, isFeasible, readConstraints, validateConstraints } from './constraints';

/** A trial without constraint values counts as feasible; one with them, when all are <= 0. */
function feasible(trial: FrozenTrial): boolean {
  const c = readConstraints(trial);
  return c === null || isFeasible(c);
}

export type { PrunerName, SamplerName };

export interface StudyOptions {
  /** A parsed space, or the study-file form `{ lr: { type: 'float', low, high, log: true }, ... }`. */
  space: SearchSpace | Record<string, unknown>;
  direction?: Direction;
  directions?: readonly Direction[];
  sampler?: Sampler | SamplerName;
  pruner?: Pruner | PrunerName;
  seed?: number;
  /** A journal file path (created if missing), a backend, or nothing for an in-memory study. */
  storage?: string | JournalBackend;
  studyName?: string;
  /** Reuse a study of the same name in the storage (default true); false makes that an error. */
  loadIfExists?: boolean;
  onWarning?: (message: string) => void;
}

export interface AskedTrial {
  readonly number: number;
  readonly params: Readonly<Record<string, ParamValue>>;
}

/** What tell accepts: the objective value(s), or an explicit outcome. */
export type TellResult =
  | number
  | readonly number[]
  | { readonly state: 'pruned' }
  | { readonly state: 'fail'; readonly reason?: string };

/** Misuse of a study: unknown trial, telling a finished trial, wrong number of values. */
export class StudyUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StudyUsageError';
  }

  static is(err: unknown): err is StudyUsageError {
    return err instanceof StudyUsageError;
  }
}

/** Study user attribute holding the space, so any reader of the journal knows it. */
export const SPACE_ATTR = 'tunekit:space';
/** Trial system attribute holding why a trial failed (readable in optuna-dashboard too). */
export const FAIL_REASON_ATTR = 'fail_reason';

export function createStudy(options: StudyOptions): Study {
  const space = isParsedSpace(options.space) ? createSearchSpace(options.space.parameters) : parseSearchSpace(options.space);
  const directions = options.directions ?? [options.direction ?? 'minimize'];
  if (directions.length === 0) throw new StudyUsageError('a study needs at least one direction');
  const storage = new JournalStorage(openBackend(options.storage, options.onWarning));
  const name = options.studyName ?? 'tunekit-study';
  let record = storage.findStudy(name);
  if (record) {
    if (options.loadIfExists === false) {
      throw new StudyUsageError(`a study named "${name}" already exists in ${storage.backend.location}`);
    }
    if (record.directions.join() !== directions.join()) {
      throw new StudyUsageError(
        `study "${name}" in ${storage.backend.location} has directions [${record.directions.join(', ')}], not [${directions.join(', ')}]`,
      );
    }
  } else {
    record = storage.createStudy(name, directions);
    storage.setStudyUserAttr(record.id, SPACE_ATTR, searchSpaceToJson(space));
  }
  const sampler = typeof options.sampler === 'object' ? options.sampler : createSampler(options.sampler ?? DEFAULT_SAMPLER, { seed: options.seed, space });
  const pruner = typeof options.pruner === 'object' ? options.pruner : createPruner(options.pruner ?? 'none');
  return new Study(storage, record, space, sampler, pruner);
}

/**
 * Opens an existing study, Tunekit's or Optuna's. The space comes from the study's
 * `tunekit:space` attribute, or, for a study Optuna wrote, from its trials' distributions.
 */
export function loadStudy(options: {
  storage: string | JournalBackend;
  studyName?: string;
  sampler?: Sampler | SamplerName;
  pruner?: Pruner | PrunerName;
  seed?: number;
  onWarning?: (message: string) => void;
}): Study {
  const storage = new JournalStorage(openBackend(options.storage, options.onWarning));
  const studies = storage.allStudies();
  const where = storage.backend.location;
  let record: StudyRecord | undefined;
  if (options.studyName !== undefined) {
    record = storage.findStudy(options.studyName);
    if (!record) {
      throw new StudyUsageError(`no study named "${options.studyName}" in ${where}; it has: ${studies.map((s) => s.name).join(', ') || 'none'}`);
    }
  } else if (studies.length === 1) {
    record = studies[0];
  } else {
    throw new StudyUsageError(
      studies.length === 0 ? `${where} holds no study` : `${where} holds ${studies.length} studies; name one of: ${studies.map((s) => s.name).join(', ')}`,
    );
  }
  const study = record as StudyRecord;
  const rawSpace = study.userAttrs[SPACE_ATTR];
  const space = rawSpace ? parseSearchSpace(rawSpace) : inferSpace(storage.studyTrials(study.id));
  const sampler = typeof options.sampler === 'object' ? options.sampler : createSampler(options.sampler ?? DEFAULT_SAMPLER, { seed: options.seed, space });
  const pruner = typeof options.pruner === 'object' ? options.pruner : createPruner(options.pruner ?? 'none');
  return new Study(storage, study, space, sampler, pruner);
}

export class Study implements StudyView {
  constructor(
    private readonly storage: JournalStorage,
    private readonly record: StudyRecord,
    readonly space: SearchSpace,
    readonly sampler: Sampler,
    readonly pruner: Pruner,
  ) {}

  get name(): string {
    return this.record.name;
  }

  get directions(): readonly Direction[] {
    return this.record.directions;
  }

  get location(): string {
    return this.storage.backend.location;
  }

  get userAttrs(): Readonly<Record<string, JsonValue>> {
    return this.storage.study(this.record.id).userAttrs;
  }

  get systemAttrs(): Readonly<Record<string, JsonValue>> {
    return this.storage.study(this.record.id).systemAttrs;
  }

  /** All trials in number order, as of the last sync. */
  get trials(): readonly FrozenTrial[] {
    return this.storage.studyTrials(this.record.id);
  }

  /** Reads what other processes appended to the journal. */
  sync(): void {
    this.storage.sync();
  }

  /**
   * Starts a trial: takes the oldest enqueued trial if any (values it fixes are kept), else
   * samples a new point. `fixed` pins some parameters for this trial only.
   */
  ask(fixed: Readonly<Record<string, ParamValue>> = {}): AskedTrial {
    this.storage.sync();
    for (const waiting of this.trials.filter((t) => t.state === 'waiting')) {
      if (!this.storage.setTrialStateValues(waiting.id, 'running')) continue;
      const enqueued = (waiting.systemAttrs.fixed_params ?? {}) as Record<string, ParamValue>;
      const params = this.sample({ ...enqueued, ...fixed });
      for (const [key, value] of Object.entries(this.samplerTrialAttrs())) this.storage.setTrialSystemAttr(waiting.id, key, value);
      this.storage.setTrialParams(
        waiting.id,
        this.activeSpecs(params).map((spec) => ({ name: spec.name, internal: toInternal(spec.name, spec.distribution, params[spec.name] as ParamValue), distribution: spec.distribution })),
      );
      return { number: waiting.number, params };
    }
    const params = this.sample(fixed);
    const specs = this.activeSpecs(params);
    const trial = this.storage.createTrial(this.record.id, {
      state: 'running',
      params: Object.fromEntries(specs.map((s) => [s.name, toInternal(s.name, s.distribution, params[s.name] as ParamValue)])),
      distributions: Object.fromEntries(specs.map((s) => [s.name, s.distribution])),
      systemAttrs: this.samplerTrialAttrs(),
    });
    return { number: trial.number, params };
  }

  /** What the sampler wants recorded on the trial it just sampled (the auto sampler: which sampler ran, and why). */
  private samplerTrialAttrs(): Record<string, JsonValue> {
    const sampler = this.sampler as Sampler & { trialSystemAttrs?: () => Record<string, JsonValue> };
    return typeof sampler.trialSystemAttrs === 'function' ? sampler.trialSystemAttrs() : {};
  }

  /** Queues a trial with chosen parameters; the next ask() takes it. Returns its number. */
  enqueue(params: Readonly<Record<string, ParamValue>>): number {
    for (const [name, value] of Object.entries(params)) {
      const spec = this.space.parameters.find((p) => p.name === name);
      if (spec && !contains(spec.distribution, value)) {
        throw new DistributionError(name, `${JSON.stringify(value)} is outside the search space`);
      }
    }
    return this.storage.createTrial(this.record.id, { state: 'waiting', datetimeStart: null, systemAttrs: { fixed_params: { ...params } as JsonValue } }).number;
  }

  /** Records the objective's value at a step (an epoch, an iteration) of a running trial. */
  report(number: number, step: number, value: number): void {
    const trial = this.runningTrial(number);
    if (!Number.isInteger(step) || step < 0) throw new StudyUsageError(`trial ${number}: step must be a non-negative integer, got ${step}`);
    if (typeof value !== 'number') throw new StudyUsageError(`trial ${number}: reported value must be a number`);
    this.storage.setTrialIntermediateValue(trial.id, step, value);
  }

  /** Asks the pruner whether the trial's latest report says it should stop. */
  shouldPrune(number: number): boolean {
    const trial = this.runningTrial(number);
    if (lastStep(trial) === undefined) return false;
    return this.pruner.shouldPrune(this, trial);
  }

  /**
   * Finishes a trial. Values that are NaN or infinite, or of the wrong count, fail the trial
   * with the reason recorded instead of poisoning the study.
   */
  tell(number: number, result: TellResult): FrozenTrial {
    const trial = this.runningTrial(number);
    if (typeof result === 'object' && !Array.isArray(result) && 'state' in result) {
      if (result.state === 'pruned') {
        const step = lastStep(trial);
        const last = step === undefined ? undefined : trial.intermediateValues.get(step);
        const values = last !== undefined && Number.isFinite(last) && this.directions.length === 1 ? [last] : null;
        this.storage.setTrialStateValues(trial.id, 'pruned', values);
      } else {
        return this.fail(trial, result.reason ?? 'failed');
      }
      return this.storage.trial(trial.id);
    }
    const values = typeof result === 'number' ? [result] : [...(result as readonly number[])];
    if (values.length !== this.directions.length) {
      return this.fail(trial, `expected ${this.directions.length} objective value(s), got ${values.length}`);
    }
    const bad = values.find((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad !== undefined) return this.fail(trial, `objective value is ${String(bad)}`);
    this.storage.setTrialStateValues(trial.id, 'complete', values);
    return this.storage.trial(trial.id);
  }

  /** Attaches a user attribute (a log path, the command line, the GPU) to a trial. */
  setTrialAttrs(number: number, attrs: Readonly<Record<string, JsonValue>>): void {
    this.storage.setTrialUserAttrs(this.trialByNumber(number).id, attrs);
  }

  setTrialSystemAttr(number: number, key: string, value: JsonValue): void {
    this.storage.setTrialSystemAttr(this.trialByNumber(number).id, key, value);
  }

  setUserAttr(key: string, value: JsonValue): void {
    this.storage.setStudyUserAttr(this.record.id, key, value);
  }

  setSystemAttr(key: string, value: JsonValue): void {
    this.storage.setStudySystemAttr(this.record.id, key, value);
  }

  trial(number: number): FrozenTrial {
    return this.trialByNumber(number);
  }

  /**
   * Records a trial's constraint values (feasible when every value is <= 0), which NSGA-II ranks
   * by and bestTrial / bestTrials respect. Tell them before telling the objective, as Optuna's
   * constraints_func does, so a sampler never sees the trial finished without them.
   */
  setTrialConstraints(number: number, values: readonly number[]): void {
    const checked = validateConstraints(values, number);
    this.setTrialSystemAttr(number, CONSTRAINTS_ATTR, [...checked]);
  }

  /** Best feasible completed trial of a single-objective study. */
  get bestTrial(): FrozenTrial | undefined {
    if (this.directions.length !== 1) throw new StudyUsageError('bestTrial is for single-objective studies; use bestTrials');
    const sign = this.directions[0] === 'maximize' ? -1 : 1;
    let best: FrozenTrial | undefined;
    for (const t of this.trials) {
      if (t.state !== 'complete' || !t.values || !feasible(t)) continue;
      if (!best || sign * (t.values[0] as number) < sign * ((best.values as number[])[0] as number)) best = t;
    }
    return best;
  }

  /** The Pareto front of feasible completed trials (the best trial, for one objective). */
  get bestTrials(): FrozenTrial[] {
    return paretoFront(this.trials.filter((t) => t.state === 'complete' && t.values !== null && feasible(t)), this.directions);
  }

  /** True when the sampler can propose nothing new (a grid whose points are all taken). */
  isExhausted(): boolean {
    const s = this.sampler as Sampler & { isExhausted?: (study: StudyView) => boolean };
    return typeof s.isExhausted === 'function' && s.isExhausted(this);
  }

  close(): void {
    this.storage.backend.close();
  }

  private fail(trial: FrozenTrial, reason: string): FrozenTrial {
    this.storage.setTrialSystemAttr(trial.id, FAIL_REASON_ATTR, reason);
    this.storage.setTrialStateValues(trial.id, 'fail', null);
    return this.storage.trial(trial.id);
  }

  private sample(fixed: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
    const relative = this.sampler.sampleRelative(this, this.space);
    const chosen: Record<string, ParamValue> = {};
    for (const spec of this.space.parameters) {
      if (!isActive(spec, chosen)) continue;
      const value = spec.name in fixed ? fixed[spec.name] : spec.name in relative ? relative[spec.name] : this.sampler.sampleIndependent(this, spec, chosen);
      if (!contains(spec.distribution, value as ParamValue)) {
        throw new DistributionError(spec.name, `${JSON.stringify(value)} is outside the search space`);
      }
      chosen[spec.name] = value as ParamValue;
    }
    return chosen;
  }

  private activeSpecs(params: Readonly<Record<string, ParamValue>>): ParameterSpec[] {
    return this.space.parameters.filter((p) => p.name in params);
  }

  private trialByNumber(number: number): FrozenTrial {
    const trial = this.trials[number];
    if (!trial) throw new StudyUsageError(`study "${this.name}" has no trial ${number}`);
    return trial;
  }

  private runningTrial(number: number): FrozenTrial {
    this.storage.sync();
    const trial = this.trialByNumber(number);
    if (trial.state !== 'running') throw new StudyUsageError(`trial ${number} is ${trial.state}, not running`);
    return trial;
  }
}

function openBackend(storage: string | JournalBackend | undefined, onWarning?: (m: string) => void): JournalBackend {
  if (storage === undefined) return new MemoryJournal();
  if (typeof storage === 'string') return new FileJournal(storage, onWarning ? { onWarning } : {});
  return storage;
}

function isParsedSpace(space: StudyOptions['space']): space is SearchSpace {
  return Array.isArray((space as SearchSpace).parameters);
}

/** For a study Optuna wrote: the union of its trials' distributions (last one wins). */
function inferSpace(trials: readonly FrozenTrial[]): SearchSpace {
  const specs = new Map<string, ParameterSpec>();
  for (const t of trials) for (const [name, distribution] of Object.entries(t.distributions)) specs.set(name, { name, distribution });
  return createSearchSpace([...specs.values()]);
}
