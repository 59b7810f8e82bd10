import type { SparsityScope } from '@sparse/core';
import type { ContractFixture } from '../shared/contract-fixture.js';

/**
 * Options of {@link checkPrunerContract} and {@link describePrunerContract}.
 *
 * @example
 * ```ts
 * import type { PrunerContractOptions } from '@sparse/testing';
 *
 * const layerwiseOnly: PrunerContractOptions = { scopes: ['layerwise'], bases: ['total'] };
 * ```
 */
export interface PrunerContractOptions {
  /** Seed of the fixture, the scores and the existing masks. Defaults to 7. */
  readonly seed?: number;
  /** The scopes the pruner supports; scenarios of other scopes are not run. Defaults to all four. */
  readonly scopes?: readonly SparsityScope[];
  /** The bases (`target.basis`) the pruner supports. Defaults to both, `total` and `remaining`. */
  readonly bases?: readonly ('total' | 'remaining')[];
  /**
   * Whether to check exact counts (default true). Set it to false for a structured pattern (N:M,
   * blocks, groups) that cannot reach every count; the other checks still run.
   */
  readonly exactCount?: boolean;
  /** Builds the model whose kernels are pruned; defaults to {@link createContractFixture}. */
  readonly fixture?: (seed: number) => ContractFixture;
}
