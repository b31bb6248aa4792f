/**
 * Study storage as an append-only journal, replayed into memory. The replay follows Optuna's
 * JournalStorageReplayResult rule for rule (ids by creation order, updates to finished trials
 * ignored, first RUNNING transition of a WAITING trial wins), so a journal means the same thing
 * to Tunekit and to Optuna, whichever of them wrote which lines.
 */
import { randomUUID } from 'node:crypto';
import type { Distribution, JsonValue, ParamValue } from '../space/distributions';
import { toExternal } from '../space/distributions';
import type { Direction, FrozenTrial, TrialState } from '../study/trial';
import { isFinished } from '../study/trial';
import type { JournalBackend } from './journal-backend';
import {
  OpCode,
  datetimeFromOptuna,
  datetimeToOptuna,
  directionFromOptuna,
  directionToOptuna,
  distributionFromOptuna,
  distributionToOptuna,
  stateFromOptuna,
  stateToOptuna,
} from './optuna-format';

/** An op in the journal that cannot be applied: written by something that is not Optuna-compatible. */
export class JournalFormatError extends Error {
  constructor(
    readonly location: string,
    readonly opNumber: number,
    detail: string,
  ) {
    super(`${location}: op #${opNumber}: ${detail}`);
    this.name = 'JournalFormatError';
  }

  static is(err: unknown): err is JournalFormatError {
    return err instanceof JournalFormatError;
  }
}

/** This process's own write was refused by the replay rules (e.g. updating a finished trial). */
export class JournalConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalConflictError';
  }

  static is(err: unknown): err is JournalConflictError {
    return err instanceof JournalConflictError;
  }
}

export interface StudyRecord {
  readonly id: number;
  readonly name: string;
  readonly directions: readonly Direction[];
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly systemAttrs: Readonly<Record<string, JsonValue>>;
}

/** What a new trial starts with; everything optional, as in Optuna's template trial. */
export interface TrialTemplate {
  state?: TrialState;
  params?: Record<string, number>;
  distributions?: Record<string, Distribution>;
  userAttrs?: Record<string, JsonValue>;
  systemAttrs?: Record<string, JsonValue>;
  values?: number[] | null;
  datetimeStart?: Date | null;
  datetimeComplete?: Date | null;
}

interface MutableStudy extends StudyRecord {
  userAttrs: Record<string, JsonValue>;
  systemAttrs: Record<string, JsonValue>;
  trialIds: number[];
}

type Op = Record<string, unknown>;

export class JournalStorage {
  /** Identifies this process's ops in the journal, as Optuna's worker_id does. */
  readonly workerId = `${randomUUID()}-tunekit`;
  private readonly studies = new Map<number, MutableStudy>();
  private readonly trials: FrozenTrial[] = [];
  private readonly trialStudy: number[] = [];
  private nextStudyId = 0;
  private opsRead = 0;
  private lastCreatedTrialId = -1;
  private ownedTrialId: number | undefined;
  /**
   * Step maps made during the sync in progress, so never handed out: they may be updated in
   * place. Copying a trial's map for every step would make replaying a journal quadratic in
   * steps per trial (20 trials x 5,000 steps: 15 s instead of 0.2 s).
   */
  private readonly freshStepMaps = new Set<ReadonlyMap<number, number>>();
  /**
   * Each study's trial list as last handed out, shared by every reader (a sampler reads it
   * several times per ask) until an op is applied; never mutated.
   */
  private readonly trialLists = new Map<number, readonly FrozenTrial[]>();

  constructor(readonly backend: JournalBackend) {
    this.sync();
  }

  /** Applies whatever other writers appended since the last call. */
  sync(): void {
    try {
      for (const op of this.backend.readNew()) {
        this.opsRead++;
        this.apply(op);
        // Also drops a list built during the op (its clash check), which predates the op's change.
        this.trialLists.clear();
      }
    } finally {
      this.freshStepMaps.clear();
      this.trialLists.clear();
    }
  }

  allStudies(): StudyRecord[] {
    return [...this.studies.values()];
  }

