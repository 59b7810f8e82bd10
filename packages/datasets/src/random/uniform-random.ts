import { SparseError } from '@sparse/core';

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

/** Throws E_ARGUMENT unless `seed` is an integer in [0, 2^53), the seeds `@sparse/core` accepts. */
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
const encoder = new TextEncoder();

/** MurmurHash3's fmix32. */
function mix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function feedUint32(h: number, value: number): number {
  let out = h;
  for (let shift = 0; shift < 32; shift += 8) out = Math.imul(out ^ ((value >>> shift) & 0xff), 0x01000193);
  return out;
}

function feedString(h: number, text: string): number {
  const bytes = encoder.encode(text);
  let out = feedUint32(h, bytes.length);
  for (const byte of bytes) out = Math.imul(out ^ byte, 0x01000193);
  return out;
}

/**
 * The stream seed of (seed, purpose, name), by the algorithm `@sparse/core` documents for
 * `deriveSeed`: FNV-1a over the seed's low and high 32 bits (little-endian bytes), then the
 * length-prefixed UTF-8 of `purpose` and of `name`, finished with fmix32.
 */
export function deriveStreamSeed(seed: number, purpose: string, name: string): number {
  assertSeed(seed);
  let h = 0x811c9dc5;
  h = feedUint32(h, seed % TWO_32);
  h = feedUint32(h, Math.floor(seed / TWO_32));
  h = feedString(h, purpose);
  h = feedString(h, name);
  return mix32(h);
}

/**
 * This package's seeded generator: xoshiro128** seeded by SplitMix32 from
 * `deriveSeed(seed, purpose, name)`, each number `nextUint32() / 2^32` (32 random bits) in [0, 1).
 * It reproduces, bit for bit, `Random.derived(seed, purpose, name).nextUint32() / 2^32` of
 * `@sparse/core`, whose stream it implements until that is exported; pass your own
 * {@link RandomFactory} to the functions that take `random` to use another generator.
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
  let x = deriveStreamSeed(seed, purpose, name) | 0;
  const fill = (): number => {
    x = (x + 0x9e3779b9) | 0;
    return mix32(x) | 0;
  };
  let s0 = fill();
  let s1 = fill();
  let s2 = fill();
  let s3 = fill();
  return () => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result / TWO_32;
  };
};

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
