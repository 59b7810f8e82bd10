import * as tf from '@tensorflow/tfjs-core';
import { createDenseMlp, denseMlpLayers, heNormal, initialDenseMlpWeights, topOneAccuracy, type DenseMlp, type DenseMlpArchitecture, type DenseMlpLayer } from '@sparse/core';
import type { ImageSet } from '@sparse/datasets';

/**
 * Named weights of a model as flat float32 arrays (`fc1/kernel`, `fc1/bias`, …, `head/bias`): what
 * the delta methods prune.
 *
 * @example
 * ```ts
 * import { type Weights } from './mlp.js';
 *
 * const weights: Weights = new Map([['fc1/bias', new Float32Array(256)]]);
 * ```
 */
export type Weights = Map<string, Float32Array>;

/** Fashion-MNIST: 28×28 inputs, 10 classes. */
const INPUTS = 784;
const CLASSES = 10;

/**
 * The layers of the MLP 784-hidden…-10: `fc1` … `fcN` (ReLU) and `head` (logits).
 *
 * @example
 * ```ts
 * import { mlpLayers } from './mlp.js';
 *
 * console.log(mlpLayers([256, 256]).map((layer) => layer.name)); // ['fc1', 'fc2', 'head']
 * ```
 */
export function mlpLayers(hidden: readonly number[]): DenseMlpLayer[] {
  return denseMlpLayers({ layerSizes: [INPUTS, ...hidden, CLASSES], layerNames: [...hidden.map((_, index) => `fc${index + 1}`), 'head'] });
}

/** The layers as core's architecture (sizes, input first, and names). */
function architectureOf(layers: readonly DenseMlpLayer[]): DenseMlpArchitecture {
  return { layerSizes: [layers[0]?.inputs ?? INPUTS, ...layers.map((layer) => layer.outputs)], layerNames: layers.map((layer) => layer.name) };
}

/**
 * He-normal kernels and zero biases, each kernel drawn from `Random(deriveSeed(seed, 'init', name))`
 * (core's `initialDenseMlpWeights` with `heNormal`).
 *
 * @example
 * ```ts
 * import { initialWeights, mlpLayers } from './mlp.js';
 *
 * const weights = initialWeights(mlpLayers([256, 256]), 0);
 * ```
 */
export function initialWeights(layers: readonly DenseMlpLayer[], seed: number): Weights {
  return initialDenseMlpWeights(architectureOf(layers), { initializer: heNormal, seed });
}

/**
 * The MLP as core's `DenseMlp` from named weights, with separate matMul, add and ReLU ops (the
 * experiment's numbers depend on them). `scope` prefixes the variable names (training units give a
 * stable one, so an optimizer state saved in a checkpoint finds its variables again); without it
 * tfjs names them.
 *
 * @example
 * ```ts
 * import { createMlp, initialWeights, mlpLayers } from './mlp.js';
 *
 * const layers = mlpLayers([32]);
 * const model = createMlp(layers, initialWeights(layers, 0), 'example');
 * console.log(model.parameters.map((p) => p.name)); // fc1/kernel, fc1/bias, head/kernel, head/bias
 * model.dispose();
 * ```
 */
export function createMlp(layers: readonly DenseMlpLayer[], weights: Weights, scope?: string): DenseMlp {
  return createDenseMlp({ ...architectureOf(layers), weights, ops: 'separate', ...(scope === undefined ? {} : { variableScope: scope }) });
}

const CHUNK = 2000;

/** Runs `fn` over the set in chunks with the inputs as a tensor (inside `tf.tidy`). */
function forEachChunk(data: ImageSet, fn: (x: tf.Tensor2D, start: number, count: number) => void): void {
  for (let start = 0; start < data.count; start += CHUNK) {
    const count = Math.min(CHUNK, data.count - start);
    tf.tidy(() => fn(tf.tensor2d((data.images as Float32Array).subarray(start * INPUTS, (start + count) * INPUTS), [count, INPUTS]), start, count));
  }
}

/**
 * Top-1 accuracy of the model on the set: core's `topOneAccuracy` in chunks of 2000 examples (the
 * chunks of every evaluation here).
 *
 * @example
 * ```ts
 * import { accuracy } from './mlp.js';
 * import type { DenseMlp } from '@sparse/core';
 * import type { ImageSet } from '@sparse/datasets';
 *
 * declare const model: DenseMlp, test: ImageSet<Float32Array>;
 * console.log(accuracy(model, test));
 * ```
 */
export function accuracy(model: DenseMlp, data: ImageSet<Float32Array>): number {
  return topOneAccuracy(model.forward, data, { chunkSize: CHUNK });
}

/**
 * The last hidden layer's output on the set, flat (example after example).
 *
 * @example
 * ```ts
 * import { hiddenOutput } from './mlp.js';
 * import type { DenseMlp } from '@sparse/core';
 * import type { ImageSet } from '@sparse/datasets';
 *
 * declare const model: DenseMlp, calibration: ImageSet;
 * const reference = hiddenOutput(model, calibration);
 * ```
 */
export function hiddenOutput(model: DenseMlp, data: ImageSet): Float32Array {
  const width = (model.layers[model.layers.length - 1] as DenseMlpLayer).inputs;
  const out = new Float32Array(data.count * width);
  forEachChunk(data, (x, start) => out.set(model.forwardWithIntermediates(x).hidden.dataSync(), start * width));
  return out;
}

/**
 * The mean of every input of every layer over the set (`x̄_j` of the analytical q), by layer name.
 *
 * @example
 * ```ts
 * import { inputMeans } from './mlp.js';
 * import type { DenseMlp } from '@sparse/core';
 * import type { ImageSet } from '@sparse/datasets';
 *
 * declare const model: DenseMlp, calibration: ImageSet;
 * console.log(inputMeans(model, calibration).get('fc1')?.length); // 784
 * ```
 */
export function inputMeans(model: DenseMlp, data: ImageSet): Map<string, Float32Array> {
  const sums = model.layers.map((layer) => new Float64Array(layer.inputs));
  forEachChunk(data, (x) => {
    model.forwardWithIntermediates(x).inputs.forEach((input, k) => {
      const sum = tf.sum(input, 0).dataSync();
      const target = sums[k] as Float64Array;
      for (let j = 0; j < target.length; j++) target[j] = (target[j] as number) + (sum[j] as number);
    });
  });
  return new Map(model.layers.map((layer, k) => [layer.name, Float32Array.from(sums[k] as Float64Array, (s) => s / data.count)]));
}

/**
 * The examples whose label is in `classes`, in their order.
 *
 * @example
 * ```ts
 * import { onlyClasses } from './mlp.js';
 * import type { ImageSet } from '@sparse/datasets';
 *
 * declare const train: ImageSet<Float32Array>;
 * const firstFive = onlyClasses(train, [0, 1, 2, 3, 4]);
 * ```
 */
export function onlyClasses(data: ImageSet<Float32Array>, classes: readonly number[]): ImageSet<Float32Array> {
  const indices: number[] = [];
  for (let i = 0; i < data.count; i++) if (classes.includes(data.labels[i] as number)) indices.push(i);
  if (indices.length === data.count) return data;
  const images = new Float32Array(indices.length * INPUTS);
  const labels = new Uint8Array(indices.length);
  indices.forEach((index, k) => {
    images.set(data.images.subarray(index * INPUTS, (index + 1) * INPUTS), k * INPUTS);
    labels[k] = data.labels[index] as number;
  });
  return { images, labels, count: indices.length, shape: data.shape };
}
