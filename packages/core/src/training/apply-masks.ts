import * as tf from '@tensorflow/tfjs-core';
import type { MaskSet } from '../contracts/mask.js';
import type { NamedParameter } from '../contracts/parameter.js';
import { resolveMaskEntries } from './mask-entries.js';

/**
 * Multiplies each parameter by its mask in place (`w ← m ⊙ w`), once. Parameters without a mask
 * are left alone. Allocates nothing that outlives the call.
 *
 * @throws SparseError `E_ARGUMENT` when a mask names no parameter, or has the wrong shape or dtype.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { applyMasks, type NamedParameter } from '@sparse/core';
 *
 * const variable = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
 * const parameters: NamedParameter[] = [{ name: 'w', role: 'dense-kernel', variable }];
 * const mask = tf.tensor2d([[1, 0], [0, 1]]);
 * applyMasks(parameters, new Map([['w', mask]]));
 * variable.print(); // [[1, 0], [0, 4]]
 * mask.dispose();
 * ```
 */
export function applyMasks(parameters: readonly NamedParameter[], masks: MaskSet): void {
  const entries = resolveMaskEntries(parameters, masks);
  tf.tidy(() => {
    for (const { variable, mask } of entries) variable.assign(tf.mul(variable, mask));
  });
}
