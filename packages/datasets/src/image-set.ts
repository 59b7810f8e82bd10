import { SparseError } from '@sparse/core';

/**
 * A labelled set of images held in host memory: `count` examples of `shape` pixels each, row-major
 * in one flat typed array, and one class label per example.
 *
 * `images` is a `Float32Array` scaled to [0, 1] or the raw `Uint8Array` (0–255) of the IDX file.
 *
 * @example
 * ```ts
 * import type { ImageSet } from '@sparse/datasets';
 *
 * const tiny: ImageSet<Float32Array> = {
 *   images: new Float32Array(2 * 28 * 28),
 *   labels: new Uint8Array([3, 7]),
 *   count: 2,
 *   shape: [28, 28],
 * };
 * ```
 */
export interface ImageSet<Pixels extends Float32Array | Uint8Array = Float32Array | Uint8Array> {
  /** All pixels, `count × product(shape)` values, example after example. */
  readonly images: Pixels;
  /** The class of each example. */
  readonly labels: Uint8Array;
  /** The number of examples. */
  readonly count: number;
  /** The shape of one example, e.g. `[28, 28]`. */
  readonly shape: readonly number[];
}

/** The number of values per example: the product of `shape`. */
export function featuresPerExample(set: ImageSet): number {
  return set.shape.reduce((product, size) => product * size, 1);
}

/** Throws E_ARGUMENT when the arrays of an image set disagree with its count and shape. */
export function assertImageSet(set: ImageSet, field = 'dataset'): void {
  const features = featuresPerExample(set);
  if (!Number.isInteger(set.count) || set.count < 0) {
    throw new SparseError('E_ARGUMENT', `${field}.count must be a non-negative integer, got ${set.count}.`, { field: `${field}.count`, received: set.count });
  }
  if (set.images.length !== set.count * features) {
    throw new SparseError(
      'E_ARGUMENT',
      `${field}.images has ${set.images.length} values but count ${set.count} × shape [${set.shape.join(', ')}] needs ${set.count * features}.`,
      { field: `${field}.images`, received: set.images.length, allowed: `${set.count * features} values` },
    );
  }
  if (set.labels.length !== set.count) {
    throw new SparseError('E_ARGUMENT', `${field}.labels has ${set.labels.length} labels but count is ${set.count}.`, {
      field: `${field}.labels`,
      received: set.labels.length,
      allowed: `${set.count} labels`,
    });
  }
}

/**
 * A new image set holding the given examples, in the given order (copied, not aliased).
 *
 * @param indices - example indices in [0, count); repeats are allowed.
 *
 * @example
 * ```ts
 * import { selectExamples, type ImageSet } from '@sparse/datasets';
 *
 * const set: ImageSet = { images: new Uint8Array([1, 2, 3, 4, 5, 6]), labels: new Uint8Array([0, 1, 2]), count: 3, shape: [2] };
 * const picked = selectExamples(set, [2, 0]);
 * console.log(picked.images, picked.labels); // Uint8Array [5, 6, 1, 2] Uint8Array [2, 0]
 * ```
 */
export function selectExamples<Pixels extends Float32Array | Uint8Array>(set: ImageSet<Pixels>, indices: ArrayLike<number>): ImageSet<Pixels> {
  assertImageSet(set);
  const features = featuresPerExample(set);
  const images = new (set.images.constructor as new (length: number) => Pixels)(indices.length * features);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k += 1) {
    const index = indices[k] ?? -1;
    if (!Number.isInteger(index) || index < 0 || index >= set.count) {
      throw new SparseError('E_ARGUMENT', `indices[${k}] is ${index}, outside the ${set.count} examples of the set.`, {
        field: `indices[${k}]`,
        received: index,
        allowed: `integers in [0, ${set.count})`,
      });
    }
    images.set(set.images.subarray(index * features, (index + 1) * features), k * features);
    labels[k] = set.labels[index] ?? 0;
  }
  return { images, labels, count: indices.length, shape: [...set.shape] };
}
