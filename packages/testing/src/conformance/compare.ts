import type { DataType, Tensor } from '@tensorflow/tfjs-core';
import { unravel, type NdArray } from '../reference/nd-array.js';
import type { ConformanceTolerance } from './tolerance.js';

const SHOWN = 3;

/**
 * Compares a tensor with a reference array: shape, dtype and every value (exactly for
 * int32/bool, within tolerance for float32). Returns one line per problem, empty when equal.
 */
export function compareTensor(
  label: string,
  actual: Tensor,
  expected: NdArray,
  dtype: DataType,
  tolerance: Pick<ConformanceTolerance, 'atol' | 'rtol'>,
): string[] {
  if (actual.dtype !== dtype) return [`${label}: dtype is ${actual.dtype}, expected ${dtype}`];
  if (actual.shape.join(',') !== expected.shape.join(',')) {
    return [`${label}: shape is [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]`];
  }
  const values = Array.from(actual.dataSync() as ArrayLike<number>);
  const exact = dtype !== 'float32';
  const wrong: string[] = [];
  let count = 0;
  values.forEach((value, index) => {
    const reference = expected.values[index] ?? Number.NaN;
    if (!close(value, reference, exact, tolerance)) {
      count++;
      if (wrong.length < SHOWN) wrong.push(`[${unravel(index, expected.shape).join(', ')}] is ${value}, expected ${reference}`);
    }
  });
  if (count === 0) return [];
  const bound = exact ? 'exactly' : `within ${tolerance.atol} + ${tolerance.rtol}·|expected|`;
  return [`${label}: ${count} of ${values.length} elements differ (${bound}), e.g. ${wrong.join('; ')}`];
}

/** Compares plain numbers (a loss value, a gradient read back) with a reference. */
export function compareValues(label: string, actual: readonly number[], expected: readonly number[], atol: number, rtol: number): string[] {
  if (actual.length !== expected.length) return [`${label}: ${actual.length} values, expected ${expected.length}`];
  const wrong: string[] = [];
  let count = 0;
  actual.forEach((value, index) => {
    const reference = expected[index] ?? Number.NaN;
    if (!close(value, reference, false, { atol, rtol })) {
      count++;
      if (wrong.length < SHOWN) wrong.push(`[${index}] is ${value}, expected ${reference}`);
    }
  });
  return count === 0 ? [] : [`${label}: ${count} of ${actual.length} values differ (within ${atol} + ${rtol}·|expected|), e.g. ${wrong.join('; ')}`];
}

function close(value: number, reference: number, exact: boolean, { atol, rtol }: Pick<ConformanceTolerance, 'atol' | 'rtol'>): boolean {
  if (Number.isNaN(reference)) return Number.isNaN(value);
  if (exact || !Number.isFinite(reference)) return value === reference;
  return Math.abs(value - reference) <= atol + rtol * Math.abs(reference);
}
