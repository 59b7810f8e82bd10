import type { ContractFixture } from '../shared/contract-fixture.js';

/**
 * Options of {@link checkRegularizerContract} and {@link describeRegularizerContract}.
 *
 * @example
 * ```ts
 * import type { RegularizerContractOptions } from '@sparse/testing';
 *
 * const options: RegularizerContractOptions = { learningRate: 0.05 };
 * ```
 */
export interface RegularizerContractOptions {
  /** Seed of the fixture and of its masks. Defaults to 7. */
  readonly seed?: number;
  /** The learning rate of the proximal steps checked (besides 0 and 1). Defaults to 0.1. */
  readonly learningRate?: number;
  /** Builds the model to regularize; defaults to {@link createContractFixture}. */
  readonly fixture?: (seed: number) => ContractFixture;
}
