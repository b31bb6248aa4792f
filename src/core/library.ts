/**
 * The public library entry, published as `tunekit/core`. Only what users need to run an
 * ask/tell study from their own TypeScript or JavaScript; everything else stays internal.
 */
export { createStudy, loadStudy, Study, StudyUsageError, FAIL_REASON_ATTR } from './study/study';
export type { StudyOptions, AskedTrial, TellResult, SamplerName, PrunerName } from './study/study';
export type { FrozenTrial, TrialState, Direction, StudyView } from './study/trial';
export { parseSearchSpace, createSearchSpace } from './space/search-space';
export type { SearchSpace, ParameterSpec, Condition } from './space/search-space';
export { DistributionError } from './space/distributions';
export type { Distribution, FloatDistribution, IntDistribution, CategoricalDistribution, ParamValue, JsonValue } from './space/distributions';
export type { Sampler } from './samplers/sampler';
export type { Pruner } from './pruners/pruner';
export { createSampler } from './samplers/sampler-factory';
export { createPruner } from './pruners/pruner-factory';
export { JournalCorruptError } from './storage/file-journal';
export { computeImportance } from './importance/importance';
export type { ImportanceMethod, ImportanceOptions, ImportanceResult } from './importance/importance';
