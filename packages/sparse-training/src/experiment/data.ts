import { deriveSeed } from '@sparse/core';
import { createBatchLoader, loadFashionMnist, selectExamples, splitValidation, type BatchLoader, type ImageSet } from '@sparse/datasets';
import type { SparseTrainingExperimentConfig } from './config.js';
import { createSetEvaluator, type SetEvaluator } from './evaluator.js';

/** The data set of a run, loaded once: the training images (before the validation split) and the test images. */
export interface ExperimentData {
  readonly train: ImageSet<Float32Array>;
  readonly test: ImageSet<Float32Array>;
}

/** What one replicate trains and evaluates on. */
export interface ReplicateData {
  readonly loader: BatchLoader;
  readonly validationSet: ImageSet<Float32Array>;
  readonly validation: SetEvaluator;
  readonly test: SetEvaluator;
  dispose(): void;
}

const firstN = (set: ImageSet<Float32Array>, count: number | undefined): ImageSet<Float32Array> =>
  count === undefined || count >= set.count ? set : (selectExamples(set, Int32Array.from({ length: count }, (_, i) => i)) as ImageSet<Float32Array>);

/** Loads Fashion-MNIST from a checked folder (`undefined`: the bundled subset), the test set cut to `testSize`. */
export async function loadExperimentData(config: { readonly testSize?: number }, dir: string | undefined): Promise<ExperimentData> {
  const data = await loadFashionMnist(dir === undefined ? {} : { source: { dir } });
  return { train: data.train as ImageSet<Float32Array>, test: firstN(data.test as ImageSet<Float32Array>, config.testSize) };
}

/**
 * A replicate's training images (cut to `trainSize`) and validation split, from its seed (purpose
 * `validation-split`): the same split for both experiment kinds of this package.
 */
export function trainingSplit(data: ExperimentData, config: { readonly validationSize: number; readonly trainSize?: number }, seed: number): { readonly fit: ImageSet<Float32Array>; readonly validation: ImageSet<Float32Array> } {
  const { train, validation } = splitValidation(data.train, { validationSize: config.validationSize, seed: deriveSeed(seed, 'validation-split') });
  return { fit: firstN(train as ImageSet<Float32Array>, config.trainSize), validation: validation as ImageSet<Float32Array> };
}

/** A replicate's validation split and batch order, derived from its seed (purposes `validation-split`, `data-order`). */
export function replicateData(data: ExperimentData, config: Pick<SparseTrainingExperimentConfig, 'validationSize' | 'trainSize' | 'batchSize'>, seed: number): ReplicateData {
  const { fit, validation } = trainingSplit(data, config, seed);
  const loader = createBatchLoader(fit, { batchSize: config.batchSize, seed: deriveSeed(seed, 'data-order') });
  const validationEvaluator = createSetEvaluator(validation);
  const testEvaluator = createSetEvaluator(data.test);
  return {
    loader,
    validationSet: validation,
    validation: validationEvaluator,
    test: testEvaluator,
    dispose() {
      loader.dispose();
      validationEvaluator.dispose();
      testEvaluator.dispose();
    },
  };
}
