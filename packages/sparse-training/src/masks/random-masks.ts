import { Random, SparseError, deriveSeed } from '@sparse/core';
import type { LayerBudget } from './layer-budgets.js';

/**
 * A random `0`/`1` mask of `size` entries with exactly `kept` ones: RigL's
 * `get_mask_random_numpy` (ones, the first `size − kept` set to 0, then shuffled), with the shuffle
 * drawn from core's {@link Random} (Fisher–Yates) seeded by `seed`, so every mask of a given
 * count is equally likely and the same seed gives the same mask.
 *
 * @param size - entries of the tensor.
 * @param kept - ones, an integer in `[0, size]`.
 * @param seed - the mask's seed (e.g. `deriveSeed(runSeed, 'random-mask', name)`).
 * @throws SparseError `E_ARGUMENT` when `kept` is not an integer in `[0, size]`.
 *
 * @example
 * ```ts
 * import { randomMask } from '@sparse/sparse-training';
 *
 * const mask = randomMask(10, 3, 7);
 * console.log(mask.reduce((a, b) => a + b, 0)); // 3
 * ```
 */
export function randomMask(size: number, kept: number, seed: number): Float32Array {
  if (!Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(kept) || kept < 0 || kept > size) {
    throw new SparseError('E_ARGUMENT', `randomMask: kept must be an integer in [0, ${size}], got ${String(kept)}.`, { field: 'kept', received: kept, allowed: `[0, ${size}]` });
  }
  const mask = new Float32Array(size).fill(1);
  mask.fill(0, 0, size - kept);
  return new Random(seed).shuffle(mask);
}

/**
 * Random masks at exact per-tensor counts (from {@link layerBudgets}), each from its own stream
 * `deriveSeed(seed, purpose, name)`, so a tensor's mask does not depend on the others.
 *
 * @param budgets - each tensor's name, size and kept count.
 * @param seed - the run's seed.
 * @param purpose - the stream's purpose (default `random-mask`; random search uses one per candidate).
 *
 * @example
 * ```ts
 * import { layerBudgets, randomMasks } from '@sparse/sparse-training';
 *
 * const budgets = layerBudgets([{ name: 'fc1/kernel', shape: [784, 300] }, { name: 'fc2/kernel', shape: [300, 10] }], 0.9);
 * const masks = randomMasks(budgets, 1);
 * console.log(masks.get('fc1/kernel')?.length); // 235200
 * ```
 */
export function randomMasks(budgets: readonly LayerBudget[], seed: number, purpose = 'random-mask'): Map<string, Float32Array> {
  return new Map(budgets.map((budget) => [budget.name, randomMask(budget.size, budget.kept, deriveSeed(seed, purpose, budget.name))]));
}
