/**
 * Quasi-random search: trial k takes point k of a low-discrepancy sequence (Sobol or Halton),
 * one coordinate per parameter of the space, decoded through qmc/unit-interval.ts (log ranges
 * in log space, discrete ranges by equal cells). Quasi-random points fill the box more evenly
 * than random ones (Bergstra & Bengio 2012 recommend them for hyper-parameter search).
 *
 * The index k is the count of trials that already hold parameters, so concurrent asks (each
 * creates its trial before the next ask) never share a point and a resumed study continues the
 * sequence. Scrambling (the default) is seeded; unscrambled sequences skip their point 0 (the
 * corner of the box). Conditional parameters keep their own coordinate whether active or not.
 * Sobol covers the first 40 parameters; further ones are drawn at random (Halton has no limit).
 */
import type { ParamValue } from '../space/distributions';
import type { ParameterSpec, SearchSpace } from '../space/search-space';
import { type StudyView, hasParams } from '../study/trial';
import { haltonCoordinate, haltonPermutations, nthPrime } from './qmc/halton';
import { SOBOL_MAX_DIMENSIONS, directionNumbers, scrambledDirections, sobolCoordinate } from './qmc/sobol';
import { fromUnit } from './qmc/unit-interval';
import { sampleUniform } from './random';
import type { Sampler } from './sampler';
import { SamplerError } from './sampler-error';
import { deriveSeed, freshSeed, proposalRng } from './sampler-rng';

export type QmcKind = 'sobol' | 'halton';

export interface QmcSamplerOptions {
  readonly seed?: number;
  /** Default 'sobol'. */
  readonly kind?: QmcKind;
  /** Default true; false gives the textbook sequence (from point 1), the same for every seed. */
  readonly scramble?: boolean;
}

export class QmcSampler implements Sampler {
  readonly name: string;
  readonly kind: QmcKind;
  private readonly seed: number;
  private readonly scramble: boolean;
  private readonly coordinates = new Map<number, (index: number) => number>();

  constructor(options: QmcSamplerOptions = {}) {
    this.kind = options.kind ?? 'sobol';
    if (this.kind !== 'sobol' && this.kind !== 'halton') {
      throw new SamplerError('invalid-option', `QMC kind must be "sobol" or "halton", got ${JSON.stringify(this.kind)}`);
    }
    this.name = this.kind;
    this.seed = options.seed ?? freshSeed();
    this.scramble = options.scramble ?? true;
  }

  sampleRelative(study: StudyView, space: SearchSpace): Record<string, ParamValue> {
    let index = 0;
    for (const t of study.trials) if (hasParams(t)) index++;
    const k = this.scramble ? index : index + 1;
    const out: Record<string, ParamValue> = {};
    space.parameters.forEach((spec, d) => {
      if (this.kind === 'sobol' && d >= SOBOL_MAX_DIMENSIONS) return;
      out[spec.name] = fromUnit(spec.distribution, this.coordinate(d)(k));
    });
    return out;
  }

  sampleIndependent(study: StudyView, param: ParameterSpec, _chosen: Readonly<Record<string, ParamValue>>): ParamValue {
    return sampleUniform(param.distribution, proposalRng(this.seed, study, param.name));
  }

  private coordinate(d: number): (index: number) => number {
    let f = this.coordinates.get(d);
    if (!f) {
      const dimSeed = deriveSeed(this.seed, 'qmc', this.kind, d);
      if (this.kind === 'sobol') {
        const { directions, shift } = this.scramble ? scrambledDirections(d, dimSeed) : { directions: directionNumbers(d), shift: 0 };
        f = (index) => sobolCoordinate(directions, index, shift);
      } else {
        const base = nthPrime(d);
        const perms = haltonPermutations(base, this.scramble ? dimSeed : null);
        f = (index) => haltonCoordinate(base, index, perms);
      }
      this.coordinates.set(d, f);
    }
    return f;
  }
}
