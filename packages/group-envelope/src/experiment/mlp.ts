import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { deriveSeed, type Batch } from '@sparse/core';
import type { ImageSet } from '@sparse/datasets';

/** The layer names of an MLP with these widths: `fc1` … `fcN` for the hidden layers, `out` last. */
export function mlpLayerNames(layerSizes: readonly number[]): string[] {
  return layerSizes.slice(1).map((_, i) => (i === layerSizes.length - 2 ? 'out' : `fc${i + 1}`));
}

/**
 * The experiment's MLP as a tfjs-layers model: dense layers with ReLU between them and logits
 * last, Glorot-uniform kernels from seeds derived from `seed` (purpose `init`, the kernel's name)
 * and zero biases, so every method of a replicate starts from the same weights.
 */
export function createMlp(layerSizes: readonly number[], seed: number): tfl.Sequential {
  const names = mlpLayerNames(layerSizes);
  return tfl.sequential({
    name: `mlp_${seed}`,
    layers: names.map((name, i) =>
      tfl.layers.dense({
        name,
        units: layerSizes[i + 1] as number,
        ...(i === 0 ? { inputShape: [layerSizes[0] as number] } : {}),
        ...(i < names.length - 1 ? { activation: 'relu' as const } : {}),
        kernelInitializer: tfl.initializers.glorotUniform({ seed: deriveSeed(seed, 'init', `${name}/kernel`) }),
      }),
    ),
  });
}

/** The mean softmax cross-entropy of the model on a batch (logits from `model.apply`). */
export function mlpLoss(model: tfl.LayersModel): (batch: Batch) => tf.Scalar {
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
export function maxOutputDifference(a: tfl.LayersModel, b: tfl.LayersModel, set: ImageSet<Float32Array>): number {
  const features = set.shape.reduce((p, q) => p * q, 1);
  let worst = 0;
  for (let start = 0; start < set.count; start += 1000) {
    const end = Math.min(set.count, start + 1000);
    const difference = tf.tidy(() => {
      const x = tf.tensor2d(set.images.subarray(start * features, end * features), [end - start, features]);
      return tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor)));
    });
    worst = Math.max(worst, difference.dataSync()[0] ?? 0);
    difference.dispose();
  }
  return worst;
}
