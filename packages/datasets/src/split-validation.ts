import { SparseError } from '@sparse/core';
import { assertImageSet, selectExamples, type ImageSet } from './image-set.js';
import { randomPermutation } from './random/shuffle.js';
import { assertSeed, seededRandom, type RandomFactory } from './random/uniform-random.js';

/**
 * Options of {@link splitValidation}.
 *
 * @example
 * ```ts
 * import type { SplitValidationOptions } from '@sparse/datasets';
 *
 * const lth: SplitValidationOptions = { validationSize: 5_000, seed: 0 };
 * ```
 */
export interface SplitValidationOptions {
  /** How many examples go to the validation set, an integer in [0, count]. */
  readonly validationSize: number;
  /** The seed of the split; the same seed gives the same split. */
  readonly seed: number;
  /** The generator to draw from (default {@link seededRandom}), called as `random(seed, 'split', 'validation')`. */
  readonly random?: RandomFactory;
}

/**
 * The two parts of a {@link splitValidation} and the indices of the original set each one took.
 *
 * @example
 * ```ts
 * import type { ValidationSplit } from '@sparse/datasets';
 *
 * function sizes(split: ValidationSplit<Float32Array>): string {
 *   return `${split.train.count} train / ${split.validation.count} validation`;
 * }
 * ```
 */
export interface ValidationSplit<Pixels extends Float32Array | Uint8Array = Float32Array | Uint8Array> {
  /** The examples kept for training, in their original order. */
  readonly train: ImageSet<Pixels>;
  /** The held-out examples, in their original order. */
  readonly validation: ImageSet<Pixels>;
  /** Ascending indices into the original set of `train`. */
  readonly trainIndices: Int32Array;
  /** Ascending indices into the original set of `validation`. */
  readonly validationIndices: Int32Array;
}

/**
 * Holds out a seeded, uniformly random validation set (e.g. 5,000 of Fashion-MNIST's 60,000
 * training images, as in the lottery-ticket paper). The two parts are disjoint and together cover
 * the set; each keeps the original order. Deterministic for a seed, different across seeds.
 *
 * @example
 * ```ts
 * import { loadFashionMnist, splitValidation } from '@sparse/datasets';
 *
 * const { train } = await loadFashionMnist();
 * const { train: fit, validation } = splitValidation(train, { validationSize: 500, seed: 0 });
 * console.log(fit.count, validation.count); // 5500 500 with the bundled subset
 * ```
 */
export function splitValidation<Pixels extends Float32Array | Uint8Array>(
  dataset: ImageSet<Pixels>,
  options: SplitValidationOptions,
): ValidationSplit<Pixels> {
  assertImageSet(dataset);
  const { validationSize, seed } = options;
  if (!Number.isInteger(validationSize) || validationSize < 0 || validationSize > dataset.count) {
    throw new SparseError(
      'E_ARGUMENT',
      `validationSize must be an integer in [0, ${dataset.count}] (the size of the set), got ${String(validationSize)}.`,
      { field: 'validationSize', received: validationSize, allowed: `[0, ${dataset.count}]` },
    );
  }
  assertSeed(seed);
  const random = (options.random ?? seededRandom)(seed, 'split', 'validation');
  const order = randomPermutation(dataset.count, random);
  const validationIndices = order.slice(0, validationSize).sort();
  const trainIndices = order.slice(validationSize).sort();
  return {
    train: selectExamples(dataset, trainIndices),
    validation: selectExamples(dataset, validationIndices),
    trainIndices,
    validationIndices,
  };
}
