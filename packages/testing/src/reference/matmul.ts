import { at, broadcastShapes, fromFunction, type NdArray } from './nd-array.js';

/**
 * `tf.matMul` in plain JavaScript: the last two axes are the matrices, leading axes are batch
 * axes that broadcast.
 */
export function referenceMatMul(a: NdArray, b: NdArray, transposeA = false, transposeB = false): NdArray {
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [ac, ar] : [ar, ac];
  const [kb, n] = transposeB ? [bc, br] : [br, bc];
  if (k !== kb) throw new Error(`inner dimensions differ: ${k} and ${kb}`);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB);
  const pick = (array: NdArray, batchShape: readonly number[], coords: readonly number[], row: number, column: number): number => {
    const offset = coords.length - batchShape.length;
    const batchCoords = batchShape.map((dimension, axis) => (dimension === 1 ? 0 : (coords[axis + offset] ?? 0)));
    return at(array, [...batchCoords, row, column]);
  };
  return fromFunction([...batch, m, n], (coords) => {
    const i = coords[coords.length - 2] ?? 0;
    const j = coords[coords.length - 1] ?? 0;
    const batchCoords = coords.slice(0, -2);
    let total = 0;
    for (let p = 0; p < k; p++) {
      const left = transposeA ? pick(a, batchA, batchCoords, p, i) : pick(a, batchA, batchCoords, i, p);
      const right = transposeB ? pick(b, batchB, batchCoords, j, p) : pick(b, batchB, batchCoords, p, j);
      total += left * right;
    }
    return total;
  });
}
