import { echoValue } from '../runtime/options-issues.js';
import type { MaskSet } from '../contracts/mask.js';
import { SparseError } from '../errors.js';
import { decodeTensorData } from '../safetensors/codec.js';
import type { SafetensorsTensorSpec } from '../safetensors/header.js';
import { openSafetensors } from '../safetensors/reader.js';
import { deserializeSafetensors, serializeSafetensors, writeSafetensors, type SafetensorsEntry } from '../safetensors/writer.js';
import { binaryToMaskSet, maskSetToBinary, validateBinaryMask, type BinaryMask, type BinaryMaskSet } from './binary-mask.js';
import { packMaskBits, unpackMaskBits } from './bit-pack.js';

/**
 * How masks are stored in a safetensors file.
 *
 * - `packed` (1 bit per element): each mask is a U8 tensor of shape `[ceil(n / 8)]` named after
 *   its parameter, bits in little order (element `i` is bit `i % 8` of byte `floor(i / 8)`,
 *   1 = kept, unused bits 0), and `__metadata__` holds `sparse.format = "packed-mask"`,
 *   `sparse.version = "1"`, `sparse.bit_order = "little"` and `sparse.shapes`, a JSON object from
 *   parameter name to shape. In Python:
 *   `np.unpackbits(packed, bitorder='little')[:n].reshape(shape)`.
 * - `u8` (1 byte per element): each mask is a U8 tensor with the parameter's shape, 1 = kept,
 *   0 = pruned, readable with any safetensors library (`sparse.format = "mask-u8"`).
 *
 * @example
 * ```ts
 * import type { MaskFileFormat } from '@sparse/core';
 *
 * const format: MaskFileFormat = 'packed';
 * ```
 */
export type MaskFileFormat = 'packed' | 'u8';

const FORMATS: readonly MaskFileFormat[] = ['packed', 'u8'];
const PACKED = 'packed-mask';
const U8 = 'mask-u8';

function checkFormat(format: unknown): MaskFileFormat {
  if (!FORMATS.includes(format as MaskFileFormat)) {
    throw new SparseError('E_ARGUMENT', `Unknown mask file format ${echoValue(format)}; allowed: ${FORMATS.join(', ')}.`, {
      field: 'format',
      received: format,
      allowed: FORMATS,
    });
  }
  return format as MaskFileFormat;
}

/**
 * Lays out binary masks as safetensors tensors and metadata in one of the {@link MaskFileFormat}s
 * (validating every mask first).
 *
 * @example
 * ```ts
 * import { encodeMaskEntries } from '@sparse/core';
 *
 * const { entries, metadata } = encodeMaskEntries(new Map([['w', { shape: [3], kept: new Uint8Array([1, 0, 1]) }]]), 'packed');
 * console.log(entries[0]?.shape, metadata['sparse.shapes']); // [1] '{"w":[3]}'
 * ```
 */
export function encodeMaskEntries(
  masks: BinaryMaskSet,
  format: MaskFileFormat = 'packed',
): { entries: (SafetensorsTensorSpec & { readonly data: Uint8Array })[]; metadata: Record<string, string> } {
  checkFormat(format);
  const entries: (SafetensorsTensorSpec & { readonly data: Uint8Array })[] = [];
  const shapes: Record<string, readonly number[]> = Object.create(null) as Record<string, readonly number[]>;
  for (const [name, mask] of masks) {
    validateBinaryMask(name, mask);
    if (format === 'packed') {
      const data = packMaskBits(mask.kept);
      entries.push({ name, dtype: 'U8', shape: [data.byteLength], data });
      shapes[name] = [...mask.shape];
    } else {
      entries.push({ name, dtype: 'U8', shape: [...mask.shape], data: mask.kept });
    }
  }
  const metadata: Record<string, string> =
    format === 'packed'
      ? { 'sparse.format': PACKED, 'sparse.version': '1', 'sparse.bit_order': 'little', 'sparse.shapes': JSON.stringify(shapes) }
      : { 'sparse.format': U8, 'sparse.version': '1' };
  return { entries, metadata };
}

