/**
 * A tiny ask/tell loop over the Sampler contract, the way a study drives it: sampleRelative
 * once, then sampleIndependent for each active parameter it did not cover, parents first.
 */
import type { ParamValue } from '../../../../src/core/space/distributions';
import { type SearchSpace, isActive } from '../../../../src/core/space/search-space';
import type { Direction, FrozenTrial, StudyView } from '../../../../src/core/study/trial';
import type { Sampler } from '../../../../src/core/samplers/sampler';
import { makeStudy, makeTrial } from '../make-trial';

export function ask(sampler: Sampler, study: StudyView, space: SearchSpace): Record<string, ParamValue> {
  const relative = sampler.sampleRelative(study, space);
  const chosen: Record<string, ParamValue> = {};
  for (const spec of space.parameters) {
    if (!isActive(spec, chosen)) continue;
    chosen[spec.name] = spec.name in relative ? (relative[spec.name] as ParamValue) : sampler.sampleIndependent(study, spec, chosen);
  }
  return chosen;
}

/** Runs `n` trials to completion; returns every trial, in order. */
export function optimize(
  sampler: Sampler,
  space: SearchSpace,
  objective: (params: Record<string, ParamValue>) => number,
  n: number,
  direction: Direction = 'minimize',
): FrozenTrial[] {
  const trials: FrozenTrial[] = [];
  for (let i = 0; i < n; i++) {
    const params = ask(sampler, makeStudy(trials, [direction]), space);
    const distributions = Object.fromEntries(space.parameters.filter((p) => p.name in params).map((p) => [p.name, p.distribution]));
    trials.push(makeTrial({ number: i, params, distributions, value: objective(params) }));
  }
  return trials;
}

/** Best objective value among completed trials. */
export function bestValue(trials: readonly FrozenTrial[], direction: Direction = 'minimize'): number {
  const values = trials.filter((t) => t.state === 'complete' && t.values).map((t) => (t.values as number[])[0] as number);
  return direction === 'minimize' ? Math.min(...values) : Math.max(...values);
}
