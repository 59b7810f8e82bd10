import * as tf from '@tensorflow/tfjs-core';
import { Random, deriveSeed, type NamedParameter } from '@sparse/core';
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

/**
 * One dense layer of the experiment's MLP: `fc1` … `fcN` (ReLU) and `head` (logits).
 *
 * @example
 * ```ts
 * import { mlpLayers } from './mlp.js';
 *
 * console.log(mlpLayers([256, 256]).map((layer) => layer.name)); // ['fc1', 'fc2', 'head']
 * ```
 */
export interface MlpLayer {
  readonly name: string;
  readonly inputs: number;
  readonly outputs: number;
}

/** Fashion-MNIST: 28×28 inputs, 10 classes. */
const INPUTS = 784;
const CLASSES = 10;

/**
 * The layers of the MLP 784-hidden…-10.
 *
 * @example
 * ```ts
 * import { mlpLayers } from './mlp.js';
 *
 * console.log(mlpLayers([64])); // fc1 784→64, head 64→10
 * ```
 */
export function mlpLayers(hidden: readonly number[]): MlpLayer[] {
  const sizes = [INPUTS, ...hidden, CLASSES];
  return sizes.slice(1).map((outputs, index) => ({ name: index === hidden.length ? 'head' : `fc${index + 1}`, inputs: sizes[index] as number, outputs }));
}

/**
 * He-normal kernels and zero biases, each kernel drawn from `Random(deriveSeed(seed, 'init', name))`.
 *
 * @example
 * ```ts
 * import { initialWeights, mlpLayers } from './mlp.js';
 *
 * const weights = initialWeights(mlpLayers([256, 256]), 0);
 * ```
 */
export function initialWeights(layers: readonly MlpLayer[], seed: number): Weights {
  const weights: Weights = new Map();
  for (const { name, inputs, outputs } of layers) {
    weights.set(`${name}/kernel`, new Random(deriveSeed(seed, 'init', `${name}/kernel`)).fillNormal(new Float32Array(inputs * outputs), 0, Math.sqrt(2 / inputs)));
    weights.set(`${name}/bias`, new Float32Array(outputs));
  }
  return weights;
}

/**
 * The MLP as tfjs variables: forward pass, reading and writing named weights.
 *
 * @example
 * ```ts
 * import { createMlp, initialWeights, mlpLayers } from './mlp.js';
 *
 * const layers = mlpLayers([32]);
 * const model = createMlp(layers, initialWeights(layers, 0), 'example');
 * model.dispose();
 * ```
 */
export interface Mlp {
  readonly layers: readonly MlpLayer[];
  /** Every weight, kernels as `dense-kernel`, biases as `bias`. */
  readonly parameters: readonly NamedParameter[];
  /** The input of every layer (after ReLU), the last hidden layer and the logits. */
  forward(x: tf.Tensor2D): { inputs: tf.Tensor2D[]; hidden: tf.Tensor2D; logits: tf.Tensor2D };
  read(): Weights;
  write(weights: Weights): void;
  dispose(): void;
}

let anonymous = 0;

/**
 * Creates the MLP's variables from named weights. `scope` prefixes the variable names (training
 * units give a stable one, so an optimizer state saved in a checkpoint finds its variables again);
 * without it a fresh one is made.
 *
 * @example
 * ```ts
 * import { createMlp, initialWeights, mlpLayers } from './mlp.js';
 *
 * const layers = mlpLayers([32]);
 * const model = createMlp(layers, initialWeights(layers, 0));
 * console.log(model.parameters.map((p) => p.name)); // fc1/kernel, fc1/bias, head/kernel, head/bias
 * model.dispose();
 * ```
 */
