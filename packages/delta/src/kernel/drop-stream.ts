import { Random, deriveSeed } from '@sparse/core';

/**
 * The `purpose` DARE drops are derived with: tensor `name` of a run seeded `seed` draws its drops
 * from `Random(deriveSeed(seed, DARE_SEED_PURPOSE, name))`.
 *
 * @example
 * ```ts
 * import { deriveSeed } from '@sparse/core';
 * import { DARE_SEED_PURPOSE } from '@sparse/delta';
 *
 * const seed = deriveSeed(0, DARE_SEED_PURPOSE, 'fc1/kernel');
 * ```
 */
export const DARE_SEED_PURPOSE = 'dare';

const TWO_24 = 16777216;

/**
 * The drops of one tensor, in flat (row-major) order: entry `i` is dropped exactly when the
 * `i`-th `nextFloat()` of `Random(deriveSeed(seed, 'dare', name))` is `< p` (so the realized
 * probability is `⌈p·2^24⌉ / 2^24`, within `6e-8` of `p`; `p = 0` never drops, `p = 1` always does).
 * The stream can be consumed in chunks of any size with the same result, and replayed in Python
 * with `packages/core/src/random/reference.py`.
 *
 * @example
 * ```ts
 * import { BernoulliDrops } from '@sparse/delta';
 *
 * const drops = new BernoulliDrops(0, 'fc1/kernel', 0.9);
 * const flags = new Uint8Array(1000);
 * const dropped = drops.fill(flags, flags.length); // about 900 ones
 * ```
 */
export class BernoulliDrops {
  private readonly rng: Random;
  private readonly threshold: number;

  /**
   * @param seed - the run's seed.
   * @param name - the tensor's name.
   * @param rate - the drop probability `p` in `[0, 1]`.
   */
  constructor(seed: number, name: string, rate: number) {
    this.rng = new Random(deriveSeed(seed, DARE_SEED_PURPOSE, name));
    this.threshold = rate >= 1 ? TWO_24 : Math.ceil(rate * TWO_24);
  }

  /** Writes the next `n` drop flags (1 = dropped) into `flags[0..n)` and returns how many are 1. */
  fill(flags: Uint8Array, n: number): number {
    const rng = this.rng;
    const threshold = this.threshold;
    let dropped = 0;
    for (let i = 0; i < n; i++) {
      const drop = rng.nextUint32() >>> 8 < threshold ? 1 : 0;
      flags[i] = drop;
      dropped += drop;
    }
    return dropped;
  }
}
