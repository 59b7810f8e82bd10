import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { echoValue, SparseError } from '@sparse/core';
import { maskedBy } from './masked.js';

/**
 * What top-k ranks by: the value itself (the lazy-neuron paper's post-ReLU activations) or its
 * magnitude (for signed activations such as SiLU).
 *
 * @example
 * ```ts
 * import type { TopKBy } from '@sparse/activation';
 *
 * const by: TopKBy = 'magnitude';
 * ```
 */
export type TopKBy = 'value' | 'magnitude';

/**
 * Options of {@link topKSparsify}.
 *
 * @example
 * ```ts
 * import type { TopKOptions } from '@sparse/activation';
 *
 * const options: TopKOptions = { by: 'value' };
 * ```
 */
export interface TopKOptions {
  /** Rank by value (default) or by magnitude. */
  readonly by?: TopKBy;
}

/**
 * Checks that `k` is an integer in `[0, width]`.
 *
 * @example
 * ```ts
 * import { assertTopK } from '@sparse/activation';
 *
 * assertTopK(32, 512, 'k');
 * ```
 */
export function assertTopK(k: unknown, width: number, field: string): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > width) {
    throw new SparseError('E_ARGUMENT', `${field} must be an integer in [0, ${width}] (the width of the last axis), got ${String(k)}.`, {
      field,
      received: k,
      allowed: `[0, ${width}]`,
    });
  }
  return k;
}

/**
 * The keep-mask of top-k per token: 1 for the `k` largest entries of each row (last axis), 0
 * elsewhere. Ties at the k-th value are broken by index: the lowest indices are kept, so every
 * row keeps exactly `k` entries whatever the backend's `topk` does with ties.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { topKMask } from '@sparse/activation';
 *
 * topKMask(tf.tensor2d([[1, 3, 3, 2]]), 2).print(); // [[0, 1, 1, 0]]
 * topKMask(tf.tensor2d([[3, 3, 3, 2]]), 2).print(); // [[1, 1, 0, 0]]
 * ```
 */
export function topKMask(activation: Tensor, k: number, options: TopKOptions = {}): Tensor {
  const width = activation.shape[activation.shape.length - 1] ?? 1;
  assertTopK(k, width, 'k');
  const by = options.by ?? 'value';
  if (by !== 'value' && by !== 'magnitude') {
    throw new SparseError('E_ARGUMENT', `by must be 'value' or 'magnitude', got ${echoValue(by)}.`, { field: 'by', received: by, allowed: ['value', 'magnitude'] });
  }
  return tf.tidy(() => {
    if (k === 0) return tf.zerosLike(activation);
    if (k === width) return tf.onesLike(activation);
    const rank = activation.rank;
    const rows = tf.reshape(activation, [-1, width]);
    const score = by === 'magnitude' ? tf.abs(rows) : rows;
    const kth = tf.slice(tf.topk(score, k).values, [0, k - 1], [-1, 1]);
    const above = tf.greater(score, kth);
    const equal = tf.equal(score, kth);
    const needed = tf.sub(tf.scalar(k, 'int32'), tf.sum(tf.cast(above, 'int32'), 1, true));
    const rankAmongEqual = tf.cumsum(tf.cast(equal, 'int32'), 1);
    const keepEqual = tf.logicalAnd(equal, tf.lessEqual(rankAmongEqual, needed));
    const mask = tf.cast(tf.logicalOr(above, keepEqual), 'float32');
    return rank === 2 ? mask : tf.reshape(mask, activation.shape);
  });
}

/**
 * Top-k activation sparsity per token (the lazy-neuron "top-k Transformer", Li et al. 2023): keeps
 * the `k` largest entries of every row (last axis) and zeroes the rest; ties at the boundary are
 * broken by index (lowest kept), so exactly `k` entries per row are kept. Gradient: `dy` on kept
 * entries, `0` elsewhere.
 *
 * @throws SparseError `E_ARGUMENT` unless `k` is an integer in `[0, width]`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { topKSparsify } from '@sparse/activation';
 *
 * const hidden = tf.relu(tf.tensor2d([[0.5, -1, 2, 0.1], [1, 1, 1, 1]]));
 * topKSparsify(hidden, 2).print(); // [[0.5, 0, 2, 0], [1, 1, 0, 0]]
 * ```
 */
export function topKSparsify(activation: Tensor, k: number, options: TopKOptions = {}): Tensor {
  const width = activation.shape[activation.shape.length - 1] ?? 1;
  assertTopK(k, width, 'k');
  return maskedBy(activation, (x) => topKMask(x, k, options));
}