/**
 * Reads masks back from safetensors tensors and metadata. A `packed` file (recognised by its
 * metadata) is unpacked; any other file is read as plain masks, one tensor per parameter of any
 * numeric dtype (U8, BOOL, F32, …), every value 0 or 1 — so masks saved by PyTorch code load too.
 *
 * @param metadata - the file's `__metadata__`.
 * @param tensors - each tensor's header entry and bytes.
 * @param source - a name for the file in error messages.
 *
 * @example
 * ```ts
 * import { decodeMaskEntries, deserializeSafetensors, encodeMaskEntries, serializeSafetensors } from '@sparse/core';
 *
 * const { entries, metadata } = encodeMaskEntries(new Map([['w', { shape: [2], kept: new Uint8Array([0, 1]) }]]));
 * const { header, tensors } = deserializeSafetensors(serializeSafetensors(entries, { metadata }));
 * console.log(decodeMaskEntries(header.metadata, tensors).get('w')?.kept); // Uint8Array [0, 1]
 * ```
 */
export function decodeMaskEntries(
  metadata: Readonly<Record<string, string>>,
  tensors: ReadonlyMap<string, { readonly info: SafetensorsTensorSpec; readonly bytes: Uint8Array }>,
  source = 'the mask file',
): BinaryMaskSet {
  const out = new Map<string, BinaryMask>();
  if (metadata['sparse.format'] === PACKED) {
    if (metadata['sparse.bit_order'] !== undefined && metadata['sparse.bit_order'] !== 'little') {
      throw new SparseError('E_FORMAT', `${source}: unsupported bit order ${echoValue(metadata['sparse.bit_order'])}; only 'little' is defined.`, {
        field: 'sparse.bit_order',
        received: metadata['sparse.bit_order'],
        allowed: ['little'],
      });
    }
    let shapes: Record<string, unknown>;
    try {
      shapes = JSON.parse(metadata['sparse.shapes'] ?? '') as Record<string, unknown>;
    } catch {
      throw new SparseError('E_FORMAT', `${source}: metadata 'sparse.shapes' must be a JSON object of shapes.`, { field: 'sparse.shapes' });
    }
    for (const [name, { info, bytes }] of tensors) {
      const shape = Object.prototype.hasOwnProperty.call(shapes, name) ? shapes[name] : undefined;
      if (!Array.isArray(shape) || !shape.every((size) => Number.isInteger(size) && (size as number) >= 0)) {
        throw new SparseError('E_FORMAT', `${source}: packed mask '${name}' has no valid shape in 'sparse.shapes'.`, { field: `sparse.shapes.${name}` });
      }
      if (info.dtype !== 'U8') {
        throw new SparseError('E_FORMAT', `${source}: packed mask '${name}' must be U8; got ${info.dtype}.`, { field: `${name}.dtype`, received: info.dtype, allowed: ['U8'] });
      }
      const count = (shape as number[]).reduce((product, size) => product * size, 1);
      out.set(name, { shape: [...(shape as number[])], kept: unpackMaskBits(bytes, count, `mask '${name}'`) });
    }
    return out;
  }
  for (const [name, { info, bytes }] of tensors) {
    const values = decodeTensorData(info.dtype, bytes);
    const kept = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i += 1) {
      const value = Number(values[i]);
      if (value === 1) kept[i] = 1;
      else if (value !== 0) {
        throw new SparseError(
          'E_FORMAT',
          `${source}: '${name}' is not a mask: element ${i} is ${value} (masks hold 0 = pruned, 1 = kept).`,
          { field: `${name}[${i}]`, received: value, allowed: [0, 1] },
        );
      }
    }
    out.set(name, { shape: [...info.shape], kept });
  }
  return out;
}

