import { SparseError } from '../errors.js';
import { SAFETENSORS_DTYPE_SIZES, type SafetensorsDtype } from './dtype.js';
import { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from './float16.js';

/**
 * The typed array a safetensors tensor decodes to: its natural JavaScript type, except F16 and
 * BF16, which become `Float32Array` (exactly: every half-precision value is a float32), and BOOL,
 * which becomes a `Uint8Array` of 0 and 1. It may share memory with the bytes it was decoded from
 * when they fill their whole buffer (as the bytes a reader returns do).
 *
 * @example
 * ```ts
 * import { decodeTensorData, type DecodedTensorData } from '@sparse/core';
 *
 * const data: DecodedTensorData = decodeTensorData('I32', new Uint8Array([1, 0, 0, 0]));
 * ```
 */
export type DecodedTensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** Safetensors is little-endian; typed arrays use the host's order. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `bytes`' own buffer when they fill it exactly (no copy), else a copy starting at offset 0. */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer } = bytes;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) return buffer;
  return bytes.slice().buffer;
}

function checkLength(dtype: SafetensorsDtype, bytes: Uint8Array): number {
  const size = SAFETENSORS_DTYPE_SIZES[dtype];
  if (bytes.byteLength % size !== 0) {
    throw new SparseError(
      'E_FORMAT',
      `A ${dtype} tensor needs a multiple of ${size} bytes; got ${bytes.byteLength}.`,
      { field: 'bytes', received: bytes.byteLength },
    );
  }
  return bytes.byteLength / size;
}

/**
 * Decodes a tensor's little-endian bytes into a typed array (see {@link DecodedTensorData}).
 * Supported: F64, F32, F16, BF16, I64, U64, I32, U32, I16, U16, I8, U8, BOOL. The two F8 types
 * can only be copied as raw bytes and throw `E_FORMAT` here.
 *
 * @example
 * ```ts
 * import { decodeTensorData } from '@sparse/core';
 *
 * const halves = decodeTensorData('F16', new Uint8Array([0x00, 0x3c, 0x00, 0xc0]));
 * console.log(Array.from(halves)); // [1, -2]
 * ```
 */
export function decodeTensorData(dtype: SafetensorsDtype, bytes: Uint8Array): DecodedTensorData {
  const count = checkLength(dtype, bytes);
  switch (dtype) {
    case 'U8':
      return bytes.slice();
    case 'BOOL':
      return bytes.map((value) => (value === 0 ? 0 : 1));
    case 'I8':
      return new Int8Array(bytes.slice().buffer);
    case 'F16':
    case 'BF16': {
      const out = new Float32Array(count);
      const convert = dtype === 'F16' ? float16BitsToFloat32 : bfloat16BitsToFloat32;
      for (let i = 0; i < count; i += 1) out[i] = convert((bytes[2 * i] ?? 0) | ((bytes[2 * i + 1] ?? 0) << 8));
      return out;
    }
    case 'F8_E5M2':
    case 'F8_E4M3':
      throw new SparseError('E_FORMAT', `${dtype} tensors can only be copied as raw bytes, not decoded to numbers.`, {
        field: 'dtype',
        received: dtype,
        allowed: ['F64', 'F32', 'F16', 'BF16', 'I64', 'U64', 'I32', 'U32', 'I16', 'U16', 'I8', 'U8', 'BOOL'],
      });
    default:
      return decodeWide(dtype, bytes, count);
  }
}

type WideDtype = 'I16' | 'U16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

function decodeWide(dtype: WideDtype, bytes: Uint8Array, count: number): DecodedTensorData {
  // On a big-endian host, swap every element's bytes first so the typed array reads them right.
  let buffer = ownBuffer(bytes);
  if (!HOST_IS_LITTLE_ENDIAN) {
    const size = SAFETENSORS_DTYPE_SIZES[dtype];
    const swapped = new Uint8Array(bytes.byteLength);
    for (let i = 0; i < bytes.byteLength; i += 1) swapped[i] = bytes[i - (i % size) + size - 1 - (i % size)] ?? 0;
    buffer = swapped.buffer;
  }
  switch (dtype) {
    case 'I16': return new Int16Array(buffer, 0, count);
    case 'U16': return new Uint16Array(buffer, 0, count);
    case 'I32': return new Int32Array(buffer, 0, count);
    case 'U32': return new Uint32Array(buffer, 0, count);
    case 'F32': return new Float32Array(buffer, 0, count);
    case 'F64': return new Float64Array(buffer, 0, count);
    case 'I64': return new BigInt64Array(buffer, 0, count);
    case 'U64': return new BigUint64Array(buffer, 0, count);
  }
}

