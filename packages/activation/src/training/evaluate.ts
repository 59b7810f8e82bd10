import * as tf from '@tensorflow/tfjs-core';
import { SparseError } from '@sparse/core';
import { denseHook, type ActivationHook } from '../hooks/activation-hook.js';
import type { ActivationModel } from '../models/activation-model.js';

/**
 * Labelled examples in host memory, row-major: the shape of `@sparse/datasets`' `ImageSet`.
 *
 * @example
 * ```ts
 * import type { LabelledSet } from '@sparse/activation';
 *
 * const set: LabelledSet = { images: new Float32Array(2 * 784), labels: new Uint8Array([3, 7]), count: 2 };
 * ```
 */
export interface LabelledSet {
  /** `count × features` values (`Uint8Array` pixels are scaled by 1/255). */
  readonly images: Float32Array | Uint8Array;
  /** One class per example. */
  readonly labels: Uint8Array;
  /** Number of examples. */
  readonly count: number;
}

/**
 * Options of {@link evaluateModel}.
 *
 * @example
 * ```ts
 * import type { EvaluateOptions } from '@sparse/activation';
 *
 * const options: EvaluateOptions = { batchSize: 1000, limit: 2000 };
 * ```
 */
export interface EvaluateOptions {
  /** The hook at every site (a recorder to calibrate, a threshold hook, a meter…). Default dense. */
  readonly hook?: ActivationHook;
  /** Examples per forward pass. Default 500. */
  readonly batchSize?: number;
  /** Use only the first `limit` examples. Default all. */
  readonly limit?: number;
}

/**
 * Accuracy and mean cross-entropy on a data set.
 *
 * @example
 * ```ts
 * import type { Evaluation } from '@sparse/activation';
 *
 * const e: Evaluation = { accuracy: 0.89, loss: 0.31, count: 10000 };
 * ```
 */
export interface Evaluation {
  /** Fraction of examples classified correctly. */
  readonly accuracy: number;
  /** Mean softmax cross-entropy. */
  readonly loss: number;
  /** Examples evaluated. */
  readonly count: number;
}

/**
 * Runs a model over a data set in batches with a hook and returns accuracy and loss. With an
 * {@link ActivationRecorder} as the hook this is the calibration pass; with a
 * {@link SparsityMeter} it also measures realized sparsity (and block errors) on that data.
 *
 * @throws SparseError `E_ARGUMENT` for a bad batch size or limit, or a set whose arrays disagree.
 *
 * @example
 * ```ts
 * import { evaluateModel, createGatedMlp, ActivationRecorder } from '@sparse/activation';
 * import { loadFashionMnist } from '@sparse/datasets';
 *
 * const { train, test } = await loadFashionMnist();
 * const model = createGatedMlp({ seed: 0 });
 * const recorder = new ActivationRecorder();
 * evaluateModel(model, train, { hook: recorder, limit: 2000 }); // calibration pass
 * console.log(evaluateModel(model, test).accuracy);
 * ```
 */
export function evaluateModel(model: ActivationModel, set: LabelledSet, options: EvaluateOptions = {}): Evaluation {
  const batchSize = options.batchSize ?? 500;
  const count = Math.min(set.count, options.limit ?? set.count);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new SparseError('E_ARGUMENT', `batchSize must be a positive integer, got ${String(batchSize)}.`, { field: 'batchSize', received: batchSize });
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new SparseError('E_ARGUMENT', `limit must be a positive integer, got ${String(options.limit)}.`, { field: 'limit', received: options.limit });
  }
  const features = set.images.length / set.count;
  if (!Number.isInteger(features) || set.labels.length !== set.count) {
    throw new SparseError('E_ARGUMENT', `The set has ${set.images.length} values and ${set.labels.length} labels for ${set.count} examples.`, { field: 'set' });
  }
  const hook = options.hook ?? denseHook;
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const pixels = set.images.subarray(start * features, (start + size) * features);
    const x = Float32Array.from(pixels, set.images instanceof Uint8Array ? (v: number) => v / 255 : (v: number) => v);
    const labels = Int32Array.from(set.labels.subarray(start, start + size));
    const result = tf.tidy(() => {
      const logits = model.forward(tf.tensor2d(x, [size, features]), hook);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1] ?? 10);
      const right = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(labels, 'int32')), 'float32'));
      const loss = tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM);
      return tf.stack([right, loss]);
    });
    const [right, loss] = result.dataSync();
    result.dispose();
    correct += right as number;
    lossSum += loss as number;
  }
  return { accuracy: correct / count, loss: lossSum / count, count };
}
