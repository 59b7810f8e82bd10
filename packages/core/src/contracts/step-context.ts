/**
 * Where training stands when a schedule, pruner or regularizer is asked to act.
 *
 * @example
 * ```ts
 * import type { StepContext } from '@sparse/core';
 *
 * const context: StepContext = { step: 1200, epoch: 2, learningRate: 1.2e-3 };
 * ```
 */
export interface StepContext {
  /** Zero-based index of the optimizer step about to run or just run. */
  readonly step: number;
  /** Zero-based epoch, when training is organised in epochs. */
  readonly epoch?: number;
  /** The learning rate of the step, which proximal regularizers scale their strength by. */
  readonly learningRate?: number;
}
