import type { Scalar } from '@tensorflow/tfjs-core';
import type { MaskSet } from './mask.js';
import type { NamedParameter } from './parameter.js';
import type { StepContext } from './step-context.js';

/**
 * A sparsity-inducing regularizer: a penalty added to the loss, a proximal step applied to the
 * weights after each optimizer update, or both.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { Regularizer } from '@sparse/core';
 *
 * // L1 by soft-thresholding: w <- sign(w) * max(|w| - lr * strength, 0).
 * const l1 = (strength: number): Regularizer => ({
 *   name: 'l1',
 *   penalty: (parameters) =>
 *     tf.tidy(() => tf.mul(tf.addN(parameters.map((p) => tf.sum(tf.abs(p.variable)))), strength)),
 *   proximalStep(parameters, context) {
 *     const threshold = (context.learningRate ?? 0) * strength;
 *     for (const p of parameters) {
 *       tf.tidy(() => p.variable.assign(tf.mul(tf.sign(p.variable), tf.relu(tf.sub(tf.abs(p.variable), threshold)))));
 *     }
 *   },
 * });
 * ```
 */
export interface Regularizer {
  /** The name it is registered under, e.g. `group-lasso`. */
  readonly name: string;
  /** A penalty added to the training loss (must be differentiable through the variables). */
  penalty?(parameters: readonly NamedParameter[]): Scalar;
  /** Updates the variables in place after the optimizer step (proximal gradient). */
  proximalStep?(parameters: readonly NamedParameter[], context: StepContext, masks: MaskSet): void;
}
