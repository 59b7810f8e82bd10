import type { TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The sizes of one matrix product `out[batch, m, n] = op(a)[batch, m, k] · op(b)[batch, k, n]`,
 * where `op` transposes the last two axes when the matching flag is set.
 */
export interface MatMulGeometry {
  /** Product of the leading (batch) axes of `a`. */
  readonly batchA: number;
  /** Product of the leading (batch) axes of `b`. */
  readonly batchB: number;
  /** Rows of the result. */
  readonly m: number;
  /** The contracted (inner) size, read from `a`. */
  readonly k: number;
  /** The contracted size read from `b`: differs from `k` when the shapes do not fit. */
  readonly kB: number;
  /** Columns of the result. */
  readonly n: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** Reads the geometry of `matMul(a, b, transposeA, transposeB)` from the operands' shapes. */
export function matMulGeometry(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulGeometry {
  const [aRows, aCols] = lastTwo(a.shape);
  const [bRows, bCols] = lastTwo(b.shape);
  return {
    batchA: product(a.shape.slice(0, -2)),
    batchB: product(b.shape.slice(0, -2)),
    m: transposeA ? aCols : aRows,
    k: transposeA ? aRows : aCols,
    kB: transposeB ? bCols : bRows,
    n: transposeB ? bRows : bCols,
    transposeA,
    transposeB,
  };
}

function lastTwo(shape: readonly number[]): [number, number] {
  return [shape[shape.length - 2] ?? 1, shape[shape.length - 1] ?? 1];
}

function product(values: readonly number[]): number {
  return values.reduce((acc, value) => acc * value, 1);
}
