/**
 * One way an implementation breaks its contract: which check found it and what is wrong.
 *
 * @example
 * ```ts
 * import type { ContractViolation } from '@sparse/testing';
 *
 * const violation: ContractViolation = {
 *   check: 'never revives pruned weights',
 *   message: "layerwise 75% with existing masks: 'dense_1/kernel' revives 3 pruned weights, e.g. at [0, 2]",
 * };
 * ```
 */
export interface ContractViolation {
  /** The name of the check, as the describe* suites name their tests. */
  readonly check: string;
  /** What is wrong, with the scenario and values that show it. */
  readonly message: string;
}
