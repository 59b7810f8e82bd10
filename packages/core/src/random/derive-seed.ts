import { SparseError } from '../errors.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TWO_32 = 4294967296;
const encoder = new TextEncoder();

/**
 * MurmurHash3's 32-bit finaliser (`fmix32`): a bijection on uint32 that spreads every input bit
 * over every output bit. Used to finish {@link deriveSeed} and to expand seeds in {@link Random}.
 *
 * @param value - any number; only its low 32 bits are used.
 * @returns an unsigned 32-bit integer.
 *
 * @example
 * ```ts
 * import { mix32 } from '@sparse/core';
 *
 * console.log(mix32(0)); // 0
 * console.log(mix32(1)); // 1364076727
 * ```
 */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function feedByte(h: number, byte: number): number {
  return Math.imul(h ^ byte, FNV_PRIME);
}

function feedUint32(h: number, value: number): number {
  let out = h;
  for (let shift = 0; shift < 32; shift += 8) out = feedByte(out, (value >>> shift) & 0xff);
  return out;
}

function feedString(h: number, text: string): number {
  const bytes = encoder.encode(text);
  let out = feedUint32(h, bytes.length);
  for (const byte of bytes) out = feedByte(out, byte);
  return out;
}

/**
 * Checks that `seed` is a seed every `@sparse` generator accepts: a safe integer `>= 0`.
 *
 * @param seed - the value to check.
 * @param field - the option or argument name used in the error message.
 * @throws SparseError `E_ARGUMENT` when it is not.
 *
 * @example
 * ```ts
 * import { assertSeed } from '@sparse/core';
 *
 * assertSeed(42, 'seed'); // fine
 * assertSeed(-1, 'seed'); // throws SparseError E_ARGUMENT
 * ```
 */
export function assertSeed(seed: unknown, field = 'seed'): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new SparseError(
      'E_ARGUMENT',
      `${field} must be an integer in [0, 2^53), got ${typeof seed === 'number' ? String(seed) : typeof seed}.`,
      { field, received: seed, allowed: '[0, 2^53) integers' },
    );
  }
}

/**
 * Derives the seed of one random stream from the run's seed, what the numbers are for, and the
 * tensor they belong to, so that every random draw of a run is reproducible and independent of
 * the order in which tensors or purposes are visited.
 *
 * Algorithm (stable across versions; reproducible in any language):
 *
 * 1. `h = 0x811c9dc5` (FNV-1a 32-bit offset basis).
 * 2. Feed, byte by byte with FNV-1a (`h = (h ^ byte) * 0x01000193 mod 2^32`):
 *    the low 32 bits of `runSeed` as 4 little-endian bytes, then the high bits
 *    (`floor(runSeed / 2^32)`) as 4 little-endian bytes, then for `purpose` and then `tensorName`:
 *    its UTF-8 byte length as 4 little-endian bytes followed by its UTF-8 bytes.
 * 3. Return MurmurHash3's `fmix32(h)` ({@link mix32}) as an unsigned 32-bit integer.
 *
 * `packages/core/src/random/reference.py` implements the same in Python.
 *
 * @param runSeed - the run's seed, an integer in `[0, 2^53)`.
 * @param purpose - what the numbers are for, e.g. `random-scores`, `dare-drop`, `reinit`, `shuffle`.
 * @param tensorName - the parameter (or dataset split, …) they belong to; empty when none.
 * @returns a uint32 seed for {@link Random}.
 * @throws SparseError `E_ARGUMENT` when `runSeed` is not an integer in `[0, 2^53)`.
 *
 * @example
 * ```ts
 * import { deriveSeed, Random } from '@sparse/core';
 *
 * const seed = deriveSeed(42, 'random-scores', 'dense_1/kernel');
 * const scores = new Random(seed).fillUniform(new Float32Array(784 * 300));
 * ```
 */
export function deriveSeed(runSeed: number, purpose: string, tensorName = ''): number {
  assertSeed(runSeed, 'runSeed');
  let h = FNV_OFFSET;
  h = feedUint32(h, runSeed % TWO_32);
  h = feedUint32(h, Math.floor(runSeed / TWO_32));
  h = feedString(h, purpose);
  h = feedString(h, tensorName);
  return mix32(h);
}
