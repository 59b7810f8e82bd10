import type { Regularizer } from '@sparse/core';
import { runContractChecks, type ContractCheck } from '../shared/contract-check.js';
import type { ContractViolation } from '../shared/contract-violation.js';
import { describeContract } from '../shared/describe-contract.js';
import { validateFactory, validateLearningRate, validateSeed } from '../shared/validate-options.js';
import { penaltyGradientCheck, penaltyValueCheck, shapeCheck } from './penalty-checks.js';
import { maskedZeroCheck, noOpCheck, proximalHygieneCheck } from './proximal-checks.js';
import type { RegularizerContractOptions } from './regularizer-contract-options.js';

const REGULARIZER_CHECKS: readonly ContractCheck<Regularizer, RegularizerContractOptions>[] = [
  shapeCheck,
  penaltyValueCheck,
  penaltyGradientCheck,
  maskedZeroCheck,
  noOpCheck,
  proximalHygieneCheck,
];

/**
 * Checks what every {@link Regularizer} must satisfy on a small fixture model whose kernels are
 * 40% masked: a name and at least one of `penalty` / `proximalStep`; a penalty that is a finite
 * scalar ≥ 0, differentiable through the variables (finite `tf.variableGrads`), leak-free and
 * side-effect-free; a proximal step that keeps masked weights exactly zero (at the given
 * learning rate and at 1), moves nothing at learning rate 0 (relative 1e-6), leaks no tensor,
 * and neither disposes nor reshapes its variables nor touches the masks. Checks of a method the
 * regularizer does not implement are skipped. Returns the violations, empty when it conforms.
 *
 * @param factory - makes a fresh regularizer.
 * @param options - see {@link RegularizerContractOptions}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { Regularizer } from '@sparse/core';
 * import { checkRegularizerContract } from '@sparse/testing';
 *
 * const l2 = (): Regularizer => ({
 *   name: 'l2',
 *   penalty: (parameters) => tf.tidy(() => tf.addN(parameters.map((p) => tf.sum(tf.square(p.variable))))),
 * });
 * console.log(await checkRegularizerContract(l2)); // []
 * ```
 */
export async function checkRegularizerContract(factory: () => Regularizer, options: RegularizerContractOptions = {}): Promise<ContractViolation[]> {
  validate('checkRegularizerContract', factory, options);
  return runContractChecks(REGULARIZER_CHECKS, factory, options);
}

/**
 * Declares a vitest suite with one test per check of {@link checkRegularizerContract}.
 *
 * @param name - the regularizer's name, shown in the suite's title.
 * @param factory - makes a fresh regularizer.
 * @param options - see {@link RegularizerContractOptions}.
 *
 * @example
 * ```ts
 * import { createRuntime, Regularizers } from '@sparse/core';
 * import { describeRegularizerContract } from '@sparse/testing';
 * import { myPlugin } from './my-plugin.js';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [myPlugin()] });
 * describeRegularizerContract('group-lasso', () => runtime.create(Regularizers, 'group-lasso', { strength: 1e-3 }));
 * ```
 */
export function describeRegularizerContract(name: string, factory: () => Regularizer, options: RegularizerContractOptions = {}): void {
  validate('describeRegularizerContract', factory, options);
  describeContract(`Regularizer contract: ${name}`, REGULARIZER_CHECKS, factory, options);
}

function validate(caller: string, factory: unknown, options: RegularizerContractOptions): void {
  validateFactory(caller, factory);
  validateSeed(caller, options.seed);
  validateLearningRate(caller, options.learningRate);
}
