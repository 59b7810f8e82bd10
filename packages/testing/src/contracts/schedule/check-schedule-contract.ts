import type { Schedule } from '@sparse/core';
import { runContractChecks } from '../shared/contract-check.js';
import type { ContractViolation } from '../shared/contract-violation.js';
import { describeContract } from '../shared/describe-contract.js';
import { validateFactory, validateSteps } from '../shared/validate-options.js';
import type { ScheduleContractOptions } from './schedule-contract-options.js';
import { SCHEDULE_CHECKS } from './schedule-checks.js';

/**
 * Checks what every {@link Schedule} must satisfy over a range of steps: a non-empty name,
 * `sparsityAt` a number in `[0, 1]` (NaN fails), `isUpdateStep` a boolean, the same answers
 * when asked twice, in reverse order or by a fresh instance, and, when `monotone` is set, a
 * sparsity that never decreases. Returns the violations, empty when it conforms.
 *
 * @param factory - makes a fresh schedule.
 * @param options - see {@link ScheduleContractOptions}.
 *
 * @example
 * ```ts
 * import type { Schedule } from '@sparse/core';
 * import { checkScheduleContract } from '@sparse/testing';
 *
 * const ramp = (): Schedule => ({
 *   name: 'ramp',
 *   sparsityAt: (step) => Math.min(step / 1000, 1) * 0.9,
 *   isUpdateStep: (step) => step % 100 === 0,
 * });
 * console.log(await checkScheduleContract(ramp, { monotone: true })); // []
 * ```
 */
export async function checkScheduleContract(factory: () => Schedule, options: ScheduleContractOptions = {}): Promise<ContractViolation[]> {
  validate('checkScheduleContract', factory, options);
  return runContractChecks(SCHEDULE_CHECKS, factory, options);
}

/**
 * Declares a vitest suite with one test per check of {@link checkScheduleContract}.
 *
 * @param name - the schedule's name, shown in the suite's title.
 * @param factory - makes a fresh schedule.
 * @param options - see {@link ScheduleContractOptions}.
 *
 * @example
 * ```ts
 * import { describeScheduleContract } from '@sparse/testing';
 *
 * describeScheduleContract(
 *   'one-shot',
 *   () => ({ name: 'one-shot', sparsityAt: (step) => (step >= 100 ? 0.9 : 0), isUpdateStep: (step) => step === 100 }),
 *   { monotone: true },
 * );
 * ```
 */
export function describeScheduleContract(name: string, factory: () => Schedule, options: ScheduleContractOptions = {}): void {
  validate('describeScheduleContract', factory, options);
  describeContract(`Schedule contract: ${name}`, SCHEDULE_CHECKS, factory, options);
}

function validate(caller: string, factory: unknown, options: ScheduleContractOptions): void {
  validateFactory(caller, factory);
  validateSteps(caller, options.steps);
}
