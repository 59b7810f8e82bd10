import * as tf from '@tensorflow/tfjs-core';
import type { MaskSet } from '../contracts/mask.js';
import { SparseError } from '../errors.js';

/**
 * A mask held as plain bytes rather than a tensor: its shape and one byte per element in
 * row-major order, 1 = kept, 0 = pruned. What mask files and the command line work with.
 *
 * @example
 * ```ts
 * import type { BinaryMask } from '@sparse/core';
 *
 * const mask: BinaryMask = { shape: [2, 2], kept: new Uint8Array([1, 0, 0, 1]) };
 * ```
 */
export interface BinaryMask {
  /** The shape of the parameter it masks. */
  readonly shape: readonly number[];
  /** One byte per element, row-major: 1 = kept, 0 = pruned. */
  readonly kept: Uint8Array;
}

/**
 * Binary masks keyed by parameter name, in a stable order.
 *
 * @example
 * ```ts
 * import type { BinaryMaskSet } from '@sparse/core';
 *
 * const masks: BinaryMaskSet = new Map([['fc1.weight', { shape: [1, 3], kept: new Uint8Array([1, 1, 0]) }]]);
 * ```
 */
export type BinaryMaskSet = ReadonlyMap<string, BinaryMask>;

/**
 * Checks that a binary mask's byte count matches its shape and every byte is 0 or 1.
 *
 * @example
 * ```ts
 * import { validateBinaryMask } from '@sparse/core';
 *
 * validateBinaryMask('w', { shape: [3], kept: new Uint8Array([1, 0, 1]) }); // ok
 * ```
 */
export function validateBinaryMask(name: string, mask: BinaryMask): void {
  const count = mask.shape.reduce((product, size) => product * size, 1);
  if (!mask.shape.every((size) => Number.isInteger(size) && size >= 0) || mask.kept.length !== count) {
    throw new SparseError('E_ARGUMENT', `Mask '${name}' has shape [${mask.shape.join(', ')}] (${count} elements) but ${mask.kept.length} values.`, {
      field: name,
      received: mask.kept.length,
    });
  }
  const bad = mask.kept.findIndex((value) => value !== 0 && value !== 1);
  if (bad >= 0) {
    throw new SparseError('E_ARGUMENT', `Mask '${name}' holds only 0 and 1; element ${bad} is ${mask.kept[bad]}.`, {
      field: `${name}[${bad}]`,
      received: mask.kept[bad],
      allowed: [0, 1],
    });
  }
}

/**
 * Reads a {@link MaskSet}'s tensors into binary masks (checking that they hold only 0 and 1). The
 * tensors are not disposed.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { maskSetToBinary } from '@sparse/core';
 *
 * const masks = new Map([['w', tf.tensor2d([[1, 0], [0, 1]])]]);
 * const binary = await maskSetToBinary(masks);
 * console.log(binary.get('w')?.kept); // Uint8Array [1, 0, 0, 1]
 * ```
 */
export async function maskSetToBinary(masks: MaskSet): Promise<BinaryMaskSet> {
  const out = new Map<string, BinaryMask>();
  for (const [name, tensor] of masks) {
    const values = await tensor.data();
    const kept = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i += 1) {
      const value = values[i];
      if (value === 1) kept[i] = 1;
      else if (value !== 0) {
        throw new SparseError('E_ARGUMENT', `Mask '${name}' holds only 0 and 1; element ${i} is ${String(value)}.`, {
          field: `${name}[${i}]`,
          received: value,
          allowed: [0, 1],
        });
      }
    }
    out.set(name, { shape: [...tensor.shape], kept });
  }
  return out;
}

/**
 * Turns binary masks into a {@link MaskSet} of float32 tensors. The caller owns and disposes them.
 *
 * @example
 * ```ts
 * import { binaryToMaskSet } from '@sparse/core';
 *
 * const masks = binaryToMaskSet(new Map([['w', { shape: [2], kept: new Uint8Array([0, 1]) }]]));
 * masks.get('w')?.print(); // [0, 1]
 * for (const mask of masks.values()) mask.dispose();
 * ```
 */
export function binaryToMaskSet(masks: BinaryMaskSet): MaskSet {
  const out = new Map<string, tf.Tensor>();
  for (const [name, mask] of masks) {
    validateBinaryMask(name, mask);
    out.set(name, tf.tensor(Float32Array.from(mask.kept), [...mask.shape], 'float32'));
  }
  return out;
}