  findStudy(name: string): StudyRecord | undefined {
    for (const s of this.studies.values()) if (s.name === name) return s;
    return undefined;
  }

  study(studyId: number): StudyRecord {
    const s = this.studies.get(studyId);
    if (!s) throw new JournalConflictError(`study ${studyId} does not exist in ${this.backend.location}`);
    return s;
  }

  createStudy(name: string, directions: readonly Direction[]): StudyRecord {
    this.write({ op_code: OpCode.CreateStudy, study_name: name, directions: directions.map(directionToOptuna) });
    return this.findStudy(name) as StudyRecord;
  }

  setStudyUserAttr(studyId: number, key: string, value: JsonValue): void {
    this.write({ op_code: OpCode.SetStudyUserAttr, study_id: studyId, user_attr: { [key]: value } });
  }

  setStudySystemAttr(studyId: number, key: string, value: JsonValue): void {
    this.write({ op_code: OpCode.SetStudySystemAttr, study_id: studyId, system_attr: { [key]: value } });
  }

  /** Appends a CREATE_TRIAL op and returns the id the replay gave it. */
  createTrial(studyId: number, template: TrialTemplate = {}): FrozenTrial {
    const op: Op = {
      op_code: OpCode.CreateTrial,
      study_id: studyId,
      datetime_start: datetimeToOptuna(template.datetimeStart ?? new Date()),
    };
    if (template.state !== undefined) op.state = stateToOptuna(template.state);
    if (template.datetimeStart === null) op.datetime_start = null;
    if (template.distributions) {
      op.distributions = Object.fromEntries(Object.entries(template.distributions).map(([k, d]) => [k, distributionToOptuna(d)]));
    }
    if (template.params) op.params = template.params;
    if (template.userAttrs) op.user_attrs = template.userAttrs;
    if (template.systemAttrs) op.system_attrs = template.systemAttrs;
    if (template.values !== undefined) {
      const values = template.values;
      op.value = values && values.length === 1 ? values[0] : null;
      op.values = values && values.length > 1 ? values : null;
    }
    if (template.datetimeComplete) op.datetime_complete = datetimeToOptuna(template.datetimeComplete);
    this.write(op);
    return this.trial(this.lastCreatedTrialId);
  }

  setTrialParam(trialId: number, name: string, internal: number, distribution: Distribution): void {
    this.write({
      op_code: OpCode.SetTrialParam,
      trial_id: trialId,
      param_name: name,
      param_value_internal: internal,
      distribution: distributionToOptuna(distribution),
    });
  }

  /**
   * Moves a trial to a new state. For RUNNING (taking a WAITING trial), returns whether this
   * process won it: with several workers, the first RUNNING op in the journal wins.
   */
  setTrialStateValues(trialId: number, state: TrialState, values: readonly number[] | null = null): boolean {
    const op: Op = { op_code: OpCode.SetTrialStateValues, trial_id: trialId, state: stateToOptuna(state), values };
    if (state === 'running') op.datetime_start = datetimeToOptuna(new Date());
    if (isFinished(state)) op.datetime_complete = datetimeToOptuna(new Date());
    this.write(op);
    return state !== 'running' || this.ownedTrialId === trialId;
  }

  /** Several parameters of one trial in one append. */
  setTrialParams(trialId: number, params: readonly { name: string; internal: number; distribution: Distribution }[]): void {
    this.write(
      ...params.map((p) => ({
        op_code: OpCode.SetTrialParam,
        trial_id: trialId,
        param_name: p.name,
        param_value_internal: p.internal,
        distribution: distributionToOptuna(p.distribution),
      })),
    );
  }

  setTrialIntermediateValue(trialId: number, step: number, value: number): void {
    this.write({ op_code: OpCode.SetTrialIntermediateValue, trial_id: trialId, step, intermediate_value: value });
  }

  /** Several user attributes in one append (one op per key, as Optuna requires). */
  setTrialUserAttrs(trialId: number, attrs: Readonly<Record<string, JsonValue>>): void {
    this.write(...Object.entries(attrs).map(([k, v]) => ({ op_code: OpCode.SetTrialUserAttr, trial_id: trialId, user_attr: { [k]: v } })));
  }

