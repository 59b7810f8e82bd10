/**
 * How a target sparsity is shared among tensors.
 *
 * - `layerwise`: every tensor loses the same fraction of its weights.
 * - `global`: one ranking over all tensors, so tensors end at different sparsities.
 *
 * @example
 * ```ts
 * import type { SparsityScope } from '@sparse/core';
 *
 * const scope: SparsityScope = 'global';
 * ```
 */
export type SparsityScope = 'layerwise' | 'global';

/**
 * The sparsity a pruning step should reach: the fraction of prunable weights that are zero
 * afterwards, how it is shared among tensors, and per-tensor overrides.
 *
 * @example
 * ```ts
 * import type { SparsityTarget } from '@sparse/core';
 *
 * const target: SparsityTarget = {
 *   sparsity: 0.9,
 *   scope: 'layerwise',
 *   perParameter: { 'dense_3/kernel': 0.45 },
 * };
 * ```
 */
export interface SparsityTarget {
  /** Fraction of prunable weights to be zero, in `[0, 1]`. */
  readonly sparsity: number;
  /** How the sparsity is shared among tensors. */
  readonly scope: SparsityScope;
  /** Per-tensor sparsities that override `sparsity` for the tensors they name. */
  readonly perParameter?: Readonly<Record<string, number>>;
}
