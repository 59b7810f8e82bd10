import { deriveSeed } from '@sparse/core';
import { createBatchLoader, loadFashionMnist, selectExamples, splitValidation, type BatchLoader, type ImageSet } from '@sparse/datasets';
import { createSetEvaluator, type SetEvaluator } from '../experiment/evaluator.js';
import type { PretrainedMasksConfig } from './config.js';

/** The data set of a run, loaded once: training images (before the validation split) and test images. */
export interface PretrainedData {
  readonly train: ImageSet<Float32Array>;
  readonly test: ImageSet<Float32Array>;
}

/**
 * One replicate's data: the pretraining loader (`batchSize`), the search loader
 * (`search.batchSize`), both over the same training images, and evaluators of the validation split
 * and the test set.
 */
export interface PretrainedReplicate {
  readonly pretrain: BatchLoader;
  readonly search: BatchLoader;
  readonly validation: SetEvaluator;
  readonly test: SetEvaluator;
  readonly trainCount: number;
  dispose(): void;
}

const firstN = (set: ImageSet<Float32Array>, count: number | undefined): ImageSet<Float32Array> =>
  count === undefined || count >= set.count ? set : (selectExamples(set, Int32Array.from({ length: count }, (_, i) => i)) as ImageSet<Float32Array>);

/** Loads Fashion-MNIST from a checked folder (`undefined`: the bundled subset), the test set cut to `testSize`. */
export async function loadPretrainedData(config: Pick<PretrainedMasksConfig, 'testSize'>, dir: string | undefined): Promise<PretrainedData> {
  const data = await loadFashionMnist(dir === undefined ? {} : { source: { dir } });
  return { train: data.train as ImageSet<Float32Array>, test: firstN(data.test as ImageSet<Float32Array>, config.testSize) };
}

/**
 * A replicate's split and batch orders, from its seed: `validation-split`, `data-order` (pretraining)
 * and `search-order` (the searches and the fine-tune).
 */
export function pretrainedReplicate(data: PretrainedData, config: Pick<PretrainedMasksConfig, 'validationSize' | 'trainSize' | 'batchSize' | 'search'>, seed: number): PretrainedReplicate {
  const { train, validation } = splitValidation(data.train, { validationSize: config.validationSize, seed: deriveSeed(seed, 'validation-split') });
  const fit = firstN(train as ImageSet<Float32Array>, config.trainSize);
  const pretrain = createBatchLoader(fit, { batchSize: config.batchSize, seed: deriveSeed(seed, 'data-order') });
  const search = createBatchLoader(fit, { batchSize: config.search.batchSize, seed: deriveSeed(seed, 'search-order') });
  const validationEvaluator = createSetEvaluator(validation as ImageSet<Float32Array>);
  const testEvaluator = createSetEvaluator(data.test);
  return {
    pretrain,
    search,
    validation: validationEvaluator,
    test: testEvaluator,
    trainCount: fit.count,
    dispose() {
      pretrain.dispose();
      search.dispose();
      validationEvaluator.dispose();
      testEvaluator.dispose();
    },
  };
}