/**
 * Writes binary masks to a safetensors file atomically (see {@link MaskFileFormat}).
 *
 * @example
 * ```ts
 * import { writeMaskFile } from '@sparse/core';
 *
 * await writeMaskFile('masks.safetensors', new Map([['fc1.weight', { shape: [2, 2], kept: new Uint8Array([1, 0, 0, 1]) }]]), 'u8');
 * ```
 */
export async function writeMaskFile(path: string, masks: BinaryMaskSet, format: MaskFileFormat = 'packed'): Promise<void> {
  const { entries, metadata } = encodeMaskEntries(masks, format);
  await writeSafetensors(path, entries as SafetensorsEntry[], { metadata });
}

/**
 * Reads binary masks from a safetensors file, packed or plain (see {@link decodeMaskEntries}).
 *
 * @example
 * ```ts
 * import { readMaskFile } from '@sparse/core';
 *
 * const masks = await readMaskFile('masks.safetensors');
 * for (const [name, mask] of masks) console.log(name, mask.shape);
 * ```
 */
export async function readMaskFile(path: string): Promise<BinaryMaskSet> {
  const file = await openSafetensors(path);
  try {
    const tensors = new Map<string, { info: SafetensorsTensorSpec; bytes: Uint8Array }>();
    for (const info of file.header.tensors) tensors.set(info.name, { info, bytes: await file.readBytes(info.name) });
    return decodeMaskEntries(file.header.metadata, tensors, path);
  } finally {
    await file.close();
  }
}

/**
 * Serializes binary masks to the bytes of a safetensors mask file, in memory.
 *
 * @example
 * ```ts
 * import { serializeMasks } from '@sparse/core';
 *
 * const bytes = serializeMasks(new Map([['w', { shape: [16], kept: new Uint8Array(16).fill(1) }]]));
 * ```
 */
export function serializeMasks(masks: BinaryMaskSet, format: MaskFileFormat = 'packed'): Uint8Array {
  const { entries, metadata } = encodeMaskEntries(masks, format);
  return serializeSafetensors(entries, { metadata });
}

/**
 * Parses the bytes of a safetensors mask file held in memory.
 *
 * @example
 * ```ts
 * import { deserializeMasks, serializeMasks } from '@sparse/core';
 *
 * const masks = deserializeMasks(serializeMasks(new Map([['w', { shape: [2], kept: new Uint8Array([1, 0]) }]])));
 * ```
 */
export function deserializeMasks(bytes: Uint8Array, source = 'the mask buffer'): BinaryMaskSet {
  const { header, tensors } = deserializeSafetensors(bytes, source);
  return decodeMaskEntries(header.metadata, tensors, source);
}

/**
 * Saves a {@link MaskSet} (tensors keyed by parameter name) to a safetensors file, bit-packed by
 * default. The tensors are not disposed.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { saveMaskSet } from '@sparse/core';
 *
 * const masks = new Map([['dense_1/kernel', tf.tensor2d([[1, 0], [0, 1]])]]);
 * await saveMaskSet('level-3.masks.safetensors', masks);
 * ```
 */
export async function saveMaskSet(path: string, masks: MaskSet, format: MaskFileFormat = 'packed'): Promise<void> {
  checkFormat(format);
  await writeMaskFile(path, await maskSetToBinary(masks), format);
}

/**
 * Loads a {@link MaskSet} from a safetensors mask file (packed or plain). The caller owns and
 * disposes the returned tensors.
 *
 * @example
 * ```ts
 * import { loadMaskSet } from '@sparse/core';
 *
 * const masks = await loadMaskSet('level-3.masks.safetensors');
 * // … use them, then:
 * for (const mask of masks.values()) mask.dispose();
 * ```
 */
export async function loadMaskSet(path: string): Promise<MaskSet> {
  return binaryToMaskSet(await readMaskFile(path));
}
