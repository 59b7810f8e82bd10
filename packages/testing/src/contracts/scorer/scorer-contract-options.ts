import type { ContractFixture } from '../shared/contract-fixture.js';

/**
 * Options of {@link checkScorerContract} and {@link describeScorerContract}.
 *
 * @example
 * ```ts
 * import type { ScorerContractOptions } from '@sparse/testing';
 *
 * const options: ScorerContractOptions = { seed: 3 };
 * ```
 */
export interface ScorerContractOptions {
  /** Seed of the fixture and of `ScoringInput.seed`. Defaults to 7. */
  readonly seed?: number;
  /** Builds the model to score; defaults to {@link createContractFixture}. */
  readonly fixture?: (seed: number) => ContractFixture;
}
