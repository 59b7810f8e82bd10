/**
 * How a target sparsity is shared among tensors.
 *
 * - `layerwise`: every tensor loses the same fraction of its weights.
 * - `global`: one ranking over all tensors, so tensors end at different sparsities.
 * - `erk`: Erdős–Rényi-Kernel densities (RigL): small tensors stay denser, the total matches
 *   the uniform budget.
 * - `custom`: only the sparsities of `perParameter`; tensors it does not name are not pruned.
 *
 * In every scope, tensors named in `perParameter` get that sparsity and leave the shared budget.
 *
 * @example
 * ```ts
 * import type { SparsityScope } from '@sparse/core';
 *
 * const scope: SparsityScope = 'global';
 * ```
 */
export type SparsityScope = 'layerwise' | 'global' | 'erk' | 'custom';

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
  /**
   * What `sparsity` is a fraction of. `total` (default): all weights of the tensor or pool, so it
   * is the sparsity reached after the step and pruning again at the same target changes nothing.
   * `remaining`: the weights still alive, so one step prunes that fraction of them (PyTorch's
   * `amount`, open_lth's `pruning_fraction`, an IMP round's rate).
   */
  readonly basis?: 'total' | 'remaining';
  /** Exponent applied to the raw ERK densities (`erk` scope only; RigL's `erk_power_scale`, default 1). */
  readonly erkPowerScale?: number;
}
