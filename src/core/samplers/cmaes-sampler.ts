/**
 * CMA-ES for single-objective studies (cmaes/cma-es.ts: Hansen's CMA-ES with IPOP restarts and
 * the integer margin of CMA-ES with Margin). It models jointly every numeric parameter that is
 * not conditional, each as a coordinate of [0, 1] (log ranges in log space, ints and stepped
 * floats by cells, qmc/unit-interval.ts); categorical and conditional parameters fall back to
 * independent random draws, as in Optuna's CmaEsSampler.
 *
 * No state lives outside the study. The sampler is a pure function of (seed, trials): every
 * candidate k of generation g is drawn from its own Rng seeded by (seed, restart, g, k), so the
 * state is rebuilt by replaying the trials in number order. A trial whose parameters are
 * exactly the decoded candidate k of the current generation is its k-th member; once members
 * 0..lambda-1 have all finished, the generation updates and the next one starts. Trials that
 * match no candidate (enqueued or partly fixed ones) are left out, so they neither shift nor
 * corrupt the generations. Running trials keep their slots, so parallel asks get distinct
 * candidates, and asks beyond lambda while a generation is pending draw further candidates of
 * it. Optuna keeps the same state in trial system attributes instead; the replay needs none,
 * and works for journals any process wrote. To avoid replaying from the start on every ask, the
 * state at the latest generation start is cached in memory and checked against the trials.
 */
import { Rng } from '../random/rng';
import type { Distribution, ParamValue } from '../space/distributions';
import { isSingle } from '../space/distributions';
import type { ParameterSpec, SearchSpace } from '../space/search-space';
import type { FrozenTrial, StudyView } from '../study/trial';
import { type CmaState, type Solution, defaultPopulationSize, initialState, sampleCandidate, shouldRestart, updateState } from './cmaes/cma-es';
import type { CellOf } from './cmaes/integer-margin';
import { fromUnit, unitCell } from './qmc/unit-interval';
import { sampleUniform } from './random';
import type { Sampler } from './sampler';
import { SamplerError } from './sampler-error';
import { deriveSeed, freshSeed, proposalRng } from './sampler-rng';

export interface CmaEsSamplerOptions {
  readonly seed?: number;
  /** Initial step size on the unit cube (Optuna: a sixth of the range). */
  readonly sigma0?: number;
  /** First run's population; default 4 + floor(3 ln n) (Hansen 2016). */
  readonly populationSize?: number;
  /** 'ipop' (default) doubles the population at each restart; 'none' never restarts. */
  readonly restartStrategy?: 'ipop' | 'none';
  /** IPOP's population growth per restart (Auger & Hansen 2005: 2). */
  readonly incPopSize?: number;
}

interface Member {
  readonly trial: FrozenTrial;
  readonly x: Float64Array;
}

interface Checkpoint {
  readonly key: string;
  /** Index in study.trials of the first trial the state has not consumed. */
  readonly index: number;
  /** Fingerprint of the trial just before `index`, to tell this study's history from another's. */
  readonly before: string;
  readonly state: CmaState;
}

export class CmaEsSampler implements Sampler {
  readonly name = 'cmaes';
  private readonly seed: number;
  private readonly sigma0: number;
  private readonly populationSize: number | undefined;
  private readonly restartStrategy: 'ipop' | 'none';
  private readonly incPopSize: number;
  private checkpoint: Checkpoint | undefined;

  constructor(options: CmaEsSamplerOptions = {}) {
    this.seed = options.seed ?? freshSeed();
    this.sigma0 = options.sigma0 ?? 1 / 6;
    this.populationSize = options.populationSize;
    this.restartStrategy = options.restartStrategy ?? 'ipop';
    this.incPopSize = options.incPopSize ?? 2;
    if (!(this.sigma0 > 0 && this.sigma0 <= 1)) throw new SamplerError('invalid-option', `CMA-ES sigma0 must lie in (0, 1], got ${this.sigma0}`);
    if (this.populationSize !== undefined && !(Number.isInteger(this.populationSize) && this.populationSize >= 2)) {
      throw new SamplerError('invalid-option', `CMA-ES populationSize must be an integer >= 2, got ${this.populationSize}`);
    }
    if (!(this.incPopSize >= 1)) throw new SamplerError('invalid-option', `CMA-ES incPopSize must be >= 1, got ${this.incPopSize}`);
  }

  sampleRelative(study: StudyView, space: SearchSpace): Record<string, ParamValue> {
    if (study.directions.length !== 1) {
      throw new SamplerError('invalid-option', `CMA-ES optimises one objective; this study has ${study.directions.length}: use the "nsga2" sampler`);
    }
    const specs = relativeSpecs(space);
    if (specs.length === 0) return {};
    const x = this.nextCandidate(study, specs);
    return decode(specs, x);
  }

