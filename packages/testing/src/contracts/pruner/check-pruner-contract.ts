import type { Pruner } from '@sparse/core';
import { runContractChecks } from '../shared/contract-check.js';
import type { ContractViolation } from '../shared/contract-violation.js';
import { describeContract } from '../shared/describe-contract.js';
import { validateChoices, validateFactory, validateSeed } from '../shared/validate-options.js';
import type { PrunerContractOptions } from './pruner-contract-options.js';
import { PRUNER_CHECKS } from './pruner-checks.js';

/**
 * Checks what every {@link Pruner} must satisfy on the kernels of a small fixture model, over
 * scenarios for each supported scope (`layerwise`, `global`, `erk`, `custom`): 50% and 37%;
 * many tied scores; all scores equal; 75% over existing 30% masks placed on the highest scores;
 * 0% and 100%; two `perParameter` overrides; and, with `basis: 'remaining'`, a step over
 * existing masks. It checks:
 *
 * - binary float32 masks of each parameter's shape, only for known parameters (a missing entry
 *   counts as dense);
 * - exact counts (floor, ceil and round are all accepted): a `perParameter` tensor within one
 *   weight of its own sparsity; `layerwise`, each other tensor within one weight; `global`, the
 *   pool of the others within one weight; `erk`, that pool within one weight per tensor;
 *   `custom`, the others not pruned; `remaining`, the fraction of the weights still alive on top
 *   of the existing zeros; at 100% a pool may keep one weight per tensor (a collapse guard);
 * - never reviving a pruned weight;
 * - idempotence: pruning again with its own masks as the current ones changes nothing (basis
 *   `total`);
 * - inputs (variables, scores, masks) neither modified nor disposed, and no input returned;
 * - no leaked tensor.
 *
 * Warnings go to a silent `onWarning` in the request. Returns the violations, empty when it
 * conforms.
 *
 * @param factory - makes a fresh pruner.
 * @param options - see {@link PrunerContractOptions}.
 *
 * @example
 * ```ts
 * import { checkPrunerContract } from '@sparse/testing';
 * import { myPruner } from './my-pruner.js';
 *
 * const violations = await checkPrunerContract(() => myPruner(), { scopes: ['layerwise', 'global'] });
 * for (const v of violations) console.log(`${v.check}: ${v.message}`);
 * ```
 */
export async function checkPrunerContract(factory: () => Pruner, options: PrunerContractOptions = {}): Promise<ContractViolation[]> {
  validate('checkPrunerContract', factory, options);
  return runContractChecks(PRUNER_CHECKS, factory, options);
}

/**
 * Declares a vitest suite with one test per check of {@link checkPrunerContract}.
 *
 * @param name - the pruner's name, shown in the suite's title.
 * @param factory - makes a fresh pruner.
 * @param options - see {@link PrunerContractOptions}.
 *
 * @example
 * ```ts
 * import { createRuntime, Pruners } from '@sparse/core';
 * import { describePrunerContract } from '@sparse/testing';
 * import { myPlugin } from './my-plugin.js';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [myPlugin()] });
 * describePrunerContract('my-pruner', () => runtime.create(Pruners, 'my-pruner'));
 * ```
 */
export function describePrunerContract(name: string, factory: () => Pruner, options: PrunerContractOptions = {}): void {
  validate('describePrunerContract', factory, options);
  describeContract(`Pruner contract: ${name}`, PRUNER_CHECKS, factory, options);
}

function validate(caller: string, factory: unknown, options: PrunerContractOptions): void {
  validateFactory(caller, factory);
  validateSeed(caller, options.seed);
  validateChoices(caller, 'scopes', options.scopes, ['layerwise', 'global', 'erk', 'custom']);
  validateChoices(caller, 'bases', options.bases, ['total', 'remaining']);
}
