import * as tf from '@tensorflow/tfjs-core';
import { SparseError, train, type BatchSource, type NamedParameter, type TrainHooks, type TrainProgress, type TrainResult } from '@sparse/core';
import type { ActivationHook } from '../hooks/activation-hook.js';
import type { ActivationModel } from '../models/activation-model.js';

/**
 * Options of {@link fineTuneWithThresholds}: the model, the hook, and the core `train` loop's
 * options that make sense here (the loss is made from the model and the hook).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { FineTuneOptions, ActivationModel, ThresholdHook } from '@sparse/activation';
 * import type { Batch } from '@sparse/core';
 *
 * declare const model: ActivationModel;
 * declare const hook: ThresholdHook;
 * declare const batches: Batch[];
 * const options: FineTuneOptions = { model, hook, batches, epochs: 1, optimizer: tf.train.adam(3e-4) };
 * ```
 */
export interface FineTuneOptions {
  /** A plain tfjs optimizer (the loop wraps it; its state is not disposed). */
  readonly optimizer: tf.Optimizer;
  /** The minibatches (`{ x, y }` with one-hot `y`), as the core loop takes them. */
  readonly batches: BatchSource;
  /** Epochs to run. At least one of `epochs` and `steps`. */
  readonly epochs?: number;
  /** Steps to run. */
  readonly steps?: number;
  /** Hooks of the core loop. */
  readonly hooks?: TrainHooks;
  /** Progress after each step. */
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Stops training before the next step. */
  readonly signal?: AbortSignal;
  /** Dispose each batch's tensors after its step. Default `false`. */
  readonly disposeBatches?: boolean;
  /** Run seed. Default `0`. */
  readonly seed?: number;
  /** The model to fine-tune. */
  readonly model: ActivationModel;
  /** The sparsifying hook kept in place during training (e.g. {@link thresholdHook} of a CATS file). */
  readonly hook: ActivationHook;
  /**
   * Which parameters to train: names, or a predicate. Default: every parameter. (The CATS paper
   * fine-tunes a small subset; pass e.g. `(p) => p.name.endsWith('/gate/kernel')`.)
   */
  readonly trainable?: readonly string[] | ((parameter: NamedParameter) => boolean);
}

/**
 * The CATS fine-tuning variant: trains the model with the thresholds in place, through the core
 * `train` loop (masked gradients: zeroed activations pass no gradient; thresholds stay fixed).
 * Loss: softmax cross-entropy of `model.forward(x, hook)` against the one-hot `y`.
 *
 * @throws SparseError `E_CONFIG` when `trainable` selects no parameter or names an unknown one;
 * anything `train` throws.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { fineTuneWithThresholds, thresholdHook, type ActivationModel, type ThresholdFile } from '@sparse/activation';
 * import type { Batch } from '@sparse/core';
 *
 * declare const model: ActivationModel;
 * declare const file: ThresholdFile;
 * declare const batches: Batch[];
 * const hook = thresholdHook(file);
 * await fineTuneWithThresholds({ model, hook, batches, epochs: 1, optimizer: tf.train.adam(3e-4) });
 * hook.dispose();
 * ```
 */
export async function fineTuneWithThresholds(options: FineTuneOptions): Promise<TrainResult> {
  const { model, hook, trainable, ...rest } = options;
  let parameters: readonly NamedParameter[] = model.parameters;
  if (trainable !== undefined) {
    if (typeof trainable === 'function') {
      parameters = model.parameters.filter(trainable);
    } else {
      const names = new Set(model.parameters.map((p) => p.name));
      const unknown = trainable.filter((name) => !names.has(name));
      if (unknown.length > 0) {
        throw new SparseError('E_CONFIG', `trainable names unknown parameters: ${unknown.join(', ')}.`, { field: 'trainable', received: unknown, allowed: [...names] });
      }
      parameters = model.parameters.filter((p) => trainable.includes(p.name));
    }
  }
  if (parameters.length === 0) throw new SparseError('E_CONFIG', 'trainable selects no parameter.', { field: 'trainable' });
  return train({
    ...rest,
    parameters,
    loss: ({ x, y }) => tf.losses.softmaxCrossEntropy(y, model.forward(x, hook)) as tf.Scalar,
  });
}