/**
 * Decodes a tensor's bytes to `Float32Array`, the type TensorFlow.js computes in: floats are
 * rounded to float32 (F64), integers converted (exact up to 2^24), BOOL to 0/1.
 *
 * @example
 * ```ts
 * import { decodeToFloat32 } from '@sparse/core';
 *
 * console.log(decodeToFloat32('BF16', new Uint8Array([0x80, 0x3f]))[0]); // 1
 * ```
 */
export function decodeToFloat32(dtype: SafetensorsDtype, bytes: Uint8Array): Float32Array {
  const data = decodeTensorData(dtype, bytes);
  if (data instanceof Float32Array) return data;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i += 1) out[i] = Number(data[i] ?? 0);
  return out;
}

/** The dtypes {@link encodeTensorData} can write from numbers. */
const ENCODABLE: readonly SafetensorsDtype[] = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'BOOL'];

const INTEGER_RANGES: Readonly<Partial<Record<SafetensorsDtype, readonly [number, number]>>> = {
  I8: [-128, 127],
  U8: [0, 255],
  I16: [-32768, 32767],
  I32: [-2147483648, 2147483647],
  I64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  BOOL: [0, 1],
};

/**
 * Encodes numbers as little-endian bytes of a safetensors dtype. Floats: F32 as is, F64 exactly,
 * F16 and BF16 rounded from float32 to nearest-even (as PyTorch does). Integers (I64, I32, I16,
 * I8, U8, BOOL) must be integers in the dtype's range, otherwise `E_ARGUMENT` names the first bad
 * element.
 *
 * @example
 * ```ts
 * import { encodeTensorData } from '@sparse/core';
 *
 * const bytes = encodeTensorData('F16', new Float32Array([1, -2]));
 * console.log(Array.from(bytes)); // [0, 60, 0, 192]
 * ```
 */
export function encodeTensorData(dtype: SafetensorsDtype, values: ArrayLike<number>): Uint8Array {
  if (!ENCODABLE.includes(dtype)) {
    throw new SparseError('E_ARGUMENT', `Cannot encode numbers as ${dtype}; allowed: ${ENCODABLE.join(', ')}.`, {
      field: 'dtype',
      received: dtype,
      allowed: ENCODABLE,
    });
  }
  const count = values.length;
  const size = SAFETENSORS_DTYPE_SIZES[dtype];
  const out = new Uint8Array(count * size);
  const range = INTEGER_RANGES[dtype];
  if (range !== undefined) {
    for (let i = 0; i < count; i += 1) {
      const value = values[i] ?? 0;
      if (!Number.isInteger(value) || value < range[0] || value > range[1]) {
        throw new SparseError(
          'E_ARGUMENT',
          `Element ${i} is ${value}, which is not a ${dtype} value (integers in [${range[0]}, ${range[1]}]).`,
          { field: `values[${i}]`, received: value, allowed: `integers in [${range[0]}, ${range[1]}]` },
        );
      }
    }
  }
  if (dtype === 'F16' || dtype === 'BF16') {
    const convert = dtype === 'F16' ? float32ToFloat16Bits : float32ToBfloat16Bits;
    for (let i = 0; i < count; i += 1) {
      const bits = convert(values[i] ?? 0);
      out[2 * i] = bits & 0xff;
      out[2 * i + 1] = bits >>> 8;
    }
    return out;
  }
  if (dtype === 'U8' || dtype === 'BOOL') {
    out.set(values);
    return out;
  }
  const view = new DataView(out.buffer);
  for (let i = 0; i < count; i += 1) {
    const value = values[i] ?? 0;
    switch (dtype) {
      case 'F64': view.setFloat64(i * 8, value, true); break;
      case 'F32': view.setFloat32(i * 4, value, true); break;
      case 'I64': view.setBigInt64(i * 8, BigInt(value), true); break;
      case 'I32': view.setInt32(i * 4, value, true); break;
      case 'I16': view.setInt16(i * 2, value, true); break;
      case 'I8': view.setInt8(i, value); break;
    }
  }
  return out;
}
