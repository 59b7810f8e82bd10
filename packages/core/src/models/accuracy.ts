import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { SparseError } from '../errors.js';

/**
 * Labelled examples on the host, the shape `@sparse/datasets`' `ImageSet<Float32Array>` has:
 * `count` examples of `product(shape)` values each, example after example, and a class per example.
 *
 * @example
 * ```ts
 * import type { LabelledExamples } from '@sparse/core';
 *
 * const set: LabelledExamples = { images: new Float32Array(2 * 784), labels: new Uint8Array([3, 7]), count: 2, shape: [28, 28] };
 * ```
 */
export interface LabelledExamples {
  /** All values, `count × product(shape)`, example after example. */
  readonly images: Float32Array;
  /** The class of each example. */
  readonly labels: ArrayLike<number>;
  /** The number of examples. */
  readonly count: number;
  /** The shape of one example, e.g. `[28, 28]`; the model sees it flattened. */
  readonly shape: readonly number[];
}

/**
 * Options of {@link topOneAccuracy}.
 *
 * @example
 * ```ts
 * import type { TopOneAccuracyOptions } from '@sparse/core';
 *
 * const options: TopOneAccuracyOptions = { chunkSize: 2000 };
 * ```
 */
export interface TopOneAccuracyOptions {
  /** Examples per call of `predict`. Default 1000. */
  readonly chunkSize?: number;
}

/**
 * Top-1 accuracy of a model on labelled examples: the fraction whose largest output (logit or
 * probability; the first on ties) is at the example's label. The examples go to `predict` as
 * `[chunk, product(shape)]` tensors, `chunkSize` at a time, each chunk inside `tf.tidy`.
 *
 * @throws SparseError `E_ARGUMENT` when `chunkSize` is not a positive integer or the set is empty.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createDenseMlp, glorotUniform, topOneAccuracy, type LabelledExamples } from '@sparse/core';
 *
 * declare const test: LabelledExamples;
 * const model = createDenseMlp({ layerSizes: [784, 300, 100, 10], initializer: glorotUniform, seed: 0 });
 * console.log(topOneAccuracy(model.forward, test)); // about 0.1 before training
 * // a tfjs-layers model: topOneAccuracy((x) => layersModel.predict(x) as tf.Tensor, test)
 * model.dispose();
 * ```
 */
export function topOneAccuracy(predict: (x: Tensor2D) => Tensor, set: LabelledExamples, options: TopOneAccuracyOptions = {}): number {
  const chunkSize = options.chunkSize ?? 1000;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new SparseError('E_ARGUMENT', `chunkSize must be a positive integer, got ${chunkSize}.`, { field: 'chunkSize', received: chunkSize, allowed: 'a positive integer' });
  }
  if (set.count < 1) throw new SparseError('E_ARGUMENT', 'topOneAccuracy needs at least one example.', { field: 'set.count', received: set.count });
  const features = set.shape.reduce((a, b) => a * b, 1);
  let correct = 0;
  for (let start = 0; start < set.count; start += chunkSize) {
    const count = Math.min(chunkSize, set.count - start);
    const predicted = tf.tidy(() => tf.argMax(predict(tf.tensor2d(set.images.subarray(start * features, (start + count) * features), [count, features])), 1));
    const values = predicted.dataSync();
    predicted.dispose();
    for (let i = 0; i < count; i++) if (values[i] === set.labels[start + i]) correct++;
  }
  return correct / set.count;
}