export function createMlp(layers: readonly MlpLayer[], weights: Weights, scope = `delta-mlp-${(anonymous += 1)}`): Mlp {
  const parameters: NamedParameter[] = [];
  try {
    for (const { name, inputs, outputs } of layers) {
      const kernel = weights.get(`${name}/kernel`);
      const bias = weights.get(`${name}/bias`);
      if (kernel === undefined || bias === undefined) throw new Error(`The weights lack ${name}/kernel or ${name}/bias.`);
      parameters.push({ name: `${name}/kernel`, role: 'dense-kernel', variable: tf.tidy(() => tf.variable(tf.tensor2d(kernel, [inputs, outputs]), true, `${scope}/${name}/kernel`)) });
      parameters.push({ name: `${name}/bias`, role: 'bias', variable: tf.tidy(() => tf.variable(tf.tensor1d(bias), true, `${scope}/${name}/bias`)) });
    }
  } catch (error) {
    for (const parameter of parameters) parameter.variable.dispose();
    throw error;
  }
  const byName = new Map(parameters.map((p) => [p.name, p.variable]));
  const v = (name: string) => byName.get(name) as tf.Variable;
  return {
    layers,
    parameters,
    forward(x) {
      const inputs: tf.Tensor2D[] = [];
      let h: tf.Tensor2D = x;
      for (const { name } of layers.slice(0, -1)) {
        inputs.push(h);
        h = tf.relu(tf.add(tf.matMul(h, v(`${name}/kernel`)), v(`${name}/bias`)));
      }
      inputs.push(h);
      const head = layers[layers.length - 1] as MlpLayer;
      const logits = tf.add(tf.matMul(h, v(`${head.name}/kernel`)), v(`${head.name}/bias`)) as tf.Tensor2D;
      return { inputs, hidden: h, logits };
    },
    read() {
      return new Map(parameters.map((p) => [p.name, p.variable.dataSync() as Float32Array]));
    },
    write(values) {
      for (const p of parameters) {
        const data = values.get(p.name);
        if (data === undefined) throw new Error(`The weights lack ${p.name}.`);
        tf.tidy(() => p.variable.assign(tf.tensor(data, p.variable.shape)));
      }
    },
    dispose() {
      for (const p of parameters) p.variable.dispose();
    },
  };
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
 * Top-1 accuracy of the model on the set.
 *
 * @example
 * ```ts
 * import { accuracy, type Mlp } from './mlp.js';
 * import type { ImageSet } from '@sparse/datasets';
 *
 * declare const model: Mlp, test: ImageSet;
 * console.log(accuracy(model, test));
 * ```
 */
export function accuracy(model: Mlp, data: ImageSet): number {
  let correct = 0;
  forEachChunk(data, (x, start, count) => {
    const predicted = tf.argMax(model.forward(x).logits, 1).dataSync();
    for (let i = 0; i < count; i++) if (predicted[i] === data.labels[start + i]) correct++;
  });
  return correct / data.count;
}

/**
 * The last hidden layer's output on the set, flat (example after example).
 *
 * @example
 * ```ts
 * import { hiddenOutput, type Mlp } from './mlp.js';
 * import type { ImageSet } from '@sparse/datasets';
 *
 * declare const model: Mlp, calibration: ImageSet;
 * const reference = hiddenOutput(model, calibration);
 * ```
 */
export function hiddenOutput(model: Mlp, data: ImageSet): Float32Array {
  const width = (model.layers[model.layers.length - 1] as MlpLayer).inputs;
  const out = new Float32Array(data.count * width);
  forEachChunk(data, (x, start) => out.set(model.forward(x).hidden.dataSync(), start * width));
  return out;
}

/**
 * The mean of every input of every layer over the set (`x̄_j` of the analytical q), by layer name.
 *
 * @example
 * ```ts
 * import { inputMeans, type Mlp } from './mlp.js';
 * import type { ImageSet } from '@sparse/datasets';
 *
 * declare const model: Mlp, calibration: ImageSet;
 * console.log(inputMeans(model, calibration).get('fc1')?.length); // 784
 * ```
 */
export function inputMeans(model: Mlp, data: ImageSet): Map<string, Float32Array> {
  const sums = model.layers.map((layer) => new Float64Array(layer.inputs));
  forEachChunk(data, (x) => {
    model.forward(x).inputs.forEach((input, k) => {
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
