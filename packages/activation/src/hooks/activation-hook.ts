import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * What a model passes with an activation besides the activation itself. A gated MLP passes its
 * up-projection `x W_up` with the post-activation gate, which CHESS calibration needs.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { SiteContext } from '@sparse/activation';
 *
 * const context: SiteContext = { up: tf.ones([4, 512]) };
 * ```
 */
export interface SiteContext {
  /** The up-projection of a gated MLP, same shape as the gate activation. */
  readonly up?: Tensor;
}

/**
 * The one interface between a model and activation sparsity. A model calls `apply` at each of
 * its activation sites (named, e.g. `block0/gate`, `layer1/attn/q_input`) and uses what it
 * returns in place of the activation. Implementations: {@link denseHook} (identity),
 * {@link ActivationRecorder} (calibration: records, returns the input unchanged),
 * {@link thresholdHook} (CATS / CHESS / CHESS+ / top-k), {@link SparsityMeter} (measurement).
 *
 * Models written for this package also report each sparsified block's output: when
 * `observeBlock` exists they compute the block once more with the dense activations and pass both
 * outputs (so it costs a second block evaluation; hooks without it cost nothing).
 *
 * Tensor ownership: `apply` runs inside the model's `tf.tidy`; what it returns is the model's.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { ActivationHook } from '@sparse/activation';
 *
 * const halve: ActivationHook = { apply: (_site, activation) => tf.mul(activation, 0.5) };
 * ```
 */
export interface ActivationHook {
  /** Returns the activation to use at `site` (the input itself for identity). */
  apply(site: string, activation: Tensor, context?: SiteContext): Tensor;
  /** Receives a block's output computed with dense activations and with this hook's. */
  observeBlock?(block: string, dense: Tensor, sparse: Tensor): void;
}

/**
 * The identity hook: every site stays dense.
 *
 * @example
 * ```ts
 * import { denseHook } from '@sparse/activation';
 *
 * // model.forward(x, denseHook) is the dense model
 * ```
 */
export const denseHook: ActivationHook = Object.freeze({
  apply: (_site: string, activation: Tensor): Tensor => activation,
});
