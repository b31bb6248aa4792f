/** Samplers by the names a study file or the command line uses. */
import type { SearchSpace } from '../space/search-space';
import { GridSampler } from './grid';
import { RandomSampler } from './random';
import type { Sampler } from './sampler';
import { SamplerError } from './sampler-error';
import { TpeSampler } from './tpe';

export const SAMPLER_NAMES = ['random', 'grid', 'tpe'] as const;

export type SamplerName = (typeof SAMPLER_NAMES)[number];

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
  switch (name) {
    case 'random':
      return new RandomSampler(options.seed);
    case 'grid':
      return new GridSampler(options.space, options.seed);
    case 'tpe':
      return new TpeSampler({ seed: options.seed });
    default:
      throw new SamplerError('unknown-sampler', `unknown sampler ${JSON.stringify(name)}: use one of ${SAMPLER_NAMES.map((n) => `"${n}"`).join(', ')}`);
  }
}
