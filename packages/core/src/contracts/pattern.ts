import type { ParameterRole } from './parameter.js';

/**
 * One tensor as a pattern sees it: element scores and alive flags on the CPU, with its layout.
 *
 * @example
 * ```ts
 * import type { PatternTensor } from '@sparse/core';
 *
 * const tensor: PatternTensor = {
 *   name: 'dense_1/kernel',
 *   role: 'dense-kernel',
 *   shape: [4, 1],
 *   scores: Float32Array.of(0.4, 0.1, 0.3, 0.2),
 *   alive: Uint8Array.of(1, 1, 1, 1),
 * };
 * ```
 */
export interface PatternTensor {
  /** The parameter name. */
  readonly name: string;
  /** The parameter role. */
  readonly role: ParameterRole;
  /** The parameter shape (TensorFlow layouts: dense `[in, out]`, conv `[kh, kw, cin, cout]`). */
  readonly shape: readonly number[];
  /** One score per element, row-major; higher is kept. */
  readonly scores: Float32Array;
  /** `1` where the element is alive. */
  readonly alive: Uint8Array;
}

/**
 * A tensor split into the units a pattern prunes together (single weights, blocks, neurons…).
 *
 * @example
 * ```ts
 * import type { PatternUnits } from '@sparse/core';
 *
 * // Two units of two weights each, over a tensor of four.
 * const units: PatternUnits = {
 *   scores: Float32Array.of(0.5, 0.2),
 *   alive: Uint8Array.of(1, 1),
 *   unitWeights: 2,
 *   expand: (keepUnits, alive) => alive.map((a, i) => a & keepUnits[i >> 1]!),
 * };
 * ```
 */
export interface PatternUnits {
  /** One pooled score per unit. */
  readonly scores: Float32Array;
  /** `1` where the unit holds at least one alive weight. */
  readonly alive: Uint8Array;
  /** Alive weights per unit; a number when every alive unit holds that many. */
  readonly unitWeights: number | Int32Array;
  /** The new element flags: `alive` with every weight of a unit not in `keepUnits` cleared. */
  expand(keepUnits: Uint8Array, alive: Uint8Array): Uint8Array;
}

/**
 * A pattern whose units the pruner counts and selects (unstructured, block, groups).
 *
 * @example
 * ```ts
 * import type { UnitPattern } from '@sparse/core';
 *
 * const elementwise: UnitPattern = {
 *   kind: 'units',
 *   name: 'my-unstructured',
 *   units: ({ scores, alive }) => ({ scores, alive, unitWeights: 1, expand: (keep) => keep.slice() }),
 * };
 * ```
 */
export interface UnitPattern {
  /** Discriminates {@link PruningPattern}. */
  readonly kind: 'units';
  /** A display name, e.g. `block:4x4`. */
  readonly name: string;
  /**
   * Splits a tensor into units.
   *
   * @throws SparseError `E_ARGUMENT` when the pattern does not apply to the tensor's shape.
   */
  units(tensor: PatternTensor): PatternUnits;
}

/**
 * A pattern that decides the mask by itself, whatever the target (N:M).
 *
 * @example
 * ```ts
 * import type { FixedPattern } from '@sparse/core';
 *
 * const keepAll: FixedPattern = { kind: 'fixed', name: 'dense', sparsity: 0, select: ({ alive }) => alive.slice() };
 * ```
 */
export interface FixedPattern {
  /** Discriminates {@link PruningPattern}. */
  readonly kind: 'fixed';
  /** A display name, e.g. `2:4`. */
  readonly name: string;
  /** The sparsity it yields on a dense tensor whose size fits the pattern. */
  readonly sparsity: number;
  /**
   * The new element flags; never keeps an element that is not alive.
   *
   * @throws SparseError `E_ARGUMENT` when the pattern does not apply to the tensor's shape.
   */
  select(tensor: PatternTensor): Uint8Array;
}

/**
 * Which weights are pruned together: see {@link UnitPattern} and {@link FixedPattern}.
 *
 * @example
 * ```ts
 * import { nmPattern, type PruningPattern } from '@sparse/core';
 *
 * const pattern: PruningPattern = nmPattern({ n: 2, m: 4 });
 * ```
 */
export type PruningPattern = UnitPattern | FixedPattern;
