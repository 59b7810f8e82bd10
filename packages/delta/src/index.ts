export { DEFAULT_EXCLUDE, isExcluded } from './options/exclude.js';
export { resolveRescale, type RescaleRule, type ResolvedRescale } from './options/rescale.js';
export {
  describeDeltaPruning,
  resolveDeltaPruneOptions,
  type DeltaPruneMethod,
  type DeltaPruneOptions,
  type DeltaPruneScope,
  type ResolvedDeltaPruneOptions,
} from './options/delta-prune-options.js';
export { BernoulliDrops, DARE_SEED_PURPOSE } from './kernel/drop-stream.js';
export { DELTA_DTYPE_SIZES, isDeltaDtype, type DeltaDtype } from './kernel/float-kernels.js';
export {
  buildDeltaReport,
  formatDeltaReport,
  type DeltaPruneReport,
  type DeltaTensorReport,
  type DeltaTensorStatus,
} from './report/delta-report.js';
export { pruneDeltas, sparsifyDeltas, type DeltaPruneResult, type NamedArrays } from './tensors/prune-deltas.js';
export { DARE_METADATA_KEY, dareCheckpoint, type DareCheckpointOptions, type DareCheckpointResult } from './checkpoint/dare-checkpoint.js';
export { searchQ, type SearchQOptions, type SearchQResult } from './choose-q/search-q.js';
export { meanAbsoluteChange, meanWithoutOutlier, outputChangeObjective } from './choose-q/output-change.js';
export { analyticalQ, analyticalQMap, type AnalyticalQLayer, type AnalyticalQOptions } from './choose-q/analytical-q.js';
export { AdamR, adamR, type AdamROptions } from './adamr/adamr.js';
export { mergeModels, type MergeInput, type MergeOptions, type MergeResult } from './merge/merge-models.js';
export { DeltaPruners } from './tokens.js';
export { createDeltaPruner, deltaPruning, type DeltaPruner, type DeltaPrunerName } from './plugin/delta-pruner.js';
