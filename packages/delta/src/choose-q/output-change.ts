import { SparseError } from '@sparse/core';

/**
 * The mean absolute difference of two equally long arrays, `mean |a − b|`: DAREx's output change
 * between the last hidden layer of the fine-tuned model and of a pruned one (spec D.3.2).
 *
 * @example
 * ```ts
 * import { meanAbsoluteChange } from '@sparse/delta';
 *
 * console.log(meanAbsoluteChange(new Float32Array([1, 2]), new Float32Array([1.5, 1]))); // 0.75
 * ```
 */
export function meanAbsoluteChange(reference: ArrayLike<number>, pruned: ArrayLike<number>): number {
  if (reference.length !== pruned.length || reference.length === 0) {
    throw new SparseError('E_ARGUMENT', `meanAbsoluteChange needs two non-empty arrays of the same length; got ${reference.length} and ${pruned.length}.`, {
      field: 'pruned',
      received: pruned.length,
    });
  }
  let sum = 0;
  for (let i = 0; i < reference.length; i++) sum += Math.abs((reference[i] as number) - (pruned[i] as number));
  return sum / reference.length;
}

/**
 * The mean of `values` after removing the one farthest from their mean, when there are at least
 * three (DAREx `remove_one_outlier`, used to average the output change over drop seeds).
 *
 * @example
 * ```ts
 * import { meanWithoutOutlier } from '@sparse/delta';
 *
 * console.log(meanWithoutOutlier([1, 1.2, 0.9, 5])); // (1 + 1.2 + 0.9) / 3
 * ```
 */
export function meanWithoutOutlier(values: readonly number[]): number {
  if (values.length === 0) throw new SparseError('E_ARGUMENT', 'meanWithoutOutlier needs at least one value.', { field: 'values' });
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  if (values.length < 3) return mean;
  let outlier = 0;
  for (let i = 1; i < values.length; i++) {
    if (Math.abs((values[i] as number) - mean) > Math.abs((values[outlier] as number) - mean)) outlier = i;
  }
  const kept = values.filter((_, i) => i !== outlier);
  return kept.reduce((sum, value) => sum + value, 0) / kept.length;
}

/**
 * Builds the label-free objective of spec D.3.2 for {@link searchQ}: for a candidate, prune with
 * each drop seed, measure the output change (e.g. {@link meanAbsoluteChange} of the last hidden
 * layer on a batch of unlabeled inputs), average over seeds without the largest outlier
 * ({@link meanWithoutOutlier}) and return minus that (so higher is better).
 *
 * @param outputChange - the output change of the model pruned with `candidate` and `seed`.
 * @param seeds - the drop seeds; default `[0, 1, 2, 3]` as in DAREx.
 *
 * @example
 * ```ts
 * import { outputChangeObjective, searchQ } from '@sparse/delta';
 *
 * declare function changeWith(q: number, seed: number): Promise<number>;
 * const { best } = await searchQ({ lower: 0.05, upper: 0.5, step: 0.05, objective: outputChangeObjective(changeWith) });
 * ```
 */
export function outputChangeObjective(
  outputChange: (candidate: number, seed: number) => number | Promise<number>,
  seeds: readonly number[] = [0, 1, 2, 3],
): (candidate: number) => Promise<number> {
  if (seeds.length === 0) throw new SparseError('E_CONFIG', 'outputChangeObjective needs at least one seed.', { field: 'seeds' });
  return async (candidate) => {
    const changes: number[] = [];
    for (const seed of seeds) changes.push(await outputChange(candidate, seed));
    return -meanWithoutOutlier(changes);
  };
}
