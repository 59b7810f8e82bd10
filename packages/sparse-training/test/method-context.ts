import * as tf from '@tensorflow/tfjs-core';
import { Random, createDenseMlp, createRuntime, heNormal, initialDenseMlpWeights, type DenseMlp, type ImplementationRef, type SparsePlugin, type SparseRuntime } from '@sparse/core';
import { createBatchLoader, type ImageSet } from '@sparse/datasets';
import type { MethodContext, SetEvaluation } from '../src/contracts/method.js';

/**
 * A learnable toy problem: `count` examples of `features` uniform values (drawn from `seed`),
 * labelled by the argmax of one fixed random linear map to `classes` scores.
 */
export function toyProblem(count: number, features: number, classes: number, seed: number): ImageSet<Float32Array> {
  const projection = new Random(0).fillNormal(new Float32Array(features * classes));
  const images = new Random(seed).fillUniform(new Float32Array(count * features));
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i += 1) {
    let best = -Infinity;
    for (let c = 0; c < classes; c += 1) {
      let score = 0;
      for (let f = 0; f < features; f += 1) score += ((images[i * features + f] as number) - 0.5) * (projection[f * classes + c] as number);
      if (score > best) {
        best = score;
        labels[i] = c;
      }
    }
  }
  return { images, labels, count, shape: [features] };
}

/** Loss and accuracy of `model` on `set`, every tensor freed. */
export function evaluateOn(model: DenseMlp, set: ImageSet<Float32Array>, classes: number): SetEvaluation {
  return tf.tidy(() => {
    const x = tf.tensor2d(set.images, [set.count, set.images.length / set.count]);
    const y = tf.cast(tf.oneHot(tf.tensor1d(set.labels, 'int32'), classes), 'float32');
    const logits = model.forward(x);
    const loss = tf.losses.softmaxCrossEntropy(y, logits).dataSync()[0] as number;
    const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(set.labels, 'int32')), 'float32')).dataSync()[0] as number;
    return { loss, accuracy };
  });
}

/** Options of {@link toyContext}. */
export interface ToyContextOptions {
  readonly seed?: number;
  readonly sparsity?: number;
  readonly epochs?: number;
  readonly layerSizes?: readonly number[];
  readonly engine?: ImplementationRef;
  readonly plugins?: readonly SparsePlugin[];
  readonly backend?: string;
  readonly runtime?: SparseRuntime;
  readonly signal?: AbortSignal;
  readonly train?: number;
  readonly batchSize?: number;
}

/** A {@link MethodContext} on a toy problem (400 training examples, batches of 40, a [16, 24, 12, 4] MLP), with the progress reports it got. */
export async function toyContext(options: ToyContextOptions = {}): Promise<MethodContext & { readonly reported: number[]; readonly logs: string[] }> {
  const seed = options.seed ?? 1;
  const layerSizes = options.layerSizes ?? [16, 24, 12, 4];
  const features = layerSizes[0] as number;
  const classes = layerSizes[layerSizes.length - 1] as number;
  const runtime = options.runtime ?? (await createRuntime({ backend: options.backend ?? 'cpu', plugins: [...(options.plugins ?? [])] }));
  const train = toyProblem(options.train ?? 400, features, classes, 11);
  const validation = toyProblem(200, features, classes, 12);
  const test = toyProblem(200, features, classes, 13);
  const initialWeights = initialDenseMlpWeights({ layerSizes }, { initializer: heNormal, seed });
  const reported: number[] = [];
  const logs: string[] = [];
  return {
    runtime,
    seed,
    sparsity: options.sparsity,
    layerSizes,
    initialWeights,
    createModel: (weights) => createDenseMlp({ layerSizes, weights: weights ?? initialWeights }),
    loader: createBatchLoader(train, { batchSize: options.batchSize ?? 40, seed, numClasses: classes }),
    validation,
    epochs: options.epochs ?? 3,
    learningRate: 1e-2,
    engine: options.engine,
    evaluate: (model, set) => evaluateOn(model, set === 'validation' ? validation : test, classes),
    progress: (steps) => reported.push(steps),
    log: (line) => logs.push(line),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    reported,
    logs,
  };
}
