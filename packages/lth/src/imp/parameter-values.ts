import * as tf from '@tensorflow/tfjs-core';
import { SparseError, type BinaryMaskSet, type NamedParameter } from '@sparse/core';

/**
 * Host copies of parameter values by name (row-major float32): θ0, θk, trained weights.
 *
 * @example
 * ```ts
 * import type { ParameterValues } from '@sparse/lth';
 *
 * const theta: ParameterValues = new Map([['fc1/bias', new Float32Array(300)]]);
 * ```
 */
export type ParameterValues = ReadonlyMap<string, Float32Array>;

/**
 * Reads the current value of every parameter to the host (a copy).
 *
 * @example
 * ```ts
 * import { createMlp, readParameterValues } from '@sparse/lth';
 *
 * const model = createMlp({ layerSizes: [4, 3, 2], seed: 0 });
 * const theta0 = readParameterValues(model.parameters);
 * model.dispose();
 * ```
 */
export function readParameterValues(parameters: readonly NamedParameter[]): Map<string, Float32Array> {
  const values = new Map<string, Float32Array>();
  for (const { name, variable } of parameters) values.set(name, Float32Array.from(variable.dataSync() as Float32Array));
  return values;
}

/**
 * Sets every parameter to `values` (all of them: kernels, biases, norms), then multiplies the
 * masked ones by their mask, so pruned weights are exactly 0 and surviving weights are
 * bit-identical to `values`. This is the IMP reset `w ← m ⊙ θk`.
 *
 * @throws SparseError `E_ARGUMENT` when a parameter has no value or a value or mask has the wrong length.
 *
 * @example
 * ```ts
 * import { createMlp, readParameterValues, assignParameterValues } from '@sparse/lth';
 *
 * const model = createMlp({ layerSizes: [4, 3, 2], seed: 0 });
 * const theta0 = readParameterValues(model.parameters);
 * // … train …
 * assignParameterValues(model.parameters, theta0, new Map());
 * model.dispose();
 * ```
 */
export function assignParameterValues(parameters: readonly NamedParameter[], values: ParameterValues, masks: BinaryMaskSet = new Map()): void {
  for (const { name, variable } of parameters) {
    const value = values.get(name);
    if (value === undefined || value.length !== variable.size) {
      throw new SparseError('E_ARGUMENT', `No value of the right size for parameter '${name}' (${variable.size} elements): got ${value === undefined ? 'none' : value.length}.`, {
        field: name,
        received: value?.length,
      });
    }
    const mask = masks.get(name);
    let data = value;
    if (mask !== undefined) {
      if (mask.kept.length !== value.length) {
        throw new SparseError('E_ARGUMENT', `The mask of '${name}' has ${mask.kept.length} elements, the parameter ${value.length}.`, { field: name, received: mask.kept.length });
      }
      data = new Float32Array(value.length);
      for (let i = 0; i < value.length; i += 1) data[i] = mask.kept[i] === 1 ? (value[i] as number) : 0;
    }
    tf.tidy(() => variable.assign(tf.tensor(data, variable.shape, 'float32')));
  }
}
