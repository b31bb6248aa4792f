/**
 * The Tunekit samplers the bench runs: every factory name, plus variants written
 * `name{json options}` (for example `tpe{"multivariate":false}`, Optuna's default TPE settings)
 * so a default can be justified against its alternatives in the same run.
 */
import type { SearchSpace } from '../../src/core/space/search-space';
import type { Sampler } from '../../src/core/samplers/sampler';
import { SAMPLER_NAMES, createSampler } from '../../src/core/samplers/sampler-factory';
import { TpeSampler, type TpeSamplerOptions } from '../../src/core/samplers/tpe';

/** Samplers that handle several objectives (the rest run only on single-objective problems). */
export const MULTI_OBJECTIVE_CAPABLE = new Set(['auto', 'tpe', 'motpe', 'nsga2', 'random', 'qmc', 'halton']);

export function benchSampler(spec: string, seed: number, space: SearchSpace): Sampler {
  const brace = spec.indexOf('{');
  if (brace < 0) return createSampler(spec, { seed, space });
  const base = spec.slice(0, brace);
  const options = JSON.parse(spec.slice(brace)) as Record<string, unknown>;
  if (base === 'tpe') return new TpeSampler({ ...(options as TpeSamplerOptions), seed });
  throw new Error(`bench: options are supported for tpe only, got ${spec}`);
}

export function isMultiObjectiveCapable(spec: string): boolean {
  const brace = spec.indexOf('{');
  return MULTI_OBJECTIVE_CAPABLE.has(brace < 0 ? spec : spec.slice(0, brace));
}

/** The factory's names, in the order the table shows them. */
export function defaultSamplerSpecs(): string[] {
  const names: string[] = [...SAMPLER_NAMES].filter((n) => n !== 'grid');
  const order = ['auto', 'tpe', 'gp', 'cmaes', 'nsga2', 'motpe', 'qmc', 'halton', 'random'];
  return names.sort((a, b) => rank(order, a) - rank(order, b));
}

function rank(order: readonly string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}
