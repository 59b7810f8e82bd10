import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { SparseError, type LabelledExamples } from '@sparse/core';

/**
 * Options of {@link maxOutputDifference}.
 *
 * @example
 * ```ts
 * import type { MaxOutputDifferenceOptions } from '@sparse/layers';
 *
 * const options: MaxOutputDifferenceOptions = { chunkSize: 500 };
 * ```
 */
export interface MaxOutputDifferenceOptions {
  /** Examples per `predict` call. Default 1000. */
  readonly chunkSize?: number;
}

/**
 * The largest absolute difference between two models' outputs (`predict`) over a set of inputs:
 * how far a compacted model (`compactModel`) is from the masked one it came from, 0 when exact.
 * The inputs go in as `[chunk, product(shape)]`, `chunkSize` at a time; labels are not read.
 *
 * @throws SparseError `E_ARGUMENT` when `chunkSize` is not a positive integer.
 *
 * @example
 * ```ts
 * import type * as tfl from '@tensorflow/tfjs-layers';
 * import type { LabelledExamples, MaskSet } from '@sparse/core';
 * import { compactModel, maxOutputDifference } from '@sparse/layers';
 *
 * declare const model: tfl.LayersModel, masks: MaskSet, test: LabelledExamples;
 * const { model: compacted } = compactModel(model, { masks });
 * console.log(maxOutputDifference(model, compacted, test)); // ~1e-6
 * ```
 */
export function maxOutputDifference(a: tfl.LayersModel, b: tfl.LayersModel, set: Pick<LabelledExamples, 'images' | 'count' | 'shape'>, options: MaxOutputDifferenceOptions = {}): number {
  const chunkSize = options.chunkSize ?? 1000;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new SparseError('E_ARGUMENT', `chunkSize must be a positive integer, got ${chunkSize}.`, { field: 'chunkSize', received: chunkSize, allowed: 'a positive integer' });
  }
  const features = set.shape.reduce((p, q) => p * q, 1);
  let worst = 0;
  for (let start = 0; start < set.count; start += chunkSize) {
    const end = Math.min(set.count, start + chunkSize);
    const difference = tf.tidy(() => {
      const x = tf.tensor2d(set.images.subarray(start * features, end * features), [end - start, features]);
      return tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor)));
    });
    worst = Math.max(worst, difference.dataSync()[0] ?? 0);
    difference.dispose();
  }
  return worst;
}
