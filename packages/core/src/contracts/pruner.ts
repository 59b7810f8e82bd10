import type { MaskSet, ScoreSet } from './mask.js';
import type { NamedParameter } from './parameter.js';
import type { SparsityTarget } from './sparsity-target.js';

/**
 * What a {@link Pruner} is given: parameters, their scores, the current masks and the target.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { PruneRequest } from '@sparse/core';
 *
 * const variable = tf.variable(tf.tensor2d([[0.1, -2], [3, -0.4]]));
 * const request: PruneRequest = {
 *   parameters: [{ name: 'w', role: 'dense-kernel', variable }],
 *   scores: new Map([['w', tf.abs(variable)]]),
 *   masks: new Map(),
 *   target: { sparsity: 0.5, scope: 'layerwise' },
 * };
 * ```
 */
export interface PruneRequest {
  /** The parameters to prune, in a stable order (ties between tensors follow it). */
  readonly parameters: readonly NamedParameter[];
  /** One score per element; higher is kept. */
  readonly scores: ScoreSet;
  /** The current masks. Already-pruned weights are never candidates and stay pruned. */
  readonly masks: MaskSet;
  /** The sparsity to reach. */
  readonly target: SparsityTarget;
  /** Receives warnings of this call (NaN scores, layers close to collapse); overrides the pruner's own. */
  readonly onWarning?: (message: string) => void;
}

/**
 * Turns scores, a target and the current masks into new masks. The returned masks belong to
 * the caller, who disposes them; the input masks are left untouched.
 *
 * @example
 * ```ts
 * import type { Pruner, PruneRequest, MaskSet } from '@sparse/core';
 *
 * const keepEverything: Pruner = {
 *   name: 'keep-everything',
 *   prune(request: PruneRequest): MaskSet {
 *     return new Map(request.parameters.map((p) => [p.name, p.variable.onesLike()]));
 *   },
 * };
 * ```
 */
export interface Pruner {
  /** The name it is registered under, e.g. `magnitude`. */
  readonly name: string;
  /** Computes the new masks. */
  prune(request: PruneRequest): MaskSet | Promise<MaskSet>;
}
