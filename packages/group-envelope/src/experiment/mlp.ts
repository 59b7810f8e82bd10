import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '@sparse/core';
import { createDenseSequential } from '@sparse/layers';

/** The layer names of an MLP with these widths: `fc1` … `fcN` for the hidden layers, `out` last. */
export function mlpLayerNames(layerSizes: readonly number[]): string[] {
  return layerSizes.slice(1).map((_, i) => (i === layerSizes.length - 2 ? 'out' : `fc${i + 1}`));
}

/**
 * The experiment's MLP: @sparse/layers' dense ReLU `Sequential` named `mlp_<seed>`, logits last,
 * tfjs-layers' Glorot-uniform kernels from seeds derived from `seed` (purpose `init`, the kernel's
 * name) and zero biases, so every method of a replicate starts from the same weights.
 */
export function createMlp(layerSizes: readonly number[], seed: number): tfl.Sequential {
  return createDenseSequential({ layerSizes, layerNames: mlpLayerNames(layerSizes), name: `mlp_${seed}`, initializer: 'tfjs-glorot-uniform', seed });
}

/** The mean softmax cross-entropy of the model on a batch (logits from `model.apply`). */
export function mlpLoss(model: tfl.LayersModel): (batch: Batch) => tf.Scalar {
  return ({ x, y }) => tf.tidy(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
}