  setTrialSystemAttr(trialId: number, key: string, value: JsonValue): void {
    this.write({ op_code: OpCode.SetTrialSystemAttr, trial_id: trialId, system_attr: { [key]: value } });
  }

  trial(trialId: number): FrozenTrial {
    const t = this.trials[trialId];
    if (!t) throw new JournalConflictError(`trial id ${trialId} does not exist in ${this.backend.location}`);
    return t;
  }

  studyTrials(studyId: number): readonly FrozenTrial[] {
    let list = this.trialLists.get(studyId);
    if (list === undefined) {
      list = this.studies.get(studyId)?.trialIds.map((id) => this.trials[id] as FrozenTrial) ?? [];
      this.trialLists.set(studyId, list);
    }
    return list;
  }

  private write(...ops: Op[]): void {
    this.backend.append(ops.map((op) => ({ op_code: op.op_code, worker_id: this.workerId, ...op })));
    this.sync();
  }

  private apply(op: Op): void {
    const mine = op.worker_id === this.workerId;
    const fail = (detail: string): never => {
      throw new JournalFormatError(this.backend.location, this.opsRead, detail);
    };
    // Rejections of other workers' ops are silent (they lost a race); our own are errors.
    const reject = (message: string): void => {
      if (mine) throw new JournalConflictError(message);
    };
    switch (op.op_code) {
      case OpCode.CreateStudy: {
        const name = op.study_name;
        if (typeof name !== 'string' || !Array.isArray(op.directions)) return void fail('CREATE_STUDY needs study_name and directions');
        const directions = op.directions.map(directionFromOptuna);
        if (directions.some((d) => d === undefined)) return void fail(`unknown study direction in ${JSON.stringify(op.directions)}`);
        if (this.findStudy(name)) return reject(`a study named "${name}" already exists in ${this.backend.location}`);
        const id = this.nextStudyId++;
        this.studies.set(id, { id, name, directions: directions as Direction[], userAttrs: {}, systemAttrs: {}, trialIds: [] });
        return;
      }
      case OpCode.DeleteStudy:
        if (!this.studies.delete(op.study_id as number)) reject(`study ${String(op.study_id)} does not exist`);
        return;
      case OpCode.SetStudyUserAttr:
      case OpCode.SetStudySystemAttr: {
        const study = this.studies.get(op.study_id as number);
        if (!study) return reject(`study ${String(op.study_id)} does not exist`);
        const user = op.op_code === OpCode.SetStudyUserAttr;
        const attr = (user ? op.user_attr : op.system_attr) as Record<string, JsonValue> | undefined;
        if (typeof attr !== 'object' || attr === null) return void fail('attribute op without attributes');
        Object.assign(user ? study.userAttrs : study.systemAttrs, attr);
        return;
      }
      case OpCode.CreateTrial:
        return this.applyCreateTrial(op, mine, fail, reject);
      default:
        return this.applyTrialUpdate(op, mine, fail, reject);
    }
  }

