/**
 * NSGA-II (Deb, Pratap, Agarwal & Meyarivan 2002) for multi-objective studies, with Deb's
 * constrained domination for trials carrying a "constraints" system attribute (feasible when
 * every value is <= 0, see study/constraints.ts).
 *
 * Generations come from the trials themselves, in number order: the k-th trial that holds
 * parameters belongs to generation floor(k / populationSize). So the sampler keeps no state,
 * a resumed study carries on, and parallel asks each get their own child. The parents of
 * generation g are the elitist survivors of generation g-1's parents plus its completed
 * trials. The first generation is a scrambled Sobol sample (Owen 1998), which covers the
 * box more evenly than the random one Optuna starts from.
 *
 * Variation works on every parameter as a coordinate of [0, 1] (qmc/unit-interval.ts): simulated
 * binary crossover and polynomial mutation for numbers (Deb's choices; Optuna 3.1 uses uniform
 * crossover and resamples mutated genes at random), uniform crossover and a random choice for
 * categoricals.
 */
import type { Rng } from '../random/rng';
import { type Distribution, type ParamValue, contains } from '../space/distributions';
import type { ParameterSpec, SearchSpace } from '../space/search-space';
import { readConstraints, totalViolation } from '../study/constraints';
import { type FrozenTrial, type StudyView, hasParams } from '../study/trial';
import { type Individual, type Ranked, crowdedCompare, selectSurvivors } from './nsga2/constrained-ranking';
import { polynomialMutation } from './nsga2/polynomial-mutation';
import { sbxChild } from './nsga2/sbx-crossover';
import { fromUnit, toUnit } from './qmc/unit-interval';
import { QmcSampler } from './qmc-sampler';
import { sampleUniform } from './random';
import type { Sampler } from './sampler';
import { SamplerError } from './sampler-error';
import { freshSeed, proposalRng } from './sampler-rng';

export interface Nsga2SamplerOptions {
  readonly seed?: number;
  /**
   * Children per generation and survivors kept. Default 20, not Optuna's 50: tuning budgets are
   * a few hundred trials, and 300 trials are 15 generations of 20 but only 6 of 50. On 30-D ZDT1
   * and ZDT2 at 300 trials, 20 gave a clearly larger hypervolume than 30 or 50 (ten seeds each).
   */
  readonly populationSize?: number;
  /** Chance that a child is bred by crossover rather than copied from one parent (Deb: 0.9). */
  readonly crossoverProb?: number;
  /** Chance that each coordinate is exchanged by SBX or taken from the other parent (0.5). */
  readonly swappingProb?: number;
  /** Per-parameter mutation chance; default 1 / number of parameters (Deb et al. 2002). */
  readonly mutationProb?: number;
  /** SBX distribution index (Deb et al. 2002 used 20). */
  readonly etaCrossover?: number;
  /** Polynomial mutation distribution index (Deb et al. 2002 used 20). */
  readonly etaMutation?: number;
}

type Parent = Ranked<FrozenTrial>;

export class Nsga2Sampler implements Sampler {
  readonly name = 'nsga2';
  private readonly seed: number;
  private readonly populationSize: number;
  private readonly crossoverProb: number;
  private readonly swappingProb: number;
  private readonly mutationProb: number | undefined;
  private readonly etaCrossover: number;
  private readonly etaMutation: number;
  private readonly firstGeneration: QmcSampler;
  /**
   * Survivors after each generation with the completed trials they came from: a finished
   * trial never changes, so a generation whose completed members are unchanged (and whose
   * predecessor was reused) keeps its survivors, and each ask sorts only what is new.
   */
  private survivorCache: { readonly members: string; readonly parents: Parent[] }[] = [];

  constructor(options: Nsga2SamplerOptions = {}) {
    this.seed = options.seed ?? freshSeed();
    this.populationSize = options.populationSize ?? 20;
    this.crossoverProb = options.crossoverProb ?? 0.9;
    this.swappingProb = options.swappingProb ?? 0.5;
    this.mutationProb = options.mutationProb;
    this.etaCrossover = options.etaCrossover ?? 20;
    this.etaMutation = options.etaMutation ?? 20;
    if (!Number.isInteger(this.populationSize) || this.populationSize < 2) {
      throw new SamplerError('invalid-option', `NSGA-II populationSize must be an integer >= 2, got ${this.populationSize}`);
    }
    for (const [key, p] of [['crossoverProb', this.crossoverProb], ['swappingProb', this.swappingProb], ['mutationProb', this.mutationProb ?? 0]] as const) {
      if (!(p >= 0 && p <= 1)) throw new SamplerError('invalid-option', `NSGA-II ${key} must lie in [0, 1], got ${p}`);
    }
    for (const [key, eta] of [['etaCrossover', this.etaCrossover], ['etaMutation', this.etaMutation]] as const) {
      if (!(eta >= 0 && Number.isFinite(eta))) throw new SamplerError('invalid-option', `NSGA-II ${key} must be a non-negative number, got ${eta}`);
    }
    this.firstGeneration = new QmcSampler({ seed: this.seed, kind: 'sobol' });
  }

