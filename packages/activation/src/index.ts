export { catsSparsify, assertThreshold } from './sparsify/cats.js';
export { channelSparsify } from './sparsify/channel-threshold.js';
export { topKSparsify, topKMask, assertTopK, type TopKBy, type TopKOptions } from './sparsify/top-k.js';

export { kthSmallest } from './calibration/select.js';
export {
  assertTarget,
  calibrationRank,
  chessQuantile,
  exactQuantile,
  meanOfBatchQuantiles,
  type QuantileResult,
} from './calibration/quantile.js';
export { Histogram, catsHistogramEdges } from './calibration/histogram.js';
export { RowReservoir } from './calibration/reservoir.js';
export { channelQuantiles, chessChannelThresholds, type ChessThresholdInput, type ChessThresholds } from './calibration/channel-thresholds.js';
export type { SiteStatistics } from './calibration/site-statistics.js';
export { ActivationRecorder, type ActivationRecorderOptions } from './calibration/activation-recorder.js';
export { computeThresholds, type ThresholdOptions } from './calibration/compute-thresholds.js';

export {
  THRESHOLD_FILE_FORMAT,
  THRESHOLD_FILE_VERSION,
  ZEROING_RULE,
  parseThresholdFile,
  serializeThresholdFile,
  validateThresholdFile,
  type CalibrationInfo,
  type SiteThresholds,
  type ThresholdFile,
  type ThresholdMethod,
} from './thresholds/threshold-file.js';
export { loadThresholds, saveThresholds } from './thresholds/threshold-io.js';

export { denseHook, type ActivationHook, type SiteContext } from './hooks/activation-hook.js';
export { thresholdHook, type ThresholdHook, type ThresholdHookOptions } from './hooks/threshold-hook.js';
export {
  createSparsityMeter,
  type BlockError,
  type SiteSparsity,
  type SparsityMeter,
  type SparsityMeterOptions,
  type SparsityReport,
} from './hooks/sparsity-meter.js';
export { skippableFlops, type FlopsAccounting } from './measure/flops.js';

export type { ActivationModel, SiteInfo, SiteKind } from './models/activation-model.js';
export { createGatedMlp, type GatedMlpOptions } from './models/gated-mlp.js';
export { createVisionTransformer, type VisionTransformerOptions } from './models/vision-transformer.js';
export { createReluMlp, type ReluMlpOptions } from './models/relu-mlp.js';

export { evaluateModel, type EvaluateOptions, type Evaluation, type LabelledSet } from './training/evaluate.js';
export { fineTuneWithThresholds, type FineTuneOptions } from './training/fine-tune.js';

export {
  SparseActivation,
  type SparseActivationArgs,
  type SparseActivationMode,
  type SparseActivationRule,
} from './layers/sparse-activation-layer.js';
export {
  applyThresholdsToLayers,
  buildGatedMlpLayersModel,
  setSparseActivationMode,
  sparseActivationLayers,
  type GatedMlpLayersOptions,
} from './layers/layers-model-helpers.js';

export { Sparsifiers, ActivationModels } from './tokens.js';
export type { Sparsifier, SparsifierInput, SparsityLevel } from './sparsifiers/sparsifier.js';
export type { SiteSelection } from './sparsifiers/site-selection.js';
export { catsSparsifier, catsSparsifierOptions, type CatsSparsifierOptions } from './sparsifiers/cats-sparsifier.js';
export { chessSparsifier, chessSparsifierOptions, type ChessSparsifierOptions } from './sparsifiers/chess-sparsifier.js';
export { chessPlusSparsifier, chessPlusSparsifierOptions, type ChessPlusSparsifierOptions } from './sparsifiers/chess-plus-sparsifier.js';
export { topKSparsifier, topKSparsifierOptions, type TopKSparsifierOptions } from './sparsifiers/top-k-sparsifier.js';
export type { ModelBuilder } from './models/model-builder.js';
export {
  gatedMlpBuilder,
  gatedMlpBuilderOptions,
  reluMlpBuilder,
  reluMlpBuilderOptions,
  visionTransformerBuilder,
  visionTransformerBuilderOptions,
} from './models/builders.js';

export { activationConfigSchema, type ActivationExperimentConfig, type ActivationModelConfig } from './experiment/config.js';
export { activationExperiment } from './experiment/kind.js';
export { runActivationExperiment } from './experiment/run-experiment.js';
export { activationResultsTable, buildActivationReport, methodTable } from './report/activation-report.js';
export type { ActivationResults, FineTuneResult, MethodResult, ModelResults } from './report/results.js';
export type { ActivationRow, ActivationRowBase, RowSiteSparsity } from './report/raw-rows.js';
export { activationClaims, ACTIVATION_CLAIM_BOUNDS } from './report/results-claims.js';
export { renderActivationPage, type ActivationPage, type ActivationPageData } from './report/results-page.js';
export type { SiteDistribution } from './experiment/distribution.js';

export { ACTIVATION_PLUGIN_ID, activationPlugin, type ActivationPluginOptions } from './plugin.js';
export { activationPlugin as default } from './plugin.js';
