import { deriveSeed } from '../random/derive-seed.js';

/**
 * The seed a scorer gets for the prune at `step` of a run seeded with `runSeed`:
 * `deriveSeed(runSeed, 'score', 'step:<step>')`. {@link train} and `@sparse/layers`' pruning
 * callback both use it, so a prune draws the same random scores whichever loop runs it.
 *
 * @throws SparseError `E_ARGUMENT` when `runSeed` is not an integer in `[0, 2^53)`.
 *
 * @example
 * ```ts
 * import { pruneStepSeed } from '@sparse/core';
 *
 * console.log(pruneStepSeed(42, 1000) === pruneStepSeed(42, 1000)); // true
 * console.log(pruneStepSeed(42, 1000) === pruneStepSeed(42, 1100)); // false (almost surely)
 * ```
 */
export function pruneStepSeed(runSeed: number, step: number): number {
  return deriveSeed(runSeed, 'score', `step:${step}`);
}
