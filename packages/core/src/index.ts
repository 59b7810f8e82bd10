export { SPARSE_ERROR_CODES, SparseError, isSparseError, isSparseErrorCode, type SparseErrorCode, type SparseErrorDetails } from './errors.js';
export { fatalErrorReport, reportFatalErrors } from './fatal-errors.js';
export { createToken, type Token } from './token.js';
export { Scorers, Pruners, Schedules, Regularizers, Patterns, Allocations, TrainingEngines, MaskUpdateRules, CoreTokens } from './tokens.js';
export type { EngineMaskAccess, EngineStartOptions, EngineStepper, TrainableModel, TrainingEngine } from './contracts/training-engine.js';
export type { MaskUpdate, MaskUpdateLayer, MaskUpdateRequest, MaskUpdateRule } from './contracts/mask-update-rule.js';
export { applyMaskUpdate, maskUpdateSeed, type MaskUpdateSummary } from './training/mask-update-step.js';
export { checkMaskReplacement, type MaskReplacementTarget } from './training/mask-replacement.js';
export { maskedOptimizerAccess, type MaskedOptimizerAccessOptions } from './training/masked-optimizer-access.js';
export { captureAdamState, restoreAdamState, type AdamState } from './training/adam-state.js';
export { optimizerEngine } from './training/optimizer-engine.js';

export type { NamedParameter, ParameterRole } from './contracts/parameter.js';
export { DEFAULT_PRUNABLE_ROLES } from './contracts/parameter.js';
export type { MaskSet, ScoreSet } from './contracts/mask.js';
export type { StepContext } from './contracts/step-context.js';
export type { Batch, LossFunction } from './contracts/batch.js';
export type { Scorer, ScoringInput } from './contracts/scorer.js';
export type { SparsityScope, SparsityTarget } from './contracts/sparsity-target.js';
export type { Pruner, PruneRequest } from './contracts/pruner.js';
export type { Schedule } from './contracts/schedule.js';
export type { Regularizer } from './contracts/regularizer.js';

export { defineImplementationKind, type ImplementationDetails, type ImplementationFactory, type ImplementationKind, type OptionsSchema } from './runtime/implementation-kind.js';
export { implementationRefSchema, implementationRefs, refName, refOptions, type CatalogSource, type ImplementationRef, type ImplementationRefs } from './runtime/implementation-ref.js';
export { configErrorFromIssues, echoValue, formatOptionPath, optionIssuesFromZod, type OptionIssue } from './runtime/options-issues.js';
export type { CatalogEntry } from './runtime/catalog-entry.js';
export { definePlugin, provideImplementation, type PluginRegistry, type SparsePlugin } from './runtime/plugin.js';
export { createRuntime, type RuntimeOptions, type SparseRuntime } from './create-runtime.js';

export type { BackendProvider } from './contracts/backend-provider.js';
export { cpuBackend, cpuBackendProvider, CPU_BACKEND_PLUGIN_ID } from './backends/cpu-backend.js';
export { gradientsRegistered, registerGradients } from './backends/register-gradients.js';
export { nodeFileSystem } from './io/node-builtins.js';
export { tsxEsmApiUrl } from './io/tsx-api.js';
export {
  removeTemporaryFiles,
  syncDirectory,
  writeAll,
  writeFileAtomic,
  writeJsonAtomic,
  type AtomicContent,
  type AtomicWriteOptions,
} from './io/atomic-write.js';
export {
  selectBackend,
  type BackendAttempt,
  type BackendRequestSource,
  type BackendSelection,
} from './backends/select-backend.js';

