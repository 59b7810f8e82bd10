/**
 * The MLP 784-256-256-10 of spec D.6, as plain tfjs variables: initialisation from a seed,
 * forward pass (last hidden layer and logits), training with @sparse/core's `train`, accuracy,
 * and conversion to and from named Float32Arrays (what @sparse/delta prunes).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Random, deriveSeed, train, type NamedParameter } from '@sparse/core';
import { createBatchLoader, type ImageSet } from '@sparse/datasets';

export const LAYERS = [
  { name: 'fc1', inputs: 784, outputs: 256 },
  { name: 'fc2', inputs: 256, outputs: 256 },
  { name: 'head', inputs: 256, outputs: 10 },
] as const;

export type Weights = Map<string, Float32Array>;

export interface Mlp {
  readonly parameters: readonly NamedParameter[];
  /** The last hidden layer (after ReLU) and the logits. */
  forward(x: tf.Tensor2D): { hidden: tf.Tensor2D; logits: tf.Tensor2D };
  read(): Weights;
  write(weights: Weights): void;
  dispose(): void;
}

let instances = 0;

/** He-normal kernels and zero biases, each drawn from `deriveSeed(seed, 'init', name)`. */
export function initialWeights(seed: number): Weights {
  const weights: Weights = new Map();
  for (const { name, inputs, outputs } of LAYERS) {
    const kernel = new Random(deriveSeed(seed, 'init', `${name}/kernel`)).fillNormal(new Float32Array(inputs * outputs), 0, Math.sqrt(2 / inputs));
    weights.set(`${name}/kernel`, kernel);
    weights.set(`${name}/bias`, new Float32Array(outputs));
  }
  return weights;
}

export function createMlp(weights: Weights): Mlp {
  instances += 1;
  const parameters: NamedParameter[] = [];
  for (const { name, inputs, outputs } of LAYERS) {
    const kernel = weights.get(`${name}/kernel`) as Float32Array;
    const bias = weights.get(`${name}/bias`) as Float32Array;
    parameters.push({ name: `${name}/kernel`, role: 'dense-kernel', variable: tf.tidy(() => tf.variable(tf.tensor2d(kernel, [inputs, outputs]), true, `mlp${instances}/${name}/kernel`)) });
    parameters.push({ name: `${name}/bias`, role: 'bias', variable: tf.tidy(() => tf.variable(tf.tensor1d(bias), true, `mlp${instances}/${name}/bias`)) });
  }
  const byName = new Map(parameters.map((p) => [p.name, p.variable]));
  const v = (name: string) => byName.get(name) as tf.Variable;
  return {
    parameters,
    forward(x) {
      const h1 = tf.relu(tf.add(tf.matMul(x, v('fc1/kernel')), v('fc1/bias')));
      const hidden = tf.relu(tf.add(tf.matMul(h1, v('fc2/kernel')), v('fc2/bias'))) as tf.Tensor2D;
      const logits = tf.add(tf.matMul(hidden, v('head/kernel')), v('head/bias')) as tf.Tensor2D;
      return { hidden, logits };
    },
    read() {
      return new Map(parameters.map((p) => [p.name, p.variable.dataSync() as Float32Array]));
    },
    write(values) {
      for (const p of parameters) {
        const data = values.get(p.name);
        if (data === undefined) throw new Error(`missing ${p.name}`);
        tf.tidy(() => p.variable.assign(tf.tensor(data, p.variable.shape)));
      }
    },
    dispose() {
      for (const p of parameters) p.variable.dispose();
    },
  };
}

/** Trains every parameter with softmax cross-entropy for `epochs` epochs. */
export async function fit(
  model: Mlp,
  data: ImageSet,
  options: { optimizer: tf.Optimizer; epochs: number; batchSize: number; seed: number; onEpoch?: (epoch: number, loss: number) => void },
): Promise<void> {
  const loader = createBatchLoader(data, { batchSize: options.batchSize, seed: options.seed, numClasses: 10 });
  await train({
    parameters: model.parameters,
    loss: ({ x, y }) => tf.losses.softmaxCrossEntropy(y, model.forward(x as tf.Tensor2D).logits) as tf.Scalar,
    optimizer: options.optimizer,
    batches: (epoch) => loader.epoch(epoch),
    epochs: options.epochs,
    disposeBatches: true,
    hooks: {
      onEpochEnd: async (event) => options.onEpoch?.(event.epoch, await event.readMeanLoss()),
    },
  });
  loader.dispose();
}

/** Runs `fn` over the set in chunks of 2000 examples with the inputs as a tensor. */
function forEachChunk(data: ImageSet, fn: (x: tf.Tensor2D, start: number, count: number) => void): void {
  const size = 784;
  for (let start = 0; start < data.count; start += 2000) {
    const count = Math.min(2000, data.count - start);
    tf.tidy(() => fn(tf.tensor2d(data.images.subarray(start * size, (start + count) * size) as Float32Array, [count, size]), start, count));
  }
}

/** Top-1 accuracy of the model on the set. */
export function accuracy(model: Mlp, data: ImageSet): number {
  let correct = 0;
  forEachChunk(data, (x, start, count) => {
    const predicted = tf.argMax(model.forward(x).logits, 1).dataSync();
    for (let i = 0; i < count; i++) if (predicted[i] === data.labels[start + i]) correct++;
  });
  return correct / data.count;
}

/** The last hidden layer's output on the set, flat. */
export function hiddenOutput(model: Mlp, data: ImageSet): Float32Array {
  const out = new Float32Array(data.count * 256);
  forEachChunk(data, (x, start) => out.set(model.forward(x).hidden.dataSync(), start * 256));
  return out;
}

/** The mean of each input of fc1 and fc2 over the set (for the analytical q). */
export function inputMeans(model: Mlp, data: ImageSet): { fc1: Float32Array; fc2: Float32Array } {
  const fc1 = new Float64Array(784);
  const fc2 = new Float64Array(256);
  const v = (name: string) => model.parameters.find((p) => p.name === name)?.variable as tf.Variable;
  forEachChunk(data, (x) => {
    const h1 = tf.relu(tf.add(tf.matMul(x, v('fc1/kernel')), v('fc1/bias')));
    const a = tf.sum(x, 0).dataSync();
    const b = tf.sum(h1, 0).dataSync();
    for (let j = 0; j < 784; j++) fc1[j] = (fc1[j] as number) + (a[j] as number);
    for (let j = 0; j < 256; j++) fc2[j] = (fc2[j] as number) + (b[j] as number);
  });
  return { fc1: Float32Array.from(fc1, (s) => s / data.count), fc2: Float32Array.from(fc2, (s) => s / data.count) };
}

/** Keeps the examples whose label is in `classes`. */
export function onlyClasses(data: ImageSet, classes: readonly number[]): ImageSet {
  const indices: number[] = [];
  for (let i = 0; i < data.count; i++) if (classes.includes(data.labels[i] as number)) indices.push(i);
  const images = new Float32Array(indices.length * 784);
  const labels = new Uint8Array(indices.length);
  indices.forEach((index, k) => {
    images.set((data.images as Float32Array).subarray(index * 784, (index + 1) * 784), k * 784);
    labels[k] = data.labels[index] as number;
  });
  return { images, labels, count: indices.length, shape: data.shape };
}
