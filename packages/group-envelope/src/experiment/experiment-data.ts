import { deriveSeed } from '@sparse/core';
import { createBatchLoader, loadFashionMnist, selectExamples, splitValidation, type BatchLoader, type ImageSet } from '@sparse/datasets';
import type { GroupEnvelopeExperimentConfig } from './config.js';

/** The data set of a run, loaded once: the training images (before the validation split) and the test images. */
export interface ExperimentData {
  readonly train: ImageSet<Float32Array>;
  readonly test: ImageSet<Float32Array>;
}

/** What one replicate trains and evaluates on. */
export interface ReplicateData {
  readonly loader: BatchLoader;
  readonly validation: ImageSet<Float32Array>;
  readonly test: ImageSet<Float32Array>;
  /** Training images after the validation split (and `trainSize`). */
  readonly trainCount: number;
}

const firstN = (set: ImageSet<Float32Array>, count: number | undefined): ImageSet<Float32Array> =>
  count === undefined || count >= set.count ? set : selectExamples(set, Int32Array.from({ length: count }, (_, i) => i));

/** Loads Fashion-MNIST from a checked folder (`undefined`: the bundled subset), cut to `testSize`. */
export async function loadExperimentData(config: Pick<GroupEnvelopeExperimentConfig, 'testSize'>, dir: string | undefined): Promise<ExperimentData> {
  const data = await loadFashionMnist(dir === undefined ? {} : { source: { dir } });
  return { train: data.train as ImageSet<Float32Array>, test: firstN(data.test as ImageSet<Float32Array>, config.testSize) };
}

/**
 * A replicate's data: a validation split and a batch order derived from its seed (purposes
 * `validation-split` and `data-order`), the training part cut to `trainSize`.
 */
export function replicateData(data: ExperimentData, config: Pick<GroupEnvelopeExperimentConfig, 'validationSize' | 'trainSize' | 'batchSize'>, seed: number): ReplicateData {
  const { train, validation } = splitValidation(data.train, { validationSize: config.validationSize, seed: deriveSeed(seed, 'validation-split') });
  const fit = firstN(train as ImageSet<Float32Array>, config.trainSize);
  const loader = createBatchLoader(fit, { batchSize: config.batchSize, seed: deriveSeed(seed, 'data-order') });
  return { loader, validation: validation as ImageSet<Float32Array>, test: data.test, trainCount: fit.count };
}
