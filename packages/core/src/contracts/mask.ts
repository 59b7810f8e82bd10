import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * Binary masks keyed by parameter name: each tensor has the parameter's shape and holds `1`
 * where the weight is kept and `0` where it is pruned (float32, so `mask * weight` is one op).
 * A parameter without an entry is dense. Whoever creates a `MaskSet` owns its tensors and
 * disposes them.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { MaskSet } from '@sparse/core';
 *
 * const masks: MaskSet = new Map([['dense_1/kernel', tf.tensor2d([[1, 0], [0, 1]])]]);
 * ```
 */
export type MaskSet = ReadonlyMap<string, Tensor>;

/**
 * Scores keyed by parameter name, one per element, same shape as the parameter. Higher means
 * more important: a pruner removes the lowest scores first.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { ScoreSet } from '@sparse/core';
 *
 * const scores: ScoreSet = new Map([['dense_1/kernel', tf.abs(tf.randomNormal([4, 3]))]]);
 * ```
 */
export type ScoreSet = ReadonlyMap<string, Tensor>;
