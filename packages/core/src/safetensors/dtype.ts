/**
 * The element types of the safetensors format, spelled as in its JSON header. Every type the
 * reference (Rust) implementation knows can be read as raw bytes; see {@link decodeTensorData} for
 * the types that decode to numbers and {@link encodeTensorData} for those that can be written from
 * numbers.
 *
 * @example
 * ```ts
 * import type { SafetensorsDtype } from '@sparse/core';
 *
 * const dtype: SafetensorsDtype = 'BF16';
 * ```
 */
export type SafetensorsDtype =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'F8_E5M2'
  | 'F8_E4M3'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'F64'
  | 'I64'
  | 'U64';

/**
 * Bytes per element of every safetensors dtype, in the order of the Rust `Dtype` enum (which is
 * also the order the reference writer sorts by, largest alignment first).
 *
 * @example
 * ```ts
 * import { SAFETENSORS_DTYPE_SIZES } from '@sparse/core';
 *
 * console.log(SAFETENSORS_DTYPE_SIZES.F16); // 2
 * ```
 */
export const SAFETENSORS_DTYPE_SIZES: Readonly<Record<SafetensorsDtype, number>> = Object.freeze({
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
});

/**
 * Every safetensors dtype name, in the Rust enum order.
 *
 * @example
 * ```ts
 * import { SAFETENSORS_DTYPES } from '@sparse/core';
 *
 * console.log(SAFETENSORS_DTYPES.includes('F32')); // true
 * ```
 */
export const SAFETENSORS_DTYPES: readonly SafetensorsDtype[] = Object.freeze(
  Object.keys(SAFETENSORS_DTYPE_SIZES) as SafetensorsDtype[],
);

/**
 * Tells whether a string is a safetensors dtype name.
 *
 * @example
 * ```ts
 * import { isSafetensorsDtype } from '@sparse/core';
 *
 * console.log(isSafetensorsDtype('F32'), isSafetensorsDtype('float32')); // true false
 * ```
 */
export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SAFETENSORS_DTYPE_SIZES, value);
}

/**
 * Whether a dtype holds floating-point numbers (the dtypes a pruner can score by magnitude).
 *
 * @example
 * ```ts
 * import { isFloatDtype } from '@sparse/core';
 *
 * console.log(isFloatDtype('BF16'), isFloatDtype('I64')); // true false
 * ```
 */
export function isFloatDtype(dtype: SafetensorsDtype): boolean {
  return dtype === 'F16' || dtype === 'BF16' || dtype === 'F32' || dtype === 'F64' || dtype === 'F8_E5M2' || dtype === 'F8_E4M3';
}
