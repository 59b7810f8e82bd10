import { Random, SparseError, deriveSeed } from '@sparse/core';

/**
 * A source of uniform random numbers in [0, 1), like `Math.random` but seeded. Everything in this
 * package that shuffles takes one, so any seeded generator (for example the one `@sparse/core`
 * derives from a run seed) can be plugged in.
 *
 * @example
 * ```ts
 * import { seededRandom, type UniformRandom } from '@sparse/datasets';
 *
 * const random: UniformRandom = seededRandom(42, 'example', 'docs');
 * console.log(random() < 1); // true
 * ```
 */
export type UniformRandom = () => number;

/**
 * Makes an independent {@link UniformRandom} for a (seed, purpose, name) triple, the same triple
 * `deriveSeed(runSeed, purpose, name)` takes in the architecture (§7): equal triples give equal
 * streams, different triples give unrelated streams.
 *
 * @example
 * ```ts
 * import type { RandomFactory } from '@sparse/datasets';
 *
 * // Plug in another generator, e.g. one built on @sparse/core's deriveSeed.
 * const factory: RandomFactory = (seed, purpose, name) => {
 *   let state = seed + purpose.length + name.length;
 *   return () => ((state = (state * 16807) % 2147483647) - 1) / 2147483646;
 * };
 * ```
 */
export type RandomFactory = (seed: number, purpose: string, name: string) => UniformRandom;

/**
 * Throws E_ARGUMENT unless `seed` is an integer in [0, 2^53), the seeds `@sparse/core` accepts.
 *
 * @example
 * ```ts
 * import { assertSeed } from '@sparse/datasets';
 *
 * assertSeed(42); // fine
 * ```
 */
export function assertSeed(seed: unknown, field = 'seed'): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new SparseError('E_ARGUMENT', `${field} must be an integer in [0, 2^53), got ${String(seed)}.`, {
      field,
      received: seed,
      allowed: '[0, 2^53) integers',
    });
  }
}

const TWO_32 = 4294967296;

/**
 * The stream seed of (seed, purpose, name): `deriveSeed` of `@sparse/core`, after checking the seed.
 *
 * @example
 * ```ts
 * import { deriveStreamSeed } from '@sparse/datasets';
 *
 * console.log(deriveStreamSeed(42, 'batches', 'epoch 3'));
 * ```
 */
export function deriveStreamSeed(seed: number, purpose: string, name: string): number {
  assertSeed(seed);
  return deriveSeed(seed, purpose, name);
}

/**
 * This package's seeded generator: `Random.derived(seed, purpose, name)` of `@sparse/core`
 * (xoshiro128** seeded by SplitMix32 from `deriveSeed`), each number `nextUint32() / 2^32`, so 32
 * random bits in [0, 1) (core's `nextFloat` has 24, which would bias shuffles of 60,000 items).
 * Pass your own {@link RandomFactory} to the functions that take `random` to use another generator.
 *
 * @example
 * ```ts
 * import { seededRandom } from '@sparse/datasets';
 *
 * const a = seededRandom(7, 'shuffle', 'train');
 * const b = seededRandom(7, 'shuffle', 'train');
 * console.log(a() === b()); // true: same triple, same stream
 * ```
 */
export const seededRandom: RandomFactory = (seed, purpose, name) => {
  assertSeed(seed);
  const random = Random.derived(seed, purpose, name);
  return () => random.nextUint32() / TWO_32;
};
