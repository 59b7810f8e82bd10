import { SparseError } from '@sparse/core';
import type { UniformRandom } from './uniform-random.js';

/**
 * Shuffles an array or typed array in place with the Fisher–Yates algorithm: for i from n − 1 down
 * to 1, swap element i with a uniformly drawn j ∈ [0, i]. Exactly n − 1 draws, so a seeded
 * `random` gives a reproducible order. Returns the same array.
 *
 * @param random - uniform numbers in [0, 1); a value outside that range throws `E_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { seededRandom, shuffleInPlace } from '@sparse/datasets';
 *
 * const order = shuffleInPlace([0, 1, 2, 3, 4], seededRandom(1, 'example', 'docs'));
 * console.log([...order].sort()); // [0, 1, 2, 3, 4]: a permutation
 * ```
 */
export function shuffleInPlace<A extends { length: number; [index: number]: unknown }>(array: A, random: UniformRandom): A {
  for (let i = array.length - 1; i > 0; i -= 1) {
    const u = random();
    if (!(u >= 0 && u < 1)) {
      throw new SparseError('E_ARGUMENT', `The random generator must return numbers in [0, 1), got ${u}.`, {
        field: 'random',
        received: u,
        allowed: '[0, 1)',
      });
    }
    const j = Math.floor(u * (i + 1));
    const held = array[i];
    array[i] = array[j];
    array[j] = held;
  }
  return array;
}

/**
 * A uniformly random permutation of 0 … n − 1 (Fisher–Yates over the identity), as an `Int32Array`
 * ready for `tf.tensor1d(…, 'int32')`.
 *
 * @example
 * ```ts
 * import { randomPermutation, seededRandom } from '@sparse/datasets';
 *
 * const order = randomPermutation(10, seededRandom(3, 'example', 'docs'));
 * console.log(order.length); // 10, each of 0..9 once
 * ```
 */
export function randomPermutation(n: number, random: UniformRandom): Int32Array {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
    throw new SparseError('E_ARGUMENT', `A permutation needs a length that is an integer in [0, 2^31), got ${n}.`, {
      field: 'n',
      received: n,
      allowed: '[0, 2^31)',
    });
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i += 1) order[i] = i;
  return shuffleInPlace(order, random);
}