  sampleRelative(study: StudyView, space: SearchSpace): Record<string, ParamValue> {
    const sampled = study.trials.filter(hasParams);
    const generation = Math.floor(sampled.length / this.populationSize);
    if (generation === 0) return this.firstGeneration.sampleRelative(study, space);
    const parents = this.parentsOf(generation, sampled, study);
    if (parents.length === 0) return this.firstGeneration.sampleRelative(study, space);
    return this.breed(parents, space, proposalRng(this.seed, study, 'nsga2:child'));
  }

  sampleIndependent(study: StudyView, param: ParameterSpec, _chosen: Readonly<Record<string, ParamValue>>): ParamValue {
    return sampleUniform(param.distribution, proposalRng(this.seed, study, param.name));
  }

  /** The survivors that breed generation `generation`, from the trials of the earlier ones. */
  parentsOf(generation: number, sampled: readonly FrozenTrial[], study: StudyView): Parent[] {
    const withConstraints = sampled.some((t) => readConstraints(t) !== null);
    let parents: Parent[] = [];
    let reusable = true;
    const cache: { members: string; parents: Parent[] }[] = [];
    for (let g = 0; g < generation; g++) {
      const members = sampled.slice(g * this.populationSize, (g + 1) * this.populationSize);
      const completed = members.filter((t) => t.state === 'complete' && t.values !== null && t.values.length === study.directions.length);
      const key = `${study.directions.join()}|${withConstraints}|${completed.map((t) => `${t.id}:${t.number}:${(t.values as number[]).join(',')}`).join(';')}`;
      const cached = this.survivorCache[g];
      if (reusable && cached && cached.members === key) {
        parents = cached.parents;
      } else {
        reusable = false;
        if (completed.length > 0) {
          const pool: Individual<FrozenTrial>[] = [...parents, ...completed.map((t) => individual(t, study, withConstraints))];
          parents = selectSurvivors(pool, this.populationSize);
        }
      }
      cache.push({ members: key, parents });
    }
    this.survivorCache = cache;
    return parents;
  }

  private breed(parents: readonly Parent[], space: SearchSpace, rng: Rng): Record<string, ParamValue> {
    const first = tournament(parents, rng);
    const second = parents.length > 1 ? tournament(parents, rng) : first;
    const cross = rng.random() < this.crossoverProb;
    const mutationProb = this.mutationProb ?? 1 / Math.max(1, space.parameters.length);
    const child: Record<string, ParamValue> = {};
    for (const spec of space.parameters) {
      const dist = spec.distribution;
      // A value outside the current space (the study file was edited since) counts as missing.
      const a = inSpace(dist, first.item.params[spec.name]);
      const b = inSpace(dist, second.item.params[spec.name]);
      // A parameter one parent lacks (inactive there) comes from the other, or at random.
      if (a === undefined && b === undefined) {
        child[spec.name] = sampleUniform(dist, rng);
        continue;
      }
      if (a === undefined || b === undefined) {
        // Not `a ?? b`: null is a legitimate categorical choice.
        child[spec.name] = (a === undefined ? b : a) as ParamValue;
      } else if (dist.type === 'categorical') {
        child[spec.name] = cross && rng.random() < this.swappingProb ? b : a;
      } else if (cross && rng.random() < this.swappingProb) {
        child[spec.name] = fromUnit(dist, sbxChild(toUnit(spec.name, dist, a), toUnit(spec.name, dist, b), this.etaCrossover, rng));
      } else {
        child[spec.name] = a;
      }
      if (rng.random() < mutationProb) {
        child[spec.name] =
          dist.type === 'categorical'
            ? sampleUniform(dist, rng)
            : fromUnit(dist, polynomialMutation(toUnit(spec.name, dist, child[spec.name] as ParamValue), this.etaMutation, rng));
      }
    }
    return child;
  }
}

function inSpace(dist: Distribution, value: ParamValue | undefined): ParamValue | undefined {
  return value !== undefined && contains(dist, value) ? value : undefined;
}

/** Binary tournament with the crowded-comparison operator (Deb et al. 2002, section III-C). */
function tournament(parents: readonly Parent[], rng: Rng): Parent {
  const a = parents[rng.int(parents.length)] as Parent;
  const b = parents[rng.int(parents.length)] as Parent;
  return crowdedCompare(a, b) <= 0 ? a : b;
}

function individual(trial: FrozenTrial, study: StudyView, studyHasConstraints: boolean): Individual<FrozenTrial> {
  const constraints = readConstraints(trial);
  return {
    item: trial,
    objectives: (trial.values as readonly number[]).map((v, i) => (study.directions[i] === 'maximize' ? -v : v)),
    violation: constraints !== null ? totalViolation(constraints) : studyHasConstraints ? Infinity : 0,
  };
}
