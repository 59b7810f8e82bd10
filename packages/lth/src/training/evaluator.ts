import * as tf from '@tensorflow/tfjs-core';
import { SparseError } from '@sparse/core';
import type { ImageSet } from '@sparse/datasets';

/**
 * Mean softmax cross-entropy and accuracy of a model on a data set.
 *
 * @example
 * ```ts
 * import type { Evaluation } from '@sparse/lth';
 *
 * const e: Evaluation = { loss: 0.41, accuracy: 0.86 };
 * ```
 */
export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
}

/**
 * Evaluates a forward function on a fixed data set. The set is uploaded once, in chunks (tfjs
 * 4.22's wasm `slice` and `gather` copy their whole input, so chunks are made once, not per call);
 * each call runs the forward pass chunk by chunk and reads back two numbers.
 *
 * @example
 * ```ts
 * import { createMlp, createEvaluator } from '@sparse/lth';
 * import { loadFashionMnist } from '@sparse/datasets';
 *
 * const { test } = await loadFashionMnist();
 * const model = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
 * const evaluator = createEvaluator(test);
 * console.log(evaluator.evaluate((x) => model.forward(x)));
 * evaluator.dispose();
 * model.dispose();
 * ```
 */
export interface Evaluator {
  /** Number of examples. */
  readonly count: number;
  /** Loss and accuracy of `forward` (which returns logits) on the set. */
  evaluate(forward: (x: tf.Tensor) => tf.Tensor): Evaluation;
  /** Disposes the uploaded chunks. */
  dispose(): void;
}

/**
 * Makes an {@link Evaluator} for a data set (float32 images in `[0, 1]`).
 *
 * @param set - the images and labels.
 * @param options - `chunkSize` (default 1000) and `numClasses` (default 10).
 * @throws SparseError `E_ARGUMENT` for an empty set or uint8 pixels.
 *
 * @example
 * ```ts
 * import { createEvaluator } from '@sparse/lth';
 * import { loadFashionMnist } from '@sparse/datasets';
 *
 * const { test } = await loadFashionMnist();
 * const evaluator = createEvaluator(test, { chunkSize: 500 });
 * evaluator.dispose();
 * ```
 */
export function createEvaluator(set: ImageSet, options: { readonly chunkSize?: number; readonly numClasses?: number } = {}): Evaluator {
  const chunkSize = options.chunkSize ?? 1000;
  const numClasses = options.numClasses ?? 10;
  if (set.count < 1 || !(set.images instanceof Float32Array)) {
    throw new SparseError('E_ARGUMENT', `createEvaluator needs a non-empty set of float32 images; got ${set.count} images of ${set.images.constructor.name}.`, { field: 'set' });
  }
  const features = set.images.length / set.count;
  const chunks: { x: tf.Tensor2D; y: tf.Tensor2D; labels: tf.Tensor1D }[] = [];
  for (let start = 0; start < set.count; start += chunkSize) {
    const end = Math.min(set.count, start + chunkSize);
    const labels = Int32Array.from(set.labels.subarray(start, end));
    chunks.push(
      tf.tidy(() => {
        const labelTensor = tf.tensor1d(labels, 'int32');
        return {
          x: tf.tensor2d(set.images.subarray(start * features, end * features) as Float32Array, [end - start, features]),
          y: tf.cast(tf.oneHot(labelTensor, numClasses), 'float32') as tf.Tensor2D,
          labels: labelTensor,
        };
      }),
    );
  }
  return {
    count: set.count,
    evaluate(forward) {
      const totals = tf.tidy(() => {
        let loss: tf.Tensor = tf.scalar(0);
        let correct: tf.Tensor = tf.scalar(0);
        for (const { x, y, labels } of chunks) {
          const logits = forward(x);
          loss = tf.add(loss, tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM));
          correct = tf.add(correct, tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
        }
        return tf.stack([loss, correct]);
      });
      const [loss, correct] = totals.dataSync();
      totals.dispose();
      return { loss: (loss as number) / set.count, accuracy: (correct as number) / set.count };
    },
    dispose() {
      for (const chunk of chunks) tf.dispose([chunk.x, chunk.y, chunk.labels]);
      chunks.length = 0;
    },
  };
}
