import type { Tensor, Variable } from '@tensorflow/tfjs-core';

/**
 * A model as scorers that run it themselves see it (GraSP, SynFlow): a differentiable forward
 * function that reads the current values of its variables.
 *
 * - GraSP calls `forward(batch.x)` and treats the output as logits: it divides them by its
 *   temperature and applies its own softmax cross-entropy against `batch.y` (one-hot, or integer
 *   class ids of rank 1). The forward must return the logits, not probabilities.
 * - SynFlow sets every variable in `variables` (default: the scored parameters) to its absolute
 *   value, calls `forward` on an all-ones input of shape `[1, ...inputShape]` and sums the output.
 *   Put every variable the forward reads in `variables` (biases, normalisation gains), and run
 *   normalisation layers in inference mode.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { ScoringModel } from '@sparse/core';
 *
 * const w1 = tf.variable(tf.randomNormal([784, 300]));
 * const b1 = tf.variable(tf.zeros([300]));
 * const w2 = tf.variable(tf.randomNormal([300, 10]));
 * const model: ScoringModel = {
 *   forward: (x) => tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2),
 *   variables: [w1, b1, w2],
 *   inputShape: [784],
 * };
 * ```
 */
export interface ScoringModel {
  /** The model's output for a batch of inputs (batch first), differentiable w.r.t. its variables. */
  forward(x: Tensor): Tensor;
  /** Every variable `forward` reads; SynFlow linearises all of them. Default: the scored parameters. */
  readonly variables?: readonly Variable[];
  /** The shape of one input example without the batch dimension. Default: the batch's `x` shape. */
  readonly inputShape?: readonly number[];
}
