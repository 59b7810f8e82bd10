import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Batch, NamedParameter, TrainableModel } from '@sparse/core';
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

/**
 * The experiment's MLP as core's `TrainableModel`, so any training engine can step it: its
 * parameters (`modelParameters` order: each layer's kernel, then bias), its mean softmax
 * cross-entropy `loss`, and its `denseLayers` (the kernels and biases in pairs), since
 * {@link createMlp} makes exactly a dense ReLU network with logits last.
 */
export function mlpTrainableModel(parameters: readonly NamedParameter[], loss: (batch: Batch) => tf.Scalar): TrainableModel {
  const denseLayers: { kernel: NamedParameter; bias: NamedParameter }[] = [];
  for (let i = 0; i + 1 < parameters.length; i += 2) {
    const kernel = parameters[i] as NamedParameter;
    const bias = parameters[i + 1] as NamedParameter;
    if (kernel.role !== 'dense-kernel' || bias.role !== 'bias') throw new Error(`mlpTrainableModel: expected a kernel then a bias, got ${kernel.name}, ${bias.name}`);
    denseLayers.push({ kernel, bias });
  }
  return { parameters, loss, denseLayers };
}
