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
export { DeltaMethods } from './tokens.js';
export type { DeltaMethod, DeltaMethodNeed, DeltaPlan, DeltaPlanData, DeltaPruneRule } from './methods/delta-method.js';
export { defineDeltaMethod, type DeltaMethodDefinition } from './methods/delta-method-definition.js';
export { fixedRuleMethod } from './methods/fixed-rule-method.js';
export { checkQAtRate, rescaleLabel, ruleLabel } from './methods/rule-label.js';
export { requirePlanData } from './methods/plan-data.js';
export { dareMethod, darexQMethod, dropOnlyMethod, randomMethod } from './methods/random-drop-methods.js';
export { magnitudeMethod } from './methods/magnitude-method.js';
export { darexQOutputChangeMethod, darexQValidationMethod } from './methods/darex-q-search-methods.js';
export { darexQAnalyticalMethod } from './methods/darex-q-analytical-method.js';
export { BUILT_IN_DELTA_METHODS } from './methods/built-in-methods.js';
export { deltaExperimentSchema, regimeLabel, type DeltaExperimentConfig, type DeltaMergeConfig, type DeltaRegimeConfig } from './experiment/config.js';
export { deltaExperimentKind } from './experiment/delta-kind.js';
export type {
  CurvePoint,
  CurveResult,
  DarexResult,
  DeltaExperimentResults,
  DeltaStats,
  FinetuneResult,
  PretrainResult,
  VarianceRow,
} from './experiment/results.js';
export { buildDeltaExperimentReport } from './experiment/report/delta-experiment-report.js';
export { curvesTable, darexTable, modelsTable, varianceTable } from './experiment/report/results-tables.js';
export { captureOptimizer, restoreOptimizer, type OptimizerSnapshot } from './experiment/optimizer-state.js';
export { deltaPlugin, type DeltaPluginOptions } from './plugin.js';
export { deltaPlugin as default } from './plugin.js';
export { DELTA_TRAINING_ENGINE, type DeltaRow } from './experiment/raw-rows.js';
export type { MergeResultRow } from './experiment/units/merge-unit.js';
export { buildDeltaSeedsReport, deltaClaims, deltaClaimsTable, deltaModelsTable, renderDeltaPage } from './experiment/report/delta-page.js';
