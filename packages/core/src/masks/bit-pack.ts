import { SparseError } from '../errors.js';

/**
 * Packs a binary mask into bits, 8 elements per byte: element `i` is bit `i % 8` (least
 * significant first, "little" bit order) of byte `floor(i / 8)`; 1 means kept. Unused bits of the
 * last byte are 0. The same layout as NumPy's `np.packbits(mask, bitorder='little')`.
 *
 * @param kept - one value per element in row-major order, each exactly 0 or 1.
 * @returns `ceil(kept.length / 8)` bytes.
 *
 * @example
 * ```ts
 * import { packMaskBits } from '@sparse/core';
 *
 * console.log(Array.from(packMaskBits([1, 0, 1, 1, 0, 0, 0, 0, 1]))); // [13, 1]
 * ```
 */
export function packMaskBits(kept: ArrayLike<number>): Uint8Array {
  const count = kept.length;
  const out = new Uint8Array(Math.ceil(count / 8));
  for (let i = 0; i < count; i += 1) {
    const value = kept[i];
    if (value === 1) {
      out[i >>> 3] = (out[i >>> 3] ?? 0) | (1 << (i & 7));
    } else if (value !== 0) {
      throw new SparseError('E_ARGUMENT', `A mask holds only 0 and 1; element ${i} is ${String(value)}.`, {
        field: `mask[${i}]`,
        received: value,
        allowed: [0, 1],
      });
    }
  }
  return out;
}

/**
 * Unpacks `count` mask elements from bits packed by {@link packMaskBits}. The byte length must be
 * `ceil(count / 8)` and the unused bits of the last byte 0, otherwise `E_FORMAT`.
 *
 * @example
 * ```ts
 * import { unpackMaskBits } from '@sparse/core';
 *
 * console.log(Array.from(unpackMaskBits(new Uint8Array([13, 1]), 9))); // [1, 0, 1, 1, 0, 0, 0, 0, 1]
 * ```
 */
export function unpackMaskBits(bytes: Uint8Array, count: number, name = 'mask'): Uint8Array {
  const expected = Math.ceil(count / 8);
  if (bytes.byteLength !== expected) {
    throw new SparseError('E_FORMAT', `Packed ${name} of ${count} elements needs ${expected} bytes; got ${bytes.byteLength}.`, {
      field: name,
      received: bytes.byteLength,
    });
  }
  const spare = count % 8;
  if (spare !== 0 && (bytes[expected - 1] ?? 0) >>> spare !== 0) {
    throw new SparseError('E_FORMAT', `Packed ${name} has bits set beyond its ${count} elements; the file is corrupt or not a packed mask.`, {
      field: name,
    });
  }
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i += 1) out[i] = ((bytes[i >>> 3] ?? 0) >>> (i & 7)) & 1;
  return out;
}
