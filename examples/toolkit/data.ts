/**
 * Fashion-MNIST for the toolkit experiments: the full set split 55k / 5k / 10k (train /
 * validation / test; the validation split is seeded and fixed for every run), seeded minibatches,
 * a calibration batch for data-driven scorers, and accuracy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Random, deriveSeed, topOneAccuracy, type Batch } from '@sparse/core';
import { createBatchLoader, loadFashionMnist, selectExamples, splitValidation, type ImageBatch, type ImageSet } from '@sparse/datasets';

/** The seed of the train/validation split (the same split in every run). */
const SPLIT_SEED = 0;

export interface ToolkitData {
  /** Where the images came from (a folder, or `bundled`). */
  readonly source: string;
  readonly train: ImageSet<Float32Array>;
  readonly validation: ImageSet<Float32Array>;
  readonly test: ImageSet<Float32Array>;
}

/** Loads the full set from `dir` (or the shipped 6,000-image subset for `bundled`) and splits it. */
export async function loadData(dir: string): Promise<ToolkitData> {
  const { train: all, test } = await loadFashionMnist({ source: dir === 'bundled' ? 'bundled' : { dir } });
  const validationSize = dir === 'bundled' ? Math.round(all.count / 12) : 5000;
  const { train, validation } = splitValidation(all, { validationSize, seed: SPLIT_SEED });
  return { source: dir, train, validation, test };
}

/** Minibatches of the training split, reshuffled every epoch from `deriveSeed(seed, 'batches')`. */
export function trainBatches(data: ToolkitData, seed: number, batchSize: number): { stepsPerEpoch: number; epoch(epoch: number): Iterable<ImageBatch>; order(epoch: number): Int32Array } {
  const loader = createBatchLoader(data.train, { batchSize, seed: deriveSeed(seed, 'batches'), storage: 'host' });
  return { stepsPerEpoch: loader.stepsPerEpoch, epoch: (epoch) => loader.epoch(epoch), order: (epoch) => loader.order(epoch) };
}

/** `size` training examples drawn from `deriveSeed(seed, 'calibration')`: the batch SNIP and GraSP score on. */
export function calibrationBatch(data: ToolkitData, seed: number, size: number): Batch {
  const indices = new Random(deriveSeed(seed, 'calibration')).shuffle(Int32Array.from({ length: data.train.count }, (_, i) => i)).subarray(0, size);
  const set = selectExamples(data.train, indices);
  return tf.tidy(() => ({
    x: tf.keep(tf.tensor2d(set.images, [set.count, 784])),
    y: tf.keep(tf.cast(tf.oneHot(tf.tensor1d(set.labels, 'int32'), 10), 'float32')),
  }));
}

/** Top-1 accuracy of `predict` (logits or probabilities) on a split: core's `topOneAccuracy`, 2500 examples at a time. */
export function accuracy(predict: (x: tf.Tensor2D) => tf.Tensor, set: ImageSet<Float32Array>): number {
  return topOneAccuracy(predict, set, { chunkSize: 2500 });
}
