import * as tf from '@tensorflow/tfjs-core';
import { sizeOf, type NdArray } from '../reference/nd-array.js';
import type { ConformanceContext } from './conformance-case.js';

/** A random float32-exact array of `shape` with values in `[low, high)`. */
export function randomArray(context: ConformanceContext, shape: readonly number[], low = -1, high = 1): NdArray {
  return { shape: [...shape], values: context.random.floats(sizeOf(shape), low, high) };
}

/** A random array of small integers in `[low, high)`: many ties, exact in float32. */
export function randomIntegers(context: ConformanceContext, shape: readonly number[], low: number, high: number): NdArray {
  return { shape: [...shape], values: context.random.ints(sizeOf(shape), low, high) };
}

/** A tensor holding exactly the values of a reference array. */
export function tensorOf(array: NdArray, dtype: 'float32' | 'int32' | 'bool' = 'float32'): tf.Tensor {
  return tf.tensor(array.values as number[], [...array.shape], dtype);
}

/** Runs comparisons inside `tf.tidy`, so intermediate tensors are released. */
export function tidyCheck(check: () => string[]): string[] {
  return tf.tidy(check);
}

/** The shape of a list of shapes, for labels: `[2,3]×[3,4]`. */
export function shapes(...list: readonly (readonly number[])[]): string {
  return list.map((shape) => `[${shape.join(',')}]`).join('×');
}

/** A variable holding `values`, without leaking the initial tensor `tf.variable` copies. */
export function variableOf(values: readonly number[], shape: readonly number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values as number[], [...shape])));
}
