import { SparseError } from '../errors.js';
import { assertSeed, deriveSeed } from './derive-seed.js';

const TWO_32 = 4294967296;
const TWO_NEG_24 = 1 / 16777216;
const GOLDEN = 0x9e3779b9;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A small, fast, seeded pseudo-random generator: xoshiro128** (Blackman & Vigna) on 32-bit
 * integers, with a documented stream so other languages can reproduce it bit for bit.
 *
 * Stream definition:
 *
 * - **Seeding**: the seed `s` (an integer in `[0, 2^53)`, usually from {@link deriveSeed}) is
 *   reduced to `x = s mod 2^32`; the four state words are four successive outputs of the
 *   SplitMix32 sequence `x = (x + 0x9e3779b9) mod 2^32; out = fmix32(x)` ({@link mix32}).
 * - **`nextUint32()`**: xoshiro128**: `r = rotl(s1 * 5, 7) * 9`; `t = s1 << 9`; `s2 ^= s0`;
 *   `s3 ^= s1`; `s1 ^= s2`; `s0 ^= s3`; `s2 ^= t`; `s3 = rotl(s3, 11)` (all mod 2^32).
 * - **`nextFloat()`**: `(nextUint32() >>> 8) * 2^-24`, exactly representable in float32, in `[0, 1)`.
 * - **`nextInt(n)`**: rejection sampling, unbiased: draw `r = nextUint32()` until
 *   `r < 2^32 - (2^32 mod n)`, return `r mod n`.
 * - **`nextNormal()`**: Box–Muller in pairs; a pair draws `u1 = ((nextUint32() >>> 8) + 1) * 2^-24`
 *   then `u2 = (nextUint32() >>> 8) * 2^-24`, and yields `sqrt(-2 ln u1) * cos(2π u2)` then
 *   `sqrt(-2 ln u1) * sin(2π u2)` (float64; `fillNormal` rounds to float32, where libm
 *   differences may move the last bit).
 * - **`shuffle(a)`**: Fisher–Yates from the end: for `i = n-1 … 1`, swap `a[i]` with `a[nextInt(i+1)]`.
 *
 * `packages/core/src/random/reference.py` is a Python reimplementation checked against the tests.
 *
 * @example
 * ```ts
 * import { Random, deriveSeed } from '@sparse/core';
 *
 * const rng = new Random(deriveSeed(7, 'dare-drop', 'encoder/dense/kernel'));
 * const keep = rng.nextFloat() >= 0.9;
 * const noise = rng.fillNormal(new Float32Array(10), 0, 1e-5);
 * ```
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  /**
   * @param seed - an integer in `[0, 2^53)`; only `seed mod 2^32` is used.
   * @throws SparseError `E_ARGUMENT` when `seed` is not such an integer.
   */
  constructor(seed: number) {
    assertSeed(seed, 'seed');
    let x = seed % TWO_32 | 0;
    const next = (): number => {
      x = (x + GOLDEN) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return z ^ (z >>> 16);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /**
   * A generator seeded with {@link deriveSeed}`(runSeed, purpose, tensorName)`.
   *
   * @example
   * ```ts
   * import { Random } from '@sparse/core';
   *
   * const rng = Random.derived(42, 'reinit', 'dense_2/kernel');
   * ```
   */
  static derived(runSeed: number, purpose: string, tensorName = ''): Random {
    return new Random(deriveSeed(runSeed, purpose, tensorName));
  }

  /** The next 32 random bits as an unsigned integer in `[0, 2^32)`. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** A uniform float in `[0, 1)` with 24 random bits (exact in float32). */
  nextFloat(): number {
    return (this.nextUint32() >>> 8) * TWO_NEG_24;
  }

  /**
   * A uniform integer in `[0, bound)`, without modulo bias.
   *
   * @throws SparseError `E_ARGUMENT` unless `bound` is an integer in `[1, 2^32]`.
   */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > TWO_32) {
      throw new SparseError('E_ARGUMENT', `bound must be an integer in [1, 2^32], got ${bound}.`, {
        field: 'bound',
        received: bound,
        allowed: '[1, 2^32]',
      });
    }
    const limit = TWO_32 - (TWO_32 % bound);
    for (;;) {
      const r = this.nextUint32();
      if (r < limit) return r % bound;
    }
  }

  /** A standard normal deviate (Box–Muller, produced in pairs). */
  nextNormal(): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return value;
    }
    const u1 = ((this.nextUint32() >>> 8) + 1) * TWO_NEG_24;
    const u2 = (this.nextUint32() >>> 8) * TWO_NEG_24;
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /**
   * Fills `target` with uniform values in `[low, high)` and returns it.
   *
   * @example
   * ```ts
   * import { Random } from '@sparse/core';
   *
   * const u = new Random(1).fillUniform(new Float32Array(4), -1, 1);
   * ```
   */
  fillUniform<T extends Float32Array | Float64Array>(target: T, low = 0, high = 1): T {
    const span = high - low;
    for (let i = 0; i < target.length; i++) target[i] = low + span * this.nextFloat();
    return target;
  }

  /**
   * Fills `target` with normal values of the given mean and standard deviation and returns it.
   *
   * @example
   * ```ts
   * import { Random } from '@sparse/core';
   *
   * const z = new Random(1).fillNormal(new Float32Array(4));
   * ```
   */
  fillNormal<T extends Float32Array | Float64Array>(target: T, mean = 0, std = 1): T {
    for (let i = 0; i < target.length; i++) target[i] = mean + std * this.nextNormal();
    return target;
  }

  /**
   * Shuffles `target` in place (Fisher–Yates) and returns it.
   *
   * @example
   * ```ts
   * import { Random } from '@sparse/core';
   *
   * const order = new Random(3).shuffle(Int32Array.from({ length: 10 }, (_, i) => i));
   * ```
   */
  shuffle<T extends { length: number; [index: number]: number }>(target: T): T {
    for (let i = target.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = target[i] as number;
      target[i] = target[j] as number;
      target[j] = tmp;
    }
    return target;
  }
}
