import { endianness } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { echoValue, SparseError } from '@sparse/core';

/**
 * Element types a {@link TensorRecord} can hold.
 *
 * @example
 * ```ts
 * import type { TensorDType } from '@sparse/experiments';
 *
 * const dtype: TensorDType = 'float32';
 * ```
 */
export type TensorDType = 'float32' | 'int32';

/**
 * A tensor's values outside TensorFlow.js: shape, dtype and a typed array in row-major order.
 * Checkpoints and mask files store these as little-endian bytes.
 *
 * @example
 * ```ts
 * import type { TensorRecord } from '@sparse/experiments';
 *
 * const mask: TensorRecord = { dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 0, 0, 1]) };
 * ```
 */
export interface TensorRecord {
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/**
 * Checks that a record's shape is made of non-negative integers, its data matches its dtype and
 * holds exactly as many elements as the shape says; throws `E_ARGUMENT` naming `name` otherwise.
 *
 * @example
 * ```ts
 * import { checkTensorRecord } from '@sparse/experiments';
 *
 * checkTensorRecord('w', { dtype: 'float32', shape: [3], data: new Float32Array(3) }); // fine
 * ```
 */
export function checkTensorRecord(name: string, record: TensorRecord): void {
  if (!Array.isArray(record.shape) || !record.shape.every((size) => Number.isInteger(size) && size >= 0)) {
    throw new SparseError('E_ARGUMENT', `Tensor "${name}": the shape must be a list of non-negative integers, received ${echoValue(record.shape)}.`, { field: `${name}.shape`, received: record.shape });
  }
  const wanted = record.dtype === 'float32' ? Float32Array : record.dtype === 'int32' ? Int32Array : undefined;
  if (wanted === undefined || !(record.data instanceof wanted)) {
    throw new SparseError('E_ARGUMENT', `Tensor "${name}": dtype ${echoValue(record.dtype)} needs data in a ${wanted?.name ?? 'Float32Array or Int32Array'}.`, { field: `${name}.dtype`, received: record.dtype, allowed: ['float32', 'int32'] });
  }
  const count = elementCount(record.shape);
  if (record.data.length !== count) {
    throw new SparseError('E_ARGUMENT', `Tensor "${name}": shape [${record.shape.join(', ')}] has ${count} elements but the data holds ${record.data.length}.`, { field: `${name}.data`, received: record.data.length, allowed: String(count) });
  }
}

/**
 * The little-endian bytes of a record's data (4 bytes per element), whatever the host's byte
 * order.
 *
 * @example
 * ```ts
 * import { encodeTensorRecord } from '@sparse/experiments';
 *
 * encodeTensorRecord({ dtype: 'float32', shape: [1], data: new Float32Array([1]) }); // Uint8Array [0, 0, 128, 63]
 * ```
 */
export function encodeTensorRecord(record: TensorRecord): Uint8Array {
  const { data } = record;
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i += 1) {
    const value = data[i] ?? 0;
    if (record.dtype === 'float32') view.setFloat32(i * 4, value, true);
    else view.setInt32(i * 4, value, true);
  }
  return bytes;
}

/**
 * Rebuilds a record from little-endian bytes written by {@link encodeTensorRecord}; throws
 * `E_FORMAT` when the byte count does not match the shape.
 *
 * @example
 * ```ts
 * import { decodeTensorRecord } from '@sparse/experiments';
 *
 * const record = decodeTensorRecord(new Uint8Array([0, 0, 128, 63]), 'float32', [1]);
 * record.data[0]; // 1
 * ```
 */
export function decodeTensorRecord(bytes: Uint8Array, dtype: TensorDType, shape: readonly number[]): TensorRecord {
  const count = elementCount(shape);
  if (bytes.byteLength !== count * 4) {
    throw new SparseError('E_FORMAT', `Tensor data of shape [${shape.join(', ')}] needs ${count * 4} bytes, found ${bytes.byteLength}.`, { received: bytes.byteLength, allowed: String(count * 4) });
  }
  const copy = bytes.slice();
  if (LITTLE_ENDIAN_HOST) {
    const data = dtype === 'float32' ? new Float32Array(copy.buffer, 0, count) : new Int32Array(copy.buffer, 0, count);
    return { dtype, shape: [...shape], data };
  }
  const view = new DataView(copy.buffer);
  const data = dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
  for (let i = 0; i < count; i += 1) data[i] = dtype === 'float32' ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true);
  return { dtype, shape: [...shape], data };
}

/**
 * Copies a TensorFlow.js tensor's values into a {@link TensorRecord} (float32 and int32 tensors;
 * `bool` tensors become int32). Does not dispose the tensor.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { tensorToRecord } from '@sparse/experiments';
 *
 * const weights = tf.ones([2, 3]);
 * const record = await tensorToRecord(weights);
 * weights.dispose();
 * ```
 */
export async function tensorToRecord(tensor: tf.Tensor): Promise<TensorRecord> {
  const shape = [...tensor.shape];
  if (tensor.dtype === 'float32') return { dtype: 'float32', shape, data: (await tensor.data<'float32'>()).slice() };
  if (tensor.dtype === 'int32') return { dtype: 'int32', shape, data: (await tensor.data<'int32'>()).slice() };
  if (tensor.dtype === 'bool') return { dtype: 'int32', shape, data: Int32Array.from(await tensor.data<'bool'>()) };
  throw new SparseError('E_ARGUMENT', `Cannot store a ${tensor.dtype} tensor; allowed dtypes: float32, int32, bool.`, { field: 'dtype', received: tensor.dtype, allowed: ['float32', 'int32', 'bool'] });
}

/**
 * Makes a new TensorFlow.js tensor from a record; the caller owns (and disposes) it.
 *
 * @example
 * ```ts
 * import { recordToTensor } from '@sparse/experiments';
 *
 * const mask = recordToTensor({ dtype: 'float32', shape: [2], data: new Float32Array([1, 0]) });
 * mask.dispose();
 * ```
 */
export function recordToTensor(record: TensorRecord): tf.Tensor {
  checkTensorRecord('tensor', record);
  return tf.tensor(record.data, [...record.shape], record.dtype);
}
