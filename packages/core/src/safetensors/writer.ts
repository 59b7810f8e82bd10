import { echoValue } from '../runtime/options-issues.js';
import { SparseError } from '../errors.js';
import { writeAll, writeFileAtomic } from '../io/atomic-write.js';
import {
  buildSafetensorsHeader,
  parseSafetensorsHeader,
  readSafetensorsHeaderLength,
  sortLikeSafetensors,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
  type SafetensorsTensorSpec,
} from './header.js';

/**
 * One tensor to write: its name, dtype and shape, and its little-endian bytes, either given or
 * produced on demand (a function called once, when the writer reaches the tensor, so a large
 * checkpoint never has to be in memory at once).
 *
 * @example
 * ```ts
 * import { encodeTensorData, type SafetensorsEntry } from '@sparse/core';
 *
 * const entry: SafetensorsEntry = {
 *   name: 'fc1.weight',
 *   dtype: 'BF16',
 *   shape: [2, 2],
 *   data: () => encodeTensorData('BF16', new Float32Array([0.5, -1, 2, 0])),
 * };
 * ```
 */
export interface SafetensorsEntry extends SafetensorsTensorSpec {
  /** The bytes, or a function returning them. Their length must be `product(shape) × dtype size`. */
  readonly data: Uint8Array | (() => Uint8Array | Promise<Uint8Array>);
}

/**
 * Options of {@link writeSafetensors} and {@link serializeSafetensors}.
 *
 * @example
 * ```ts
 * import type { WriteSafetensorsOptions } from '@sparse/core';
 *
 * const options: WriteSafetensorsOptions = { metadata: { format: 'pt' }, order: 'safetensors' };
 * ```
 */
export interface WriteSafetensorsOptions {
  /** The `__metadata__` map (string to string); omitted from the header when empty. */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * `given` (default) stores tensors in the order given; `safetensors` sorts them as the reference
   * writer does (largest dtype first, then by name), which makes the bytes identical to
   * `safetensors.torch.save_file` for the same tensors and metadata.
   */
  readonly order?: 'given' | 'safetensors';
}

function ordered<T extends SafetensorsTensorSpec>(entries: readonly T[], options: WriteSafetensorsOptions): readonly T[] {
  const order = options.order ?? 'given';
  if (order !== 'given' && order !== 'safetensors') {
    throw new SparseError('E_ARGUMENT', `order must be 'given' or 'safetensors'; got ${echoValue(order)}.`, {
      field: 'order',
      received: order,
      allowed: ['given', 'safetensors'],
    });
  }
  return order === 'safetensors' ? sortLikeSafetensors(entries) : entries;
}

function checkBytes(info: SafetensorsTensorInfo, bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength !== info.byteLength) {
    const got = bytes instanceof Uint8Array ? `${bytes.byteLength} bytes` : typeof bytes;
    throw new SparseError(
      'E_ARGUMENT',
      `Tensor '${info.name}' of shape [${info.shape.join(', ')}] and dtype ${info.dtype} needs ${info.byteLength} bytes; got ${got}.`,
      { field: `${info.name}.data`, received: bytes instanceof Uint8Array ? bytes.byteLength : typeof bytes },
    );
  }
}

/**
 * Writes tensors to a safetensors file atomically (a temporary file in the same folder, renamed
 * over `path` once complete; removed on any error, leaving `path` untouched). The header is
 * validated before anything is written (names unique, known dtypes, shapes of non-negative
 * integers); each tensor's bytes are fetched only when written and checked against its shape.
 *
 * @returns the written tensors' header entries, with their offsets.
 *
 * @example
 * ```ts
 * import { encodeTensorData, writeSafetensors } from '@sparse/core';
 *
 * await writeSafetensors('out.safetensors', [
 *   { name: 'w', dtype: 'F16', shape: [3], data: encodeTensorData('F16', [0.1, 0.2, 0.3]) },
 *   { name: 'mask', dtype: 'U8', shape: [3], data: new Uint8Array([1, 0, 1]) },
 * ], { metadata: { producer: 'example' } });
 * ```
 */
export async function writeSafetensors(
  path: string,
  entries: readonly SafetensorsEntry[],
  options: WriteSafetensorsOptions = {},
): Promise<readonly SafetensorsTensorInfo[]> {
  const list = ordered(entries, options);
  const { bytes: header, tensors } = buildSafetensorsHeader(list, options.metadata ?? {});
  await writeFileAtomic(path, async (handle) => {
    await writeAll(handle, header, 0);
    for (const [index, entry] of list.entries()) {
      const info = tensors[index];
      if (info === undefined) throw new SparseError('E_INTERNAL', 'The safetensors header lost a tensor.');
      const bytes = typeof entry.data === 'function' ? await entry.data() : entry.data;
      checkBytes(info, bytes);
      await writeAll(handle, bytes, header.byteLength + info.dataOffsets[0]);
    }
  });
  return tensors;
}

/**
 * Serializes tensors whose bytes are at hand to the bytes of a safetensors file, in memory (for
 * small files, tests and browsers). Same layout and checks as {@link writeSafetensors}.
 *
 * @example
 * ```ts
 * import { serializeSafetensors } from '@sparse/core';
 *
 * const bytes = serializeSafetensors([{ name: 'm', dtype: 'U8', shape: [2], data: new Uint8Array([1, 0]) }]);
 * console.log(bytes.byteLength); // 8 + padded header + 2
 * ```
 */
export function serializeSafetensors(
  entries: readonly (SafetensorsTensorSpec & { readonly data: Uint8Array })[],
  options: WriteSafetensorsOptions = {},
): Uint8Array {
  const list = ordered(entries, options);
  const { bytes: header, tensors } = buildSafetensorsHeader(list, options.metadata ?? {});
  const total = tensors.reduce((sum, tensor) => sum + tensor.byteLength, header.byteLength);
  const out = new Uint8Array(total);
  out.set(header, 0);
  for (const [index, entry] of list.entries()) {
    const info = tensors[index];
    if (info === undefined) throw new SparseError('E_INTERNAL', 'The safetensors header lost a tensor.');
    checkBytes(info, entry.data);
    out.set(entry.data, header.byteLength + info.dataOffsets[0]);
  }
  return out;
}

/**
 * Parses safetensors bytes held in memory: the validated header and each tensor's bytes (views
 * into `bytes`, no copy).
 *
 * @example
 * ```ts
 * import { deserializeSafetensors, serializeSafetensors } from '@sparse/core';
 *
 * const bytes = serializeSafetensors([{ name: 'm', dtype: 'U8', shape: [2], data: new Uint8Array([1, 0]) }]);
 * const { tensors } = deserializeSafetensors(bytes);
 * console.log(tensors.get('m')?.bytes); // Uint8Array [1, 0]
 * ```
 */
export function deserializeSafetensors(
  bytes: Uint8Array,
  source = 'the buffer',
): { header: SafetensorsHeader; tensors: ReadonlyMap<string, { info: SafetensorsTensorInfo; bytes: Uint8Array }> } {
  const length = readSafetensorsHeaderLength(bytes.subarray(0, 8), bytes.byteLength, source);
  const header = parseSafetensorsHeader(bytes.subarray(8, 8 + length), bytes.byteLength, source);
  const tensors = new Map<string, { info: SafetensorsTensorInfo; bytes: Uint8Array }>();
  for (const info of header.tensors) {
    tensors.set(info.name, { info, bytes: bytes.subarray(header.dataStart + info.dataOffsets[0], header.dataStart + info.dataOffsets[1]) });
  }
  return { header, tensors };
}
