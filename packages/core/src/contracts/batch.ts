import type { Scalar, Tensor } from '@tensorflow/tfjs-core';

/**
 * One minibatch of inputs and targets.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { Batch } from '@sparse/core';
 *
 * const batch: Batch = { x: tf.zeros([60, 784]), y: tf.oneHot(tf.zeros([60], 'int32'), 10) };
 * ```
 */
export interface Batch {
  /** Inputs, batch first. */
  readonly x: Tensor;
  /** Targets, batch first. */
  readonly y: Tensor;
}

/**
 * The model's loss on a batch, computed from the current values of its variables. Data-driven
 * scorers (SNIP, GraSP, Taylor) differentiate it with respect to the parameters.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { LossFunction } from '@sparse/core';
 *
 * const w = tf.variable(tf.zeros([784, 10]));
 * const loss: LossFunction = ({ x, y }) => tf.losses.softmaxCrossEntropy(y, tf.matMul(x, w));
 * ```
 */
export type LossFunction = (batch: Batch) => Scalar;
