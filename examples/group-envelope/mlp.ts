/**
 * The MLP 784-512-256-10 of spec B.5 as a tfjs-layers model, its loss for core's `train`, and
 * accuracy on a data set in batches.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '@sparse/core';
import type { ImageSet } from '@sparse/datasets';

/** Layer widths. */
export const WIDTHS = [784, 512, 256, 10] as const;

/** The model: fc1 (relu), fc2 (relu), out (logits); Glorot-uniform kernels from `seed`, zero biases. */
export function createMlp(seed: number): tfl.Sequential {
  return tfl.sequential({
    name: `mlp_${seed}`,
    layers: [
      tfl.layers.dense({ name: 'fc1', inputShape: [WIDTHS[0]], units: WIDTHS[1], activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }),
      tfl.layers.dense({ name: 'fc2', units: WIDTHS[2], activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
      tfl.layers.dense({ name: 'out', units: WIDTHS[3], kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }) }),
    ],
  });
}

/** The mean softmax cross-entropy of the model on a batch (logits from `model.apply`). */
export function lossOf(model: tfl.LayersModel): (batch: Batch) => tf.Scalar {
  return ({ x, y }) => tf.tidy(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
}

/** Top-1 accuracy of `model` on a set, in batches of 1000. */
export function accuracy(model: tfl.LayersModel, set: ImageSet<Float32Array>): number {
  const features = set.shape.reduce((a, b) => a * b, 1);
  let correct = 0;
  for (let start = 0; start < set.count; start += 1000) {
    const end = Math.min(set.count, start + 1000);
    const hits = tf.tidy(() => {
      const x = tf.tensor2d(set.images.subarray(start * features, end * features), [end - start, features]);
      const predicted = tf.argMax(model.predict(x) as tf.Tensor, 1);
      return tf.sum(tf.cast(tf.equal(predicted, tf.tensor1d(set.labels.subarray(start, end), 'int32')), 'int32'));
    });
    correct += hits.dataSync()[0] ?? 0;
    hits.dispose();
  }
  return correct / set.count;
}

/** Largest absolute difference between two models' outputs on a set. */
export function maxOutputDifference(a: tfl.LayersModel, b: tfl.LayersModel, set: ImageSet<Float32Array>, count = set.count): number {
  const features = set.shape.reduce((p, q) => p * q, 1);
  let worst = 0;
  for (let start = 0; start < count; start += 1000) {
    const end = Math.min(count, start + 1000);
    const diff = tf.tidy(() => {
      const x = tf.tensor2d(set.images.subarray(start * features, end * features), [end - start, features]);
      return tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor)));
    });
    worst = Math.max(worst, diff.dataSync()[0] ?? 0);
    diff.dispose();
  }
  return worst;
}
