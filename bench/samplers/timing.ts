/**
 * Time per ask with n completed trials, through the real ask/tell study (in-memory journal), as
 * a user's study pays it. Optuna's figure comes from optuna_runner.py's timing job on the same
 * kind of study (6 floats in [0, 1], completed trials of a quadratic).
 */
import type { ParamValue } from '../../src/core/space/distributions';
import { type SearchSpace, createSearchSpace } from '../../src/core/space/search-space';
import type { Sampler } from '../../src/core/samplers/sampler';
import { RandomSampler } from '../../src/core/samplers/random';
import type { ParameterSpec } from '../../src/core/space/search-space';
import type { StudyView } from '../../src/core/study/trial';
import { createStudy } from '../../src/core/study/study';
import { benchSampler } from './bench-samplers';

export function timingSpace(dims: number): SearchSpace {
  return createSearchSpace(Array.from({ length: dims }, (_, i) => ({ name: `x${i}`, distribution: { type: 'float' as const, low: 0, high: 1, log: false, step: null } })));
}

/** Delegates to a filler while the history is built, then to the sampler being timed. */
class SwitchSampler implements Sampler {
  readonly name = 'switch';
  constructor(public current: Sampler) {}
  sampleRelative(study: StudyView, space: SearchSpace): Record<string, ParamValue> {
    return this.current.sampleRelative(study, space);
  }
  sampleIndependent(study: StudyView, param: ParameterSpec, chosen: Readonly<Record<string, ParamValue>>): ParamValue {
    return this.current.sampleIndependent(study, param, chosen);
  }
}

/** Median seconds per ask for `sampler` after `count` completed trials. */
export function timeAsks(samplerSpec: string, dims: number, count: number, asks: number): number {
  const space = timingSpace(dims);
  const switcher = new SwitchSampler(new RandomSampler(0));
  const study = createStudy({ space, sampler: switcher });
  for (let i = 0; i < count; i++) {
    const t = study.ask();
    let y = 0;
    for (const v of Object.values(t.params)) y += ((v as number) - 0.3) ** 2;
    study.tell(t.number, y);
  }
  switcher.current = benchSampler(samplerSpec, 1, space);
  // Untimed asks first, so the figure is the steady state and not the JIT compiling the sampler.
  for (let i = 0; i < 3; i++) study.tell(study.ask().number, { state: 'fail', reason: 'warm-up' });
  const times: number[] = [];
  for (let i = 0; i < asks; i++) {
    const t0 = performance.now();
    const t = study.ask();
    times.push((performance.now() - t0) / 1000);
    study.tell(t.number, { state: 'fail', reason: 'timing only' });
  }
  study.close();
  times.sort((a, b) => a - b);
  return times[times.length >> 1] as number;
}