  sampleIndependent(study: StudyView, param: ParameterSpec, _chosen: Readonly<Record<string, ParamValue>>): ParamValue {
    return sampleUniform(param.distribution, proposalRng(this.seed, study, param.name));
  }

  /** The candidate the next trial should take: replays the trials, then picks the free slot. */
  private nextCandidate(study: StudyView, specs: readonly ParameterSpec[]): Float64Array {
    const key = specs.map((s) => `${s.name}:${JSON.stringify(s.distribution)}`).join('|');
    const cellOf: CellOf = (d, u) => unitCell((specs[d] as ParameterSpec).distribution, u);
    const sign = study.directions[0] === 'maximize' ? -1 : 1;
    const trials = study.trials;
    const cached = this.checkpoint;
    let start = 0;
    let state: CmaState;
    if (cached && cached.key === key && cached.index <= trials.length && cached.index > 0 && fingerprint(trials[cached.index - 1]) === cached.before) {
      start = cached.index;
      state = cached.state;
    } else {
      state = this.firstState(specs.length, cellOf);
    }
    let members: Member[] = [];
    let next: CmaState | undefined;
    for (let i = start; i < trials.length; i++) {
      const trial = trials[i] as FrozenTrial;
      if (!specs.every((s) => typeof trial.params[s.name] === 'number')) continue;
      const slot = this.candidate(state, members.length);
      if (matches(specs, trial, slot)) {
        members.push({ trial, x: slot });
        continue;
      }
      if (this.closable(state, members)) {
        next ??= this.advance(state, members, sign, cellOf);
        const first = this.candidate(next, 0);
        if (matches(specs, trial, first)) {
          state = next;
          next = undefined;
          members = [{ trial, x: first }];
          if (i > 0) this.checkpoint = { key, index: i, before: fingerprint(trials[i - 1]), state };
        }
      }
    }
    if (this.closable(state, members)) {
      state = next ?? this.advance(state, members, sign, cellOf);
      return this.candidate(state, 0);
    }
    return this.candidate(state, members.length);
  }

  private firstState(n: number, cellOf: CellOf): CmaState {
    const lambda = this.populationSize ?? defaultPopulationSize(n);
    // Hansen's tutorial starts from the centre of the box (Optuna's x0 too).
    return initialState(new Float64Array(n).fill(0.5), this.sigma0, lambda, 0, cellOf);
  }

  private closable(state: CmaState, members: readonly Member[]): boolean {
    const lambda = state.params.lambda;
    return members.length >= lambda && members.slice(0, lambda).every((m) => m.trial.state === 'complete' || m.trial.state === 'pruned' || m.trial.state === 'fail');
  }

  /** Updates with the generation's first lambda members, restarting (IPOP) when it has converged. */
  private advance(state: CmaState, members: readonly Member[], sign: number, cellOf: CellOf): CmaState {
    const solutions: Solution[] = members.slice(0, state.params.lambda).map((m) => ({
      x: m.x,
      // Pruned and failed trials rank after every completed one.
      value: m.trial.state === 'complete' && m.trial.values ? sign * (m.trial.values[0] as number) : Infinity,
    }));
    const updated = updateState(state, solutions, cellOf);
    if (this.restartStrategy === 'none' || !shouldRestart(updated, solutions.map((s) => s.value), this.sigma0)) return updated;
    const restart = state.restart + 1;
    const n = state.params.n;
    const rng = new Rng(deriveSeed(this.seed, 'cmaes:restart', restart));
    const mean = Float64Array.from({ length: n }, () => rng.random());
    const lambda = Math.round(state.params.lambda * this.incPopSize);
    return initialState(mean, this.sigma0, Math.max(lambda, state.params.lambda), restart, cellOf);
  }

  private candidate(state: CmaState, slot: number): Float64Array {
    return sampleCandidate(state, new Rng(deriveSeed(this.seed, 'cmaes', state.restart, state.generation, slot)));
  }
}

/** Numeric, unconditional parameters with more than one value: what CMA-ES models. */
function relativeSpecs(space: SearchSpace): ParameterSpec[] {
  return space.parameters.filter((p) => p.condition === undefined && p.distribution.type !== 'categorical' && !isSingle(p.distribution));
}

function decode(specs: readonly ParameterSpec[], x: Float64Array): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  specs.forEach((s, i) => {
    out[s.name] = fromUnit(s.distribution as Distribution, x[i] as number);
  });
  return out;
}

function matches(specs: readonly ParameterSpec[], trial: FrozenTrial, x: Float64Array): boolean {
  return specs.every((s, i) => fromUnit(s.distribution, x[i] as number) === trial.params[s.name]);
}

function fingerprint(trial: FrozenTrial | undefined): string {
  return trial === undefined ? '' : `${trial.id}/${trial.number}/${JSON.stringify(trial.params)}`;
}
