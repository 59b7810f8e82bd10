import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { MaskSet } from '../contracts/mask.js';
import type { NamedParameter } from '../contracts/parameter.js';
import { SparseError } from '../errors.js';

/** A mask resolved against the variable it applies to. */
export interface MaskEntry {
  readonly name: string;
  readonly variable: Variable;
  readonly mask: Tensor;
}

/**
 * Resolves every mask of `masks` to its parameter, checking name, shape, dtype and that it is
 * not disposed: the checks are cheap and run once per mask swap, never per step.
 *
 * @throws SparseError `E_ARGUMENT` for a mask without a parameter, or with the wrong shape or dtype.
 */
export function resolveMaskEntries(parameters: readonly NamedParameter[], masks: MaskSet, field = 'masks'): MaskEntry[] {
  const byName = new Map<string, NamedParameter>();
  for (const parameter of parameters) byName.set(parameter.name, parameter);
  const entries: MaskEntry[] = [];
  for (const [name, mask] of masks) {
    const parameter = byName.get(name);
    if (parameter === undefined) {
      const known = [...byName.keys()];
      throw new SparseError(
        'E_ARGUMENT',
        `${field}: there is a mask for '${name}' but no parameter of that name; known parameters: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}.`,
        { field: `${field}.${name}`, received: name, allowed: known },
      );
    }
    if (mask.isDisposed) {
      throw new SparseError('E_ARGUMENT', `${field}: the mask of '${name}' has been disposed.`, { field: `${field}.${name}` });
    }
    const { shape } = parameter.variable;
    if (mask.shape.length !== shape.length || mask.shape.some((size, axis) => size !== shape[axis])) {
      throw new SparseError(
        'E_ARGUMENT',
        `${field}: the mask of '${name}' has shape [${mask.shape.join(', ')}] but the parameter has shape [${shape.join(', ')}].`,
        { field: `${field}.${name}`, received: mask.shape, allowed: [shape] },
      );
    }
    if (mask.dtype !== 'float32') {
      throw new SparseError(
        'E_ARGUMENT',
        `${field}: the mask of '${name}' has dtype ${mask.dtype}; masks are float32 tensors of 0 and 1 (cast it with tf.cast(mask, 'float32')).`,
        { field: `${field}.${name}`, received: mask.dtype, allowed: ['float32'] },
      );
    }
    entries.push({ name, variable: parameter.variable, mask });
  }
  return entries;
}
