export { modelParameters, prunableParameters, type PrunableParametersOptions } from './model-parameters.js';
export { PruningCallback, pruningCallback, type FitPruneEvent, type PruningCallbackOptions } from './pruning-callback.js';
export { stripMasks } from './strip-masks.js';
export { compactModel, type CompactModelOptions, type CompactedLayer, type CompactionResult } from './compaction/compact-model.js';
export { modelFlops } from './compaction/model-flops.js';
export { maxOutputDifference, type MaxOutputDifferenceOptions } from './compaction/output-difference.js';
export { createDenseSequential, type DenseSequentialModelOptions, type DenseSequentialOptions } from './dense-sequential.js';
export { fastPredict, type FastPredictOptions, type FastPredictor } from './fast-predict.js';
