import { fromFunction, sizeOf, type NdArray } from './nd-array.js';

/**
 * `tf.topk(x, k, sorted = true)` along the last axis: values in descending order, and among
 * equal values the lower index first (TensorFlow's documented rule).
 */
export function referenceTopK(a: NdArray, k: number): { values: NdArray; indices: NdArray } {
  const last = a.shape[a.shape.length - 1] ?? 1;
  const rows = sizeOf(a.shape) / last;
  const values: number[] = [];
  const indices: number[] = [];
  for (let row = 0; row < rows; row++) {
    const entries = a.values.slice(row * last, (row + 1) * last).map((value, index) => ({ value, index }));
    entries.sort((x, y) => y.value - x.value || x.index - y.index);
    for (const entry of entries.slice(0, k)) {
      values.push(entry.value);
      indices.push(entry.index);
    }
  }
  const shape = [...a.shape.slice(0, -1), k];
  return { values: { shape, values }, indices: { shape, values: indices } };
}

/** `tf.gather(x, indices, axis)`: output shape `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. */
export function referenceGather(a: NdArray, indices: NdArray, axis: number): NdArray {
  const shape = [...a.shape.slice(0, axis), ...indices.shape, ...a.shape.slice(axis + 1)];
  const indexRank = indices.shape.length;
  return fromFunction(shape, (coords) => {
    const indexCoords = coords.slice(axis, axis + indexRank);
    let flat = 0;
    for (let i = 0; i < indexRank; i++) flat = flat * (indices.shape[i] ?? 1) + (indexCoords[i] ?? 0);
    const source = [...coords.slice(0, axis), indices.values[flat] ?? 0, ...coords.slice(axis + indexRank)];
    let index = 0;
    for (let i = 0; i < a.shape.length; i++) index = index * (a.shape[i] ?? 1) + (source[i] ?? 0);
    return a.values[index] ?? Number.NaN;
  });
}

/** `tf.oneHot(indices, depth, onValue, offValue)`: an index outside `[0, depth)` gives a row of `offValue`. */
export function referenceOneHot(indices: NdArray, depth: number, onValue = 1, offValue = 0): NdArray {
  return fromFunction([...indices.shape, depth], (coords) => {
    const position = coords.slice(0, -1);
    let flat = 0;
    for (let i = 0; i < position.length; i++) flat = flat * (indices.shape[i] ?? 1) + (position[i] ?? 0);
    return indices.values[flat] === coords[coords.length - 1] ? onValue : offValue;
  });
}
