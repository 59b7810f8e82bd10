import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { SparseError } from '@sparse/core';
import { maskedBy } from './masked.js';

/**
 * Checks that a threshold is a finite number `>= 0` and returns it.
 *
 * @example
 * ```ts
 * import { assertThreshold } from '@sparse/activation';
 *
 * assertThreshold(0.12, 'threshold'); // 0.12
 * ```
 */
export function assertThreshold(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new SparseError('E_ARGUMENT', `${field} must be a finite number >= 0, got ${String(value)}.`, {
      field,
      received: value,
      allowed: 'finite numbers >= 0',
    });
  }
  return value;
}

/**
 * CATS (Lee et al. 2024): zeroes every entry whose magnitude is at most the threshold,
 * `CATS_t(a) = a` where `|a| > t`, else `0`. Apply it to the post-activation gate of a gated MLP,
 * `SiLU(x W_gate)`.
 *
 * **Zeroing rule** (the same everywhere in this package): an entry is zeroed when `|a| <= t`.
 * Combined with the quantile of {@link exactQuantile}, this zeroes exactly the calibration target
 * on the calibration values when they have no ties. Exact zeros are always "zeroed".
 *
 * The gradient is that of the masked function: `dy` where the entry is kept, `0` where it was
 * zeroed; nothing flows into the threshold.
 *
 * @param activation - any tensor (float32).
 * @param threshold - `t >= 0`, a number or a scalar tensor.
 * @returns a new tensor of the same shape.
 * @throws SparseError `E_ARGUMENT` when a numeric threshold is negative or not finite.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { catsSparsify } from '@sparse/activation';
 *
 * const a = tf.tensor1d([-0.3, 0.1, 0.2, -0.05, 0.9]);
 * catsSparsify(a, 0.2).print(); // [-0.3, 0, 0, 0, 0.9]
 * ```
 */
export function catsSparsify(activation: Tensor, threshold: number | Tensor): Tensor {
  if (typeof threshold === 'number') assertThreshold(threshold, 'threshold');
  return tf.tidy(() => {
    const t = typeof threshold === 'number' ? tf.scalar(threshold) : threshold;
    return maskedBy(activation, (x) => tf.greater(tf.abs(x), t));
  });
}
