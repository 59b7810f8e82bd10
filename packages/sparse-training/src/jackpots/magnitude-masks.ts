import { SparseError, floorCount, pruneLowest, pruneLowestAcross } from '@sparse/core';

/**
 * How a target sparsity is spread over the prunable kernels: `layerwise` prunes the same fraction
 * of every kernel; `global` ranks every prunable weight together (one magnitude threshold, as the
 * Lottery Jackpots code's default `layerwise: l1`, and as "global magnitude" in Jaiswal et al.).
 *
 * @example
 * ```ts
 * import type { MagnitudeAllocation } from '@sparse/sparse-training';
 *
 * const allocation: MagnitudeAllocation = 'global';
 * ```
 */
export type MagnitudeAllocation = 'layerwise' | 'global';

/**
 * Binary magnitude masks of `names` at `sparsity`, by exact count (spec §0): `layerwise` prunes
 * `floorCount(sparsity · n_l)` weights of each kernel, `global` prunes `floorCount(sparsity · N)`
 * of all of them together; the pruned weights are those of lowest `(|w|, kernel order, flat index)`.
 * Masks of one set of weights at growing sparsities are nested (the ranking is fixed). `1` is kept.
 *
 * @param weights - the weights by parameter name (other entries are ignored).
 * @param names - the kernels to prune, in order.
 * @throws SparseError `E_ARGUMENT` for a sparsity outside `[0, 1]` or a missing kernel.
 *
 * @example
 * ```ts
 * import { magnitudeMasks } from '@sparse/sparse-training';
 *
 * const weights = new Map([['a', Float32Array.of(0.1, -2, 0.3, 0.05)], ['b', Float32Array.of(1, -0.2)]]);
 * const global = magnitudeMasks(weights, ['a', 'b'], 0.5, 'global');
 * console.log([...global.get('a')!], [...global.get('b')!]); // [0, 1, 1, 0] [1, 0]
 * ```
 */
export function magnitudeMasks(weights: ReadonlyMap<string, Float32Array>, names: readonly string[], sparsity: number, allocation: MagnitudeAllocation): Map<string, Uint8Array> {
  if (!(sparsity >= 0 && sparsity <= 1)) {
    throw new SparseError('E_ARGUMENT', `magnitudeMasks: sparsity must be in [0, 1], got ${String(sparsity)}.`, { field: 'sparsity', received: sparsity, allowed: '[0, 1]' });
  }
  const segments = names.map((name) => {
    const values = weights.get(name);
    if (values === undefined) throw new SparseError('E_ARGUMENT', `magnitudeMasks: no weights named '${name}'.`, { field: 'names', received: name, allowed: [...weights.keys()] });
    return { scores: values.map(Math.abs), alive: new Uint8Array(values.length).fill(1) };
  });
  if (allocation === 'layerwise') {
    return new Map(names.map((name, i) => {
      const segment = segments[i] as (typeof segments)[number];
      return [name, pruneLowest(segment.scores, segment.alive, floorCount(sparsity * segment.scores.length))] as const;
    }));
  }
  const total = segments.reduce((sum, segment) => sum + segment.scores.length, 0);
  const kept = pruneLowestAcross(segments, floorCount(sparsity * total));
  return new Map(names.map((name, i) => [name, kept[i] as Uint8Array] as const));
}

/**
 * Pruned entries (zeros) of each mask: the exact per-layer counts a search must keep.
 *
 * @example
 * ```ts
 * import { prunedCounts } from '@sparse/sparse-training';
 *
 * console.log(prunedCounts(new Map([['a', Uint8Array.of(1, 0, 0)]]))); // Map { 'a' => 2 }
 * ```
 */
export function prunedCounts(masks: ReadonlyMap<string, Uint8Array>): Map<string, number> {
  return new Map([...masks].map(([name, mask]) => {
    let zeros = 0;
    for (let i = 0; i < mask.length; i += 1) if (mask[i] === 0) zeros += 1;
    return [name, zeros] as const;
  }));
}
