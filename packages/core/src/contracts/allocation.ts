import type { ParameterRole } from './parameter.js';
import type { SelectionMode } from './selection-mode.js';
import type { SparsityTarget } from './sparsity-target.js';

/**
 * The layer-collapse guard: what a pruner may do to a tensor that is about to lose every weight.
 *
 * @example
 * ```ts
 * import type { CollapseGuard } from '@sparse/core';
 *
 * const guard: CollapseGuard = { allowLayerCollapse: false, minDensity: 0.01, warnAbove: 0.99 };
 * ```
 */
export interface CollapseGuard {
  /** Allow pruning every weight of a tensor. Default `false`: at least one unit stays alive. */
  readonly allowLayerCollapse?: boolean;
  /**
   * The smallest fraction of a tensor's units kept when collapse is not allowed (default 0, so
   * the floor is one unit). A tensor already below it is not pruned further.
   */
  readonly minDensity?: number;
  /** Warn when a tensor ends above this sparsity (default 0.99). */
  readonly warnAbove?: number;
}

/**
 * One tensor as an allocator sees it: its units (single weights, or the blocks and groups of a
 * pattern), their scores, which are alive, and how many weights each holds.
 *
 * @example
 * ```ts
 * import type { AllocationTensor } from '@sparse/core';
 *
 * const tensor: AllocationTensor = {
 *   name: 'dense_1/kernel',
 *   role: 'dense-kernel',
 *   shape: [2, 2],
 *   scores: Float32Array.of(0.1, 0.4, 0.3, 0.2),
 *   alive: Uint8Array.of(1, 1, 1, 0),
 *   weights: 4,
 *   aliveWeights: 3,
 *   unitWeights: 1,
 * };
 * ```
 */
export interface AllocationTensor {
  /** The parameter name. */
  readonly name: string;
  /** The parameter role. */
  readonly role: ParameterRole;
  /** The parameter shape (ERK reads it). */
  readonly shape: readonly number[];
  /** One score per unit; higher is kept, NaN counts as `-Infinity`. */
  readonly scores: Float32Array;
  /** `1` where a unit still holds an alive weight. */
  readonly alive: Uint8Array;
  /** Number of weights in the tensor. */
  readonly weights: number;
  /** Number of alive weights in the tensor. */
  readonly aliveWeights: number;
  /** Alive weights per unit (what pruning it removes); a number when every alive unit holds that many. */
  readonly unitWeights: number | Int32Array;
}

/**
 * What an {@link Allocator} is given.
 *
 * @example
 * ```ts
 * import type { AllocationInput, AllocationTensor } from '@sparse/core';
 *
 * declare const tensors: AllocationTensor[];
 * const input: AllocationInput = {
 *   tensors,
 *   target: { sparsity: 0.9, scope: 'global' },
 *   mode: 'exact',
 *   guard: {},
 *   onWarning: console.warn,
 * };
 * ```
 */
export interface AllocationInput {
  /** The tensors, in the stable order ties between tensors follow. */
  readonly tensors: readonly AllocationTensor[];
  /** The target to reach. */
  readonly target: SparsityTarget;
  /** The counting and threshold rule. */
  readonly mode: SelectionMode;
  /** The layer-collapse guard. */
  readonly guard: CollapseGuard;
  /** Receives warnings (guard applied, layers close to collapse, NaN scores). */
  readonly onWarning: (message: string) => void;
}

/**
 * How many units each tensor loses. Selecting the lowest `(score, index)` units of each tensor,
 * that many, yields the allocator's pruning.
 *
 * @example
 * ```ts
 * import type { Allocation } from '@sparse/core';
 *
 * const allocation: Allocation = {
 *   prune: new Map([['dense_1/kernel', 2]]),
 *   targets: new Map([['dense_1/kernel', 0.5]]),
 * };
 * ```
 */
export interface Allocation {
  /** Units to prune in each tensor, by name. */
  readonly prune: ReadonlyMap<string, number>;
  /** The sparsity each tensor was given (its own for layerwise, ERK and custom; the pool's for global). */
  readonly targets: ReadonlyMap<string, number>;
}

/**
 * Shares a target sparsity among tensors: a number of units to prune per tensor.
 *
 * @example
 * ```ts
 * import type { Allocator } from '@sparse/core';
 *
 * // Prunes nothing anywhere.
 * const frozen: Allocator = {
 *   name: 'frozen',
 *   allocate: ({ tensors, target }) => ({
 *     prune: new Map(tensors.map((t) => [t.name, 0])),
 *     targets: new Map(tensors.map((t) => [t.name, target.sparsity])),
 *   }),
 * };
 * ```
 */
export interface Allocator {
  /** The scope it implements, e.g. `erk`. */
  readonly name: string;
  /** Computes the per-tensor counts. */
  allocate(input: AllocationInput): Allocation;
}
