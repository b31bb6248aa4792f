/**
 * Random search, after Optuna's RandomSampler: every parameter drawn independently and
 * uniformly. Log ranges are uniform in log space; int and stepped float ranges are uniform over
 * their grid points; categorical parameters are uniform over their choices.
 */
import type { Rng } from '../random/rng';
import type { Distribution, ParamValue } from '../space/distributions';
import type { ParameterSpec, SearchSpace } from '../space/search-space';
import type { StudyView } from '../study/trial';
import { gridSize, gridValue } from './numeric-grid';
import type { Sampler } from './sampler';
import { freshSeed, proposalRng } from './sampler-rng';

/** One uniform draw from a distribution. */
export function sampleUniform(dist: Distribution, rng: Rng): ParamValue {
  if (dist.type === 'categorical') return dist.choices[rng.int(dist.choices.length)] as ParamValue;
  if (dist.log) {
    if (dist.type === 'int') {
      // Optuna's _SearchSpaceTransform: uniform over [log(low - 0.5), log(high + 0.5)], then
      // rounded, so each integer gets the log-width of its own half-step neighbourhood.
      const x = Math.round(Math.exp(rng.uniform(Math.log(dist.low - 0.5), Math.log(dist.high + 0.5))));
      return clip(x, dist.low, dist.high);
    }
    // exp(log(high)) may land one ulp above high; the clip keeps the value inside the range.
    return clip(Math.exp(rng.uniform(Math.log(dist.low), Math.log(dist.high))), dist.low, dist.high);
  }
  const size = gridSize(dist);
  if (size !== null) return gridValue(dist, rng.int(size));
  return clip(rng.uniform(dist.low, dist.high), dist.low, dist.high);
}

export class RandomSampler implements Sampler {
  readonly name = 'random';
  private readonly seed: number;

  /** Without a seed each instance draws differently; with one, proposals are reproducible. */
  constructor(seed?: number) {
    this.seed = seed ?? freshSeed();
  }

  sampleRelative(_study: StudyView, _space: SearchSpace): Record<string, ParamValue> {
    return {};
  }

  sampleIndependent(study: StudyView, param: ParameterSpec, _chosen: Readonly<Record<string, ParamValue>>): ParamValue {
    return sampleUniform(param.distribution, proposalRng(this.seed, study, param.name));
  }
}

function clip(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}
