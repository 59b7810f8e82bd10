/** A dense row-major array in plain JavaScript numbers (float64), the reference side of a comparison. */
export interface NdArray {
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

/** The number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis--) strides[axis] = (strides[axis + 1] ?? 1) * (shape[axis + 1] ?? 1);
  return strides;
}

/** The coordinates of a flat index. */
export function unravel(index: number, shape: readonly number[]): number[] {
  const coords = new Array<number>(shape.length).fill(0);
  let rest = index;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const dimension = shape[axis] ?? 1;
    coords[axis] = rest % dimension;
    rest = Math.floor(rest / dimension);
  }
  return coords;
}

/** The flat index of coordinates. */
export function ravel(coords: readonly number[], shape: readonly number[]): number {
  let index = 0;
  for (let axis = 0; axis < shape.length; axis++) index = index * (shape[axis] ?? 1) + (coords[axis] ?? 0);
  return index;
}

/** The value at coordinates. */
export function at(array: NdArray, coords: readonly number[]): number {
  return array.values[ravel(coords, array.shape)] ?? Number.NaN;
}

/** NumPy broadcasting of two shapes; throws when they are incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
    shape.push(Math.max(da, db));
  }
  return shape;
}

/** The value of `array` seen through broadcasting at output coordinates `coords`. */
export function broadcastAt(array: NdArray, coords: readonly number[]): number {
  const offset = coords.length - array.shape.length;
  return at(
    array,
    array.shape.map((dimension, axis) => (dimension === 1 ? 0 : (coords[axis + offset] ?? 0))),
  );
}

/** Builds an array by evaluating `valueAt` at every coordinate of `shape`. */
export function fromFunction(shape: readonly number[], valueAt: (coords: number[]) => number): NdArray {
  const values = Array.from({ length: sizeOf(shape) }, (_, index) => valueAt(unravel(index, shape)));
  return { shape: [...shape], values };
}