export {
  SAFETENSORS_DTYPES,
  SAFETENSORS_DTYPE_SIZES,
  isFloatDtype,
  isSafetensorsDtype,
  type SafetensorsDtype,
} from './safetensors/dtype.js';
export { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from './safetensors/float16.js';
export { decodeTensorData, decodeToFloat32, encodeTensorData, type DecodedTensorData } from './safetensors/codec.js';
export {
  MAX_SAFETENSORS_HEADER_BYTES,
  buildSafetensorsHeader,
  parseSafetensorsHeader,
  readSafetensorsHeaderLength,
  sortLikeSafetensors,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
  type SafetensorsTensorSpec,
} from './safetensors/header.js';
export { openSafetensors, type SafetensorsFile } from './safetensors/reader.js';
export {
  deserializeSafetensors,
  serializeSafetensors,
  writeSafetensors,
  type SafetensorsEntry,
  type WriteSafetensorsOptions,
} from './safetensors/writer.js';
export { packMaskBits, unpackMaskBits } from './masks/bit-pack.js';
export { binaryToMaskSet, maskSetToBinary, validateBinaryMask, type BinaryMask, type BinaryMaskSet } from './masks/binary-mask.js';
export {
  decodeMaskEntries,
  deserializeMasks,
  encodeMaskEntries,
  loadMaskSet,
  readMaskFile,
  saveMaskSet,
  serializeMasks,
  writeMaskFile,
  type MaskFileFormat,
} from './masks/mask-file.js';
export { kernelGeometry, type KernelGeometry, type KernelLayout } from './accounting/kernel-layout.js';
export {
  accountTensor,
  type TensorAccounting,
  type TensorAccountingInput,
  type TensorBytes,
  type TensorFlops,
} from './accounting/tensor-accounting.js';
export { accountTensors, type AccountingReport, type AccountingTotals } from './accounting/model-accounting.js';
export { measureLatency, type LatencyMeasurement, type LatencyOptions } from './accounting/latency.js';
export { oneShot, type OneShotOptions, type OneShotSchedule } from './schedules/one-shot.js';
export { constantSparsity, type ConstantSparsityOptions, type ConstantSparsitySchedule } from './schedules/constant-sparsity.js';
export { polynomialDecay, type PolynomialDecayOptions, type PolynomialDecaySchedule } from './schedules/polynomial-decay.js';
export { cubicSparsity, type CubicSparsityOptions, type CubicSparsitySchedule } from './schedules/cubic-sparsity.js';
export { iterativeRounds, type IterativeRoundsOptions, type IterativeRoundsSchedule } from './schedules/iterative-rounds.js';
export { applyMasks } from './training/apply-masks.js';
export type { RegularizerBinding } from './training/regularizer-binding.js';
export { MaskedOptimizer, withMasks, type MaskedOptimizerOptions } from './training/masked-optimizer.js';
export { train } from './training/train.js';
export { pruneStepSeed } from './training/prune-step-seed.js';
export type {
  BatchSource,
  EpochEndEvent,
  GradualPruning,
  MaskUpdateEvent,
  MaskUpdates,
  PruneEvent,
  PruneTargetOptions,
  ScoringExtras,
  StepEndEvent,
  TrainHooks,
  TrainOptions,
  TrainProgress,
  TrainResult,
} from './training/train-types.js';
export type { ScoringModel } from './contracts/scoring-model.js';
export type { SyncScorer } from './contracts/sync-scorer.js';
export type { SelectionMode } from './contracts/selection-mode.js';
export type { Allocation, AllocationInput, AllocationTensor, Allocator, CollapseGuard } from './contracts/allocation.js';
export type { FixedPattern, PatternTensor, PatternUnits, PruningPattern, UnitPattern } from './contracts/pattern.js';
export { assertSeed, deriveSeed, mix32 } from './random/derive-seed.js';
export { Random } from './random/random.js';
export { pruneLowest, pruneLowestAcross, valueAtRank, type PruneLowestOptions, type SelectionOptions, type SelectionSegment } from './selection/select.js';
export { CUT_ALL, CUT_NONE, RadixSelect, countCut, markCut } from './selection/radix-select.js';
export type { Cut } from './selection/selection-types.js';
export { floorCount } from './selection/rounding.js';
export { SELECTION_MODES, isSelectionMode } from './selection/modes.js';
export { createPruner, ScorePruner, type PruneOutcome, type PrunerOptions, type TensorPruneReport } from './pruning/score-pruner.js';
export { pruneParameters, type PruneParametersOptions } from './pruning/prune-parameters.js';
export { SPARSITY_SCOPES, validateSparsityTarget } from './allocation/validate-target.js';
export { erkDensities, type ErkOptions, type ErkResult, type ErkTensor } from './allocation/erk.js';
export {
  allocatorFor,
  BUILT_IN_ALLOCATORS,
  collapseReserve,
  customAllocator,
  erkAllocator,
  globalAllocator,
  layerwiseAllocator,
} from './allocation/allocators.js';
export { unstructured } from './patterns/unstructured.js';
export { nmPattern, type NMPatternOptions } from './patterns/n-m.js';
export { blockPattern, type BlockPatternOptions } from './patterns/block.js';
export { groupPattern, type GroupKind, type GroupPatternOptions } from './patterns/groups.js';
export { BUILT_IN_PATTERNS, patternShorthand, resolvePattern, type PatternSpec } from './patterns/resolve-pattern.js';
export { magnitudeScorer } from './scoring/magnitude.js';
export { randomScorer, type RandomScorerOptions } from './scoring/random-scorer.js';
export { snipScorer } from './scoring/snip.js';
export { graspScorer, type GraspScorerOptions } from './scoring/grasp.js';
export { synflowScorer } from './scoring/synflow.js';
export { iterativeSynFlow, type IterativeSynFlowOptions } from './pruning/iterative-synflow.js';
export { taylorScorer, type TaylorScorerOptions } from './scoring/taylor.js';
export { MovementScores, type MovementScoresOptions } from './scoring/movement.js';
export { sparseToolkit, TOOLKIT_PLUGIN_ID } from './toolkit-plugin.js';
export { FusedAdamOptimizer, fusedAdam, isMaskAwareOptimizer, type MaskAwareOptimizer } from './training/fused-adam.js';
export { fusedDense, type FusedDenseOptions } from './training/fused-dense.js';
export { simdKernelsFor, type SimdKernels } from './wasm/simd-kernels.js';
export { createDensePredictor, type DensePredictor, type DensePredictorLayer, type DensePredictorOptions } from './wasm/dense-predictor.js';
export { meanSoftmaxCrossEntropy } from './training/softmax-cross-entropy.js';
export {
  denseMlpLayers,
  glorotNormal,
  glorotUniform,
  heNormal,
  initialDenseMlpWeights,
  type DenseMlpArchitecture,
  type DenseMlpInitializer,
  type DenseMlpLayer,
  type KernelInitializer,
} from './models/initializers.js';
export { createDenseMlp, type DenseMlp, type DenseMlpIntermediates, type DenseMlpModelOptions, type DenseMlpOps, type DenseMlpOptions, type DenseMlpStartingWeights } from './models/dense-mlp.js';
export { topOneAccuracy, type LabelledExamples, type TopOneAccuracyOptions } from './models/accuracy.js';
