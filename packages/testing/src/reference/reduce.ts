import { fromFunction, sizeOf, unravel, type NdArray } from './nd-array.js';

/** What a reduction computes. */
export type ReductionKind = 'sum' | 'mean' | 'max';

/** Normalises `axis` as TensorFlow.js does: all axes when absent, negative axes from the end. */
export function normaliseAxes(axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const axes = typeof axis === 'number' ? [axis] : [...axis];
  return [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((x, y) => x - y);
}

/** `tf.sum` / `tf.mean` / `tf.max` along axes. */
export function referenceReduce(a: NdArray, kind: ReductionKind, axis?: number | readonly number[], keepDims = false): NdArray {
  const axes = normaliseAxes(axis, a.shape.length);
  const keptShape = a.shape.map((dimension, i) => (axes.includes(i) ? 1 : dimension));
  const groups = new Map<number, number[]>();
  for (let index = 0; index < a.values.length; index++) {
    const coords = unravel(index, a.shape).map((c, i) => (axes.includes(i) ? 0 : c));
    let key = 0;
    for (let i = 0; i < coords.length; i++) key = key * (keptShape[i] ?? 1) + (coords[i] ?? 0);
    const group = groups.get(key) ?? [];
    group.push(a.values[index] ?? Number.NaN);
    groups.set(key, group);
  }
  const reduced = fromFunction(keptShape, (coords) => {
    let key = 0;
    for (let i = 0; i < coords.length; i++) key = key * (keptShape[i] ?? 1) + (coords[i] ?? 0);
    const group = groups.get(key) ?? [];
    if (kind === 'max') return Math.max(...group);
    const total = group.reduce((sum, value) => sum + value, 0);
    return kind === 'sum' ? total : total / group.length;
  });
  if (keepDims) return reduced;
  const shape = a.shape.filter((_, i) => !axes.includes(i));
  return { shape, values: reduced.values.slice(0, sizeOf(shape)) };
}

/** `tf.argMax` along one axis; ties go to the lowest index. */
export function referenceArgMax(a: NdArray, axis: number): NdArray {
  const rank = a.shape.length;
  const reduceAxis = axis < 0 ? axis + rank : axis;
  const shape = a.shape.filter((_, i) => i !== reduceAxis);
  return fromFunction(shape, (coords) => {
    let best = 0;
    let bestValue = -Infinity;
    for (let j = 0; j < (a.shape[reduceAxis] ?? 0); j++) {
      const full = [...coords.slice(0, reduceAxis), j, ...coords.slice(reduceAxis)];
      let index = 0;
      for (let i = 0; i < rank; i++) index = index * (a.shape[i] ?? 1) + (full[i] ?? 0);
      const value = a.values[index] ?? Number.NaN;
      if (value > bestValue) {
        bestValue = value;
        best = j;
      }
    }
    return best;
  });
}
