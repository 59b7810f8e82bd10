/**
 * The element types an IDX file can hold, by the name tfjs and typed arrays use.
 *
 * @example
 * ```ts
 * import type { IdxDataType } from '@sparse/datasets';
 *
 * const pixels: IdxDataType = 'uint8';
 * ```
 */
export type IdxDataType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/**
 * The typed array holding the elements of an {@link IdxArray}, one constructor per {@link IdxDataType}.
 *
 * @example
 * ```ts
 * import type { IdxTypedArray } from '@sparse/datasets';
 *
 * const labels: IdxTypedArray = new Uint8Array([9, 0, 0, 3]);
 * ```
 */
export type IdxTypedArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/**
 * An n-dimensional array as stored in an IDX file: its element type, its shape (outermost first,
 * any rank including 0) and its elements in row-major order, in the host's byte order.
 *
 * @example
 * ```ts
 * import type { IdxArray } from '@sparse/datasets';
 *
 * const images: IdxArray = { dtype: 'uint8', shape: [2, 28, 28], data: new Uint8Array(2 * 28 * 28) };
 * ```
 */
export interface IdxArray {
  /** The element type. */
  readonly dtype: IdxDataType;
  /** The size of each dimension, outermost first. */
  readonly shape: readonly number[];
  /** The elements, row-major; its length is the product of `shape`. */
  readonly data: IdxTypedArray;
}

interface IdxTypeInfo {
  readonly code: number;
  readonly bytes: number;
  readonly create: (length: number) => IdxTypedArray;
  readonly isInstance: (data: IdxTypedArray) => boolean;
}

/** Type code, element size and typed-array constructor of every IDX data type. */
export const IDX_TYPES: Readonly<Record<IdxDataType, IdxTypeInfo>> = Object.freeze({
  uint8: { code: 0x08, bytes: 1, create: (n) => new Uint8Array(n), isInstance: (d) => d instanceof Uint8Array },
  int8: { code: 0x09, bytes: 1, create: (n) => new Int8Array(n), isInstance: (d) => d instanceof Int8Array },
  int16: { code: 0x0b, bytes: 2, create: (n) => new Int16Array(n), isInstance: (d) => d instanceof Int16Array },
  int32: { code: 0x0c, bytes: 4, create: (n) => new Int32Array(n), isInstance: (d) => d instanceof Int32Array },
  float32: { code: 0x0d, bytes: 4, create: (n) => new Float32Array(n), isInstance: (d) => d instanceof Float32Array },
  float64: { code: 0x0e, bytes: 8, create: (n) => new Float64Array(n), isInstance: (d) => d instanceof Float64Array },
} satisfies Record<IdxDataType, IdxTypeInfo>);

/** Every IDX data type, in type-code order. */
export const IDX_DATA_TYPES: readonly IdxDataType[] = Object.freeze(['uint8', 'int8', 'int16', 'int32', 'float32', 'float64']);

/** The data type of a type code, or undefined for an unknown code. */
export function idxTypeOfCode(code: number): IdxDataType | undefined {
  return IDX_DATA_TYPES.find((dtype) => IDX_TYPES[dtype].code === code);
}

/** `0x08 uint8, 0x09 int8, …` for error messages. */
export function describeIdxTypeCodes(): string {
  return IDX_DATA_TYPES.map((dtype) => `0x${IDX_TYPES[dtype].code.toString(16).padStart(2, '0').toUpperCase()} ${dtype}`).join(', ');
}
