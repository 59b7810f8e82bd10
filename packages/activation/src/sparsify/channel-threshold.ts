import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { SparseError } from '@sparse/core';
import { maskedBy } from './masked.js';

/**
 * Channel-wise thresholding (CHESS, He et al. 2024): entry `i` of the last axis is zeroed when
 * `|a_i| <= t_i`. CHESS applies it to the post-activation gate of a gated MLP, with
 * `t_i = τ / mean|up_i|` (see {@link chessChannelThresholds}).
 *
 * Zeroing rule as in {@link catsSparsify} (`<=`, so that calibration is exact); CHESS's own code
 * uses `<`, which differs only on values exactly equal to a threshold.
 *
 * @param activation - a tensor whose last axis has one entry per channel.
 * @param thresholds - one threshold `>= 0` per channel (array or 1-D tensor).
 * @throws SparseError `E_ARGUMENT` when the number of thresholds is not the last axis' size, or a
 * threshold in an array is negative or not finite.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { channelSparsify } from '@sparse/activation';
 *
 * const a = tf.tensor2d([[0.1, 0.5], [0.3, 0.2]]);
 * channelSparsify(a, [0.2, 0.25]).print(); // [[0, 0.5], [0.3, 0]]
 * ```
 */
export function channelSparsify(activation: Tensor, thresholds: readonly number[] | Float32Array | Tensor): Tensor {
  const width = activation.shape[activation.shape.length - 1] ?? 1;
  const count = thresholds instanceof tf.Tensor ? thresholds.size : thresholds.length;
  if (count !== width) {
    throw new SparseError('E_ARGUMENT', `channel thresholds must have one entry per channel (${width}), got ${count}.`, {
      field: 'thresholds',
      received: count,
      allowed: `${width} entries`,
    });
  }
  if (!(thresholds instanceof tf.Tensor)) {
    for (const [index, value] of Array.from(thresholds).entries()) {
      if (!Number.isFinite(value) || value < 0) {
        throw new SparseError('E_ARGUMENT', `thresholds[${index}] must be a finite number >= 0, got ${value}.`, {
          field: `thresholds[${index}]`,
          received: value,
          allowed: 'finite numbers >= 0',
        });
      }
    }
  }
  return tf.tidy(() => {
    const t = thresholds instanceof tf.Tensor ? tf.reshape(thresholds, [width]) : tf.tensor1d(Array.from(thresholds), 'float32');
    return maskedBy(activation, (x) => tf.greater(tf.abs(x), t));
  });
}
