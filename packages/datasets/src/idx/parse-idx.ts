import { SparseError } from '@sparse/core';
import { describeIdxTypeCodes, IDX_TYPES, idxTypeOfCode, type IdxArray } from './idx-types.js';

/**
 * Options of {@link parseIdx}.
 *
 * @example
 * ```ts
 * import type { ParseIdxOptions } from '@sparse/datasets';
 *
 * const options: ParseIdxOptions = { name: 'train-labels-idx1-ubyte' };
 * ```
 */
export interface ParseIdxOptions {
  /** What the bytes are (a file name or URL), quoted in error messages. */
  readonly name?: string;
}

/**
 * Parses an uncompressed IDX file: a 4-byte magic number (two zero bytes, a type code, the rank),
 * one big-endian uint32 per dimension, then the elements in big-endian row-major order. Pure: works
 * on a `Uint8Array` in Node and in browsers. The returned data never aliases `bytes`.
 *
 * Throws a `SparseError` with code `E_FORMAT` when the magic number is wrong, the type code is
 * unknown, the header or the data is truncated, or the data is longer than the dimensions say.
 *
 * @param bytes - the file's bytes, already decompressed (see {@link readIdx} for gzip).
 *
 * @example
 * ```ts
 * import { encodeIdx, parseIdx } from '@sparse/datasets';
 *
 * const bytes = encodeIdx({ dtype: 'uint8', shape: [3], data: new Uint8Array([9, 0, 3]) });
 * const labels = parseIdx(bytes, { name: 'labels' });
 * console.log(labels.shape, labels.data); // [3] Uint8Array [9, 0, 3]
 * ```
 */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxArray {
  const name = options.name ?? 'IDX data';
  if (bytes.length < 4) {
    throw new SparseError('E_FORMAT', `${name} is truncated: an IDX file starts with a 4-byte magic number, got ${bytes.length} byte(s).`, {
      received: bytes.length,
      allowed: 'at least 4 bytes',
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const typeCode = bytes[2] ?? 0;
  const rank = bytes[3] ?? 0;
  const dtype = idxTypeOfCode(typeCode);
  if (bytes[0] !== 0 || bytes[1] !== 0 || dtype === undefined) {
    const hint = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' It starts with the gzip magic 1f 8b: decompress it first (readIdx does).' : '';
    throw new SparseError(
      'E_FORMAT',
      `${name} has a bad IDX magic number 0x${hex(magic)}: expected 0x0000TTRR, two zero bytes, a type code TT (${describeIdxTypeCodes()}) and the rank RR.${hint}`,
      { field: 'magic', received: `0x${hex(magic)}`, allowed: describeIdxTypeCodes() },
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new SparseError(
      'E_FORMAT',
      `${name} is truncated: its magic number 0x${hex(magic)} announces ${rank} dimension(s), so the header is ${headerBytes} bytes, but the data has only ${bytes.length}.`,
      { field: 'dimensions', received: bytes.length, allowed: `at least ${headerBytes} bytes` },
    );
  }
  const shape: number[] = [];
  let count = 1;
  for (let axis = 0; axis < rank; axis += 1) {
    const size = view.getUint32(4 + 4 * axis, false);
    shape.push(size);
    count *= size;
  }
  const info = IDX_TYPES[dtype];
  const expected = count * info.bytes;
  const actual = bytes.length - headerBytes;
  if (actual !== expected) {
    const what = actual < expected ? 'is truncated' : 'has more data than its dimensions describe';
    throw new SparseError(
      'E_FORMAT',
      `${name} ${what}: dimensions [${shape.join(', ')}] of ${dtype} need ${expected} data bytes (${count} element(s) × ${info.bytes}), but ${actual} follow the ${headerBytes}-byte header.`,
      { field: 'dimensions', received: actual, allowed: `${expected} bytes` },
    );
  }
  const data = info.create(count);
  if (info.bytes === 1) {
    // uint8 and int8 share their bytes: copy them unchanged (no aliasing of the input).
    new Uint8Array(data.buffer, data.byteOffset, count).set(bytes.subarray(headerBytes, headerBytes + count));
  } else {
    readBigEndian(view, headerBytes, dtype, data);
  }
  return { dtype, shape, data };
}

function readBigEndian(view: DataView, offset: number, dtype: IdxArray['dtype'], out: IdxArray['data']): void {
  const n = out.length;
  switch (dtype) {
    case 'int16':
      for (let i = 0; i < n; i += 1) out[i] = view.getInt16(offset + 2 * i, false);
      return;
    case 'int32':
      for (let i = 0; i < n; i += 1) out[i] = view.getInt32(offset + 4 * i, false);
      return;
    case 'float32':
      for (let i = 0; i < n; i += 1) out[i] = view.getFloat32(offset + 4 * i, false);
      return;
    case 'float64':
      for (let i = 0; i < n; i += 1) out[i] = view.getFloat64(offset + 8 * i, false);
      return;
    default:
      throw new SparseError('E_INTERNAL', `readBigEndian called for the single-byte type ${dtype}.`);
  }
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0').toUpperCase();
}
