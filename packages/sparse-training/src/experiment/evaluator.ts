import * as tf from '@tensorflow/tfjs-core';
import type { ImageSet } from '@sparse/datasets';
import type { SetEvaluation } from '../contracts/method.js';

/**
 * Loss and accuracy of logits functions on one labelled set, its images uploaded once in chunks.
 *
 * @example
 * ```ts
 * import { createSetEvaluator } from '@sparse/sparse-training';
 * import type { ImageSet } from '@sparse/datasets';
 *
 * declare const test: ImageSet<Float32Array>;
 * const evaluator = createSetEvaluator(test);
 * // evaluator.evaluate(model.forward) → { loss, accuracy }
 * evaluator.dispose();
 * ```
 */
export interface SetEvaluator {
  /** Mean softmax cross-entropy and top-1 accuracy of `forward` (logits) on the set. */
  evaluate(forward: (x: tf.Tensor) => tf.Tensor): SetEvaluation;
  /** Frees the uploaded chunks. */
  dispose(): void;
}

/**
 * Makes a {@link SetEvaluator} over a set of float32 images with 10 classes (chunks of 1000).
 *
 * @example
 * ```ts
 * import { createSetEvaluator } from '@sparse/sparse-training';
 * import { loadFashionMnist, type ImageSet } from '@sparse/datasets';
 *
 * const { test } = await loadFashionMnist();
 * const evaluator = createSetEvaluator(test as ImageSet<Float32Array>);
 * evaluator.dispose();
 * ```
 */
export function createSetEvaluator(set: ImageSet<Float32Array>, classes = 10): SetEvaluator {
  const features = set.images.length / Math.max(1, set.count);
  const chunks: { x: tf.Tensor2D; y: tf.Tensor2D; labels: tf.Tensor1D }[] = [];
  for (let start = 0; start < set.count; start += 1000) {
    const end = Math.min(set.count, start + 1000);
    chunks.push(
      tf.tidy(() => {
        const labels = tf.tensor1d(Int32Array.from(set.labels.subarray(start, end)), 'int32');
        return {
          x: tf.tensor2d(set.images.subarray(start * features, end * features), [end - start, features]),
          y: tf.cast(tf.oneHot(labels, classes), 'float32') as tf.Tensor2D,
          labels,
        };
      }),
    );
  }
  return {
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
      const [loss = 0, correct = 0] = totals.dataSync();
      totals.dispose();
      return { loss: loss / set.count, accuracy: correct / set.count };
    },
    dispose() {
      for (const chunk of chunks) tf.dispose([chunk.x, chunk.y, chunk.labels]);
      chunks.length = 0;
    },
  };
}
