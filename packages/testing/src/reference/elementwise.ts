import { broadcastAt, broadcastShapes, fromFunction, type NdArray } from './nd-array.js';

/** A binary operation with NumPy broadcasting. */
export function referenceBinary(a: NdArray, b: NdArray, operation: (x: number, y: number) => number): NdArray {
  return fromFunction(broadcastShapes(a.shape, b.shape), (coords) => operation(broadcastAt(a, coords), broadcastAt(b, coords)));
}

/** A unary operation applied to every element. */
export function referenceUnary(a: NdArray, operation: (x: number) => number): NdArray {
  return { shape: [...a.shape], values: a.values.map((value) => operation(value)) };
}

/** `where(condition, a, b)` with broadcasting of all three. */
export function referenceWhere(condition: NdArray, a: NdArray, b: NdArray): NdArray {
  const shape = broadcastShapes(condition.shape, broadcastShapes(a.shape, b.shape));
  return fromFunction(shape, (coords) => (broadcastAt(condition, coords) !== 0 ? broadcastAt(a, coords) : broadcastAt(b, coords)));
}

/** The logistic function, written to be exact for large |x|. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** `sign` with `sign(0) = 0` (and no negative zero). */
export function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}
