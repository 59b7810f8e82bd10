import type { Scorer } from '@sparse/core';
import { runContractChecks } from '../shared/contract-check.js';
import { describeContract } from '../shared/describe-contract.js';
import { validateFactory, validateSeed } from '../shared/validate-options.js';
import type { ContractViolation } from '../shared/contract-violation.js';
import type { ScorerContractOptions } from './scorer-contract-options.js';
import { SCORER_CHECKS } from './scorer-checks.js';

/**
 * Checks what every {@link Scorer} must satisfy, on a small fixture model with half-pruned
 * kernels: one float32 score tensor per parameter with its shape and no NaN, the same scores
 * for the same seed (twice, and from a fresh instance), no leaked tensor and no returned input
 * tensor, and inputs (variables, masks, batch) neither modified nor disposed. A scorer with
 * `requiresData` gets the fixture's batch and loss. Returns the violations, empty when it conforms.
 *
 * @param factory - makes a fresh scorer.
 * @param options - see {@link ScorerContractOptions}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { Scorer } from '@sparse/core';
 * import { checkScorerContract } from '@sparse/testing';
 *
 * const magnitude = (): Scorer => ({
 *   name: 'magnitude',
 *   requiresData: false,
 *   score: ({ parameters }) => new Map(parameters.map((p) => [p.name, tf.abs(p.variable)])),
 * });
 * console.log(await checkScorerContract(magnitude)); // []
 * ```
 */
export async function checkScorerContract(factory: () => Scorer, options: ScorerContractOptions = {}): Promise<ContractViolation[]> {
  validate('checkScorerContract', factory, options);
  return runContractChecks(SCORER_CHECKS, factory, options);
}

/**
 * Declares a vitest suite with one test per check of {@link checkScorerContract}.
 *
 * @param name - the scorer's name, shown in the suite's title.
 * @param factory - makes a fresh scorer.
 * @param options - see {@link ScorerContractOptions}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { describeScorerContract } from '@sparse/testing';
 *
 * describeScorerContract('squared-magnitude', () => ({
 *   name: 'squared-magnitude',
 *   requiresData: false,
 *   score: ({ parameters }) => new Map(parameters.map((p) => [p.name, tf.square(p.variable)])),
 * }));
 * ```
 */
export function describeScorerContract(name: string, factory: () => Scorer, options: ScorerContractOptions = {}): void {
  validate('describeScorerContract', factory, options);
  describeContract(`Scorer contract: ${name}`, SCORER_CHECKS, factory, options);
}

function validate(caller: string, factory: unknown, options: ScorerContractOptions): void {
  validateFactory(caller, factory);
  validateSeed(caller, options.seed);
}
