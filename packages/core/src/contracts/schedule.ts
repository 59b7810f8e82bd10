/**
 * When to prune and how sparse to be: a pure function of the training step.
 *
 * @example
 * ```ts
 * import type { Schedule } from '@sparse/core';
 *
 * const oneShotAt1000: Schedule = {
 *   name: 'one-shot',
 *   sparsityAt: (step) => (step >= 1000 ? 0.9 : 0),
 *   isUpdateStep: (step) => step === 1000,
 * };
 * ```
 */
export interface Schedule {
  /** The name it is registered under, e.g. `polynomial`. */
  readonly name: string;
  /** The target sparsity in `[0, 1]` at `step`. */
  sparsityAt(step: number): number;
  /** Whether the masks are recomputed at `step`. */
  isUpdateStep(step: number): boolean;
}
