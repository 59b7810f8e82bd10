import { echoValue, SparseError } from '@sparse/core';
import { IDX_DATA_TYPES, IDX_TYPES, type IdxArray } from './idx-types.js';

const MAX_DIMENSION = 0xffffffff;
const MAX_RANK = 0xff;

/**
 * Serialises an array to an uncompressed IDX file (big-endian header and elements), the inverse of
 * {@link parseIdx}. Validates the array first: a known dtype, a typed array of that dtype, at most
 * 255 dimensions, each an integer in [0, 2³²), and a data length equal to the product of the shape.
 *
 * @example
 * ```ts
 * import { encodeIdx } from '@sparse/datasets';
 *
 * const bytes = encodeIdx({ dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) });
 * console.log(bytes.length); // 4 + 2 × 4 + 4 × 4 = 28
 * ```
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const { dtype, shape, data } = array;
  const info = (IDX_TYPES as Partial<Record<string, (typeof IDX_TYPES)[keyof typeof IDX_TYPES]>>)[dtype];
  if (info === undefined) {
    throw new SparseError('E_ARGUMENT', `Cannot write IDX: unknown dtype ${echoValue(dtype)}; allowed: ${IDX_DATA_TYPES.join(', ')}.`, {
      field: 'dtype',
      received: dtype,
      allowed: IDX_DATA_TYPES,
    });
  }
  if (!info.isInstance(data)) {
    throw new SparseError('E_ARGUMENT', `Cannot write IDX: dtype ${dtype} needs its own typed array, got a ${data.constructor.name}.`, {
      field: 'data',
      received: data.constructor.name,
    });
  }
  if (shape.length > MAX_RANK) {
    throw new SparseError('E_ARGUMENT', `Cannot write IDX: rank ${shape.length} is above the format's limit of ${MAX_RANK}.`, {
      field: 'shape',
      received: shape.length,
      allowed: `at most ${MAX_RANK} dimensions`,
    });
  }
  let count = 1;
  for (const size of shape) {
    if (!Number.isInteger(size) || size < 0 || size > MAX_DIMENSION) {
      throw new SparseError('E_ARGUMENT', `Cannot write IDX: shape [${shape.join(', ')}] has the dimension ${size}; each must be an integer in [0, 2^32).`, {
        field: 'shape',
        received: shape,
        allowed: 'integers in [0, 2^32)',
      });
    }
    count *= size;
  }
  if (count !== data.length) {
    throw new SparseError('E_ARGUMENT', `Cannot write IDX: shape [${shape.join(', ')}] holds ${count} element(s) but data has ${data.length}.`, {
      field: 'data',
      received: data.length,
      allowed: `${count} elements`,
    });
  }
  const headerBytes = 4 + 4 * shape.length;
  const bytes = new Uint8Array(headerBytes + count * info.bytes);
  const view = new DataView(bytes.buffer);
  bytes[2] = info.code;
  bytes[3] = shape.length;
  shape.forEach((size, axis) => view.setUint32(4 + 4 * axis, size, false));
  switch (dtype) {
    case 'uint8':
    case 'int8':
      bytes.set(new Uint8Array(data.buffer, data.byteOffset, count), headerBytes);
      break;
    case 'int16':
      for (let i = 0; i < count; i += 1) view.setInt16(headerBytes + 2 * i, data[i] ?? 0, false);
      break;
    case 'int32':
      for (let i = 0; i < count; i += 1) view.setInt32(headerBytes + 4 * i, data[i] ?? 0, false);
      break;
    case 'float32':
      for (let i = 0; i < count; i += 1) view.setFloat32(headerBytes + 4 * i, data[i] ?? 0, false);
      break;
    case 'float64':
      for (let i = 0; i < count; i += 1) view.setFloat64(headerBytes + 8 * i, data[i] ?? 0, false);
      break;
  }
  return bytes;
}
