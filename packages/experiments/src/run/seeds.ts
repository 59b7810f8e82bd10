import { createHash } from 'node:crypto';
import { SparseError } from '@sparse/core';

/**
 * Derives the seed of one random draw from the run seed, what the draw is for (`'init'`,
 * `'random-mask'`, `'shuffle'`, `'dare'`…) and which tensor or item it concerns. The runner calls
 * it for every `ctx.seed(purpose, name)`; pass `@sparse/core`'s `deriveSeed` to keep one
 * derivation across the project.
 *
 * @example
 * ```ts
 * import type { SeedDeriver } from '@sparse/experiments';
 *
 * const derive: SeedDeriver = (runSeed, purpose, name = '') => (runSeed * 31 + purpose.length + name.length) >>> 0;
 * ```
 */
export type SeedDeriver = (runSeed: number, purpose: string, name?: string) => number;

/**
 * The default {@link SeedDeriver}: the first 32 bits (big-endian, unsigned) of
 * SHA-256(`sparse-seed/v1`, run seed, purpose, name), each part length-prefixed so that
 * `('a', 'bc')` and `('ab', 'c')` differ. The run seed must be a safe integer. Stable across
 * platforms, processes and threads.
 *
 * @example
 * ```ts
 * import { deriveSeedSha256 } from '@sparse/experiments';
 *
 * const seed = deriveSeedSha256(42, 'init', 'dense_1/kernel'); // the same number on every machine
 * ```
 */
export const deriveSeedSha256: SeedDeriver = (runSeed, purpose, name = '') => {
  if (!Number.isSafeInteger(runSeed)) {
    throw new SparseError('E_ARGUMENT', `The run seed must be a safe integer, received ${String(runSeed)}.`, { field: 'runSeed', received: runSeed, allowed: `integers in [${Number.MIN_SAFE_INTEGER}, ${Number.MAX_SAFE_INTEGER}]` });
  }
  const parts = ['sparse-seed/v1', String(runSeed), purpose, name];
  const hash = createHash('sha256');
  for (const part of parts) {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  }
  return hash.digest().readUInt32BE(0);
};
