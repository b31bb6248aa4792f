/**
 * The sampler contract, after Optuna's BaseSampler. For each new trial the study calls, in order:
 *   1. sampleRelative(study, space): values for any parameters the sampler models jointly
 *      (may return an empty object);
 *   2. sampleIndependent(study, param, chosen) for each active parameter the first call did not
 *      cover, in space order (parents before children), with the values chosen so far.
 * A sampler draws all randomness from its own seeded Rng so a study is reproducible.
 */
import type { ParamValue } from '../space/distributions';
import type { ParameterSpec, SearchSpace } from '../space/search-space';
import type { StudyView } from '../study/trial';

export interface Sampler {
  /** Shown to users and recorded in the study. */
  readonly name: string;
  sampleRelative(study: StudyView, space: SearchSpace): Record<string, ParamValue>;
  sampleIndependent(
    study: StudyView,
    param: ParameterSpec,
    chosen: Readonly<Record<string, ParamValue>>,
  ): ParamValue;
}