  private applyCreateTrial(op: Op, mine: boolean, fail: (d: string) => never, reject: (m: string) => void): void {
    const study = this.studies.get(op.study_id as number);
    if (!study) return reject(`study ${String(op.study_id)} does not exist`);
    const distributions: Record<string, Distribution> = {};
    for (const [k, v] of Object.entries((op.distributions ?? {}) as Record<string, unknown>)) {
      distributions[k] = distributionFromOptuna(v) ?? fail(`unknown distribution for "${k}": ${String(v)}`);
    }
    const params: Record<string, ParamValue> = {};
    for (const [k, v] of Object.entries((op.params ?? {}) as Record<string, unknown>)) {
      const dist = distributions[k] ?? fail(`param "${k}" has no distribution`);
      params[k] = toExternal(k, dist, Number(v));
    }
    const state = op.state === undefined ? 'running' : (stateFromOptuna(op.state) ?? fail(`unknown trial state ${String(op.state)}`));
    const intermediate = new Map<number, number>();
    for (const [step, v] of Object.entries((op.intermediate_values ?? {}) as Record<string, number>)) intermediate.set(Number(step), v);
    const values = Array.isArray(op.values) ? (op.values as number[]) : typeof op.value === 'number' ? [op.value] : null;
    const id = this.trials.length;
    this.trials.push({
      id,
      number: study.trialIds.length,
      state,
      params,
      distributions,
      values,
      intermediateValues: intermediate,
      userAttrs: { ...((op.user_attrs ?? {}) as Record<string, JsonValue>) },
      systemAttrs: { ...((op.system_attrs ?? {}) as Record<string, JsonValue>) },
      datetimeStart: datetimeFromOptuna(op.datetime_start),
      datetimeComplete: datetimeFromOptuna(op.datetime_complete),
    });
    this.trialStudy[id] = study.id;
    this.freshStepMaps.add(intermediate);
    study.trialIds.push(id);
    if (mine) {
      this.lastCreatedTrialId = id;
      if (state === 'running') this.ownedTrialId = id;
    }
  }

  private applyTrialUpdate(op: Op, mine: boolean, fail: (d: string) => never, reject: (m: string) => void): void {
    const id = op.trial_id as number;
    const trial = this.trials[id];
    if (!trial) return reject(`trial id ${String(id)} does not exist`);
    if (isFinished(trial.state)) return reject(`trial ${trial.number} has already finished and cannot be updated`);
    let next: FrozenTrial;
    switch (op.op_code) {
      case OpCode.SetTrialParam: {
        const name = op.param_name as string;
        const dist = distributionFromOptuna(op.distribution) ?? fail(`unknown distribution for "${name}"`);
        const clash = this.studyTrials(this.trialStudy[id] as number).find((t) => name in t.distributions);
        if (clash && !compatible(clash.distributions[name] as Distribution, dist)) {
          return reject(`param "${name}" was declared with a different kind of distribution by trial ${clash.number}`);
        }
        next = {
          ...trial,
          params: { ...trial.params, [name]: toExternal(name, dist, Number(op.param_value_internal)) },
          distributions: { ...trial.distributions, [name]: dist },
        };
        break;
      }
      case OpCode.SetTrialStateValues: {
        const state = stateFromOptuna(op.state) ?? fail(`unknown trial state ${String(op.state)}`);
        if (state === 'running' && trial.state === 'running') return;
        next = { ...trial, state };
        if (state === 'running') {
          next = { ...next, datetimeStart: datetimeFromOptuna(op.datetime_start) };
          if (mine) this.ownedTrialId = id;
        }
        if (isFinished(state)) next = { ...next, datetimeComplete: datetimeFromOptuna(op.datetime_complete) };
        if (Array.isArray(op.values)) next = { ...next, values: op.values as number[] };
        break;
      }
      case OpCode.SetTrialIntermediateValue: {
        if (this.freshStepMaps.has(trial.intermediateValues)) {
          (trial.intermediateValues as Map<number, number>).set(Number(op.step), op.intermediate_value as number);
          return;
        }
        const intermediate = new Map(trial.intermediateValues);
        intermediate.set(Number(op.step), op.intermediate_value as number);
        this.freshStepMaps.add(intermediate);
        next = { ...trial, intermediateValues: intermediate };
        break;
      }
      case OpCode.SetTrialUserAttr:
        next = { ...trial, userAttrs: { ...trial.userAttrs, ...(op.user_attr as Record<string, JsonValue>) } };
        break;
      case OpCode.SetTrialSystemAttr:
        next = { ...trial, systemAttrs: { ...trial.systemAttrs, ...(op.system_attr as Record<string, JsonValue>) } };
        break;
      default:
        return void fail(`unknown op_code ${JSON.stringify(op.op_code)}`);
    }
    this.trials[id] = next;
  }
}

/** Optuna's check_distribution_compatibility: same kind; categorical choices must match. */
function compatible(a: Distribution, b: Distribution): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'categorical' && b.type === 'categorical') return JSON.stringify(a.choices) === JSON.stringify(b.choices);
  return true;
}
