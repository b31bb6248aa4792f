/** Samplers by the names a study file or the command line uses. */
import type { SearchSpace } from '../space/search-space';
import { AutoSampler } from './auto-sampler';
import { CmaEsSampler } from './cmaes-sampler';
import { GpSampler } from './gp-sampler';
import { GridSampler } from './grid';
import { Nsga2Sampler } from './nsga2-sampler';
import { QmcSampler } from './qmc-sampler';
import { RandomSampler } from './random';
import type { Sampler } from './sampler';
import { SamplerError } from './sampler-error';
import { TpeSampler } from './tpe';

/**
 * 'auto' first: it is the default (auto-sampler.ts says how it picks). 'tpe' handles several
 * objectives too (MOTPE); 'qmc' is the scrambled Sobol sequence, 'halton' the scrambled Halton.
 */
export const SAMPLER_NAMES = ['auto', 'tpe', 'gp', 'cmaes', 'nsga2', 'qmc', 'halton', 'random', 'grid'] as const;

export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** What a study gets when it names no sampler. */
export const DEFAULT_SAMPLER: SamplerName = 'auto';

export interface SamplerFactoryOptions {
  /** Makes proposals reproducible; for grid, shuffles the visiting order. */
  readonly seed?: number;
  /** The study's space: grid search enumerates it up front. */
  readonly space: SearchSpace;
}

export function isSamplerName(value: unknown): value is SamplerName {
  return typeof value === 'string' && (SAMPLER_NAMES as readonly string[]).includes(value);
}

/**
 * Builds a sampler by name. Takes any string because names arrive from study files and flags;
 * an unknown one is a SamplerError('unknown-sampler') listing the valid names.
 */
export function createSampler(name: SamplerName | (string & {}), options: SamplerFactoryOptions): Sampler {
  const seed = options.seed;
  switch (name) {
    case 'auto':
      return new AutoSampler({ seed });
    case 'tpe':
      return new TpeSampler({ seed });
    case 'gp':
      return new GpSampler({ seed });
    case 'cmaes':
      return new CmaEsSampler({ seed });
    case 'nsga2':
      return new Nsga2Sampler({ seed });
    case 'qmc':
      return new QmcSampler({ seed, kind: 'sobol' });
    case 'halton':
      return new QmcSampler({ seed, kind: 'halton' });
    case 'random':
      return new RandomSampler(seed);
    case 'grid':
      return new GridSampler(options.space, seed);
    default:
      throw new SamplerError('unknown-sampler', `unknown sampler ${JSON.stringify(name)}: use one of ${SAMPLER_NAMES.map((n) => `"${n}"`).join(', ')}`);
  }
}
