import * as tf from '@tensorflow/tfjs-core';
import type { MaskSet } from '../contracts/mask.js';
import type { StepContext } from '../contracts/step-context.js';
import type { RegularizerBinding } from './regularizer-binding.js';

/**
 * The learning rate proximal steps see at `step`: `option` when it is a number, `option(step)`
 * when it is a function, else `fallback()` (a wrapped optimizer's configured rate), else none.
 * One rule for {@link MaskedOptimizer} and {@link train}'s engine path.
 *
 * @example
 * ```ts
 * // inside core: learningRateAt((step) => 1e-3 * 0.5 ** (step / 1000), 2000) === 2.5e-4
 * ```
 */
export function learningRateAt(option: number | ((step: number) => number) | undefined, step: number, fallback?: () => number | undefined): number | undefined {
  if (typeof option === 'number') return option;
  if (typeof option === 'function') return option(step);
  return fallback?.();
}

/**
 * The {@link StepContext} of a step's proximal steps: the step, and the epoch and learning rate
 * when known (absent fields are left out, not `undefined`, for `exactOptionalPropertyTypes`).
 *
 * @example
 * ```ts
 * // inside core: proximalContext(12, 1, 1e-3) → { step: 12, epoch: 1, learningRate: 1e-3 }
 * ```
 */
export function proximalContext(step: number, epoch: number | undefined, learningRate: number | undefined): StepContext {
  if (learningRate === undefined) return epoch === undefined ? { step } : { step, epoch };
  return epoch === undefined ? { step, learningRate } : { step, epoch, learningRate };
}

/**
 * Runs each binding's `proximalStep` in order, inside one `tf.tidy`: `v.assign(tf.tidy(() => …))`
 * in a proximal step would otherwise leave the assigned tensor registered (it shares the
 * variable's data). State a regularizer keeps across steps must be `tf.keep()`-ed. The caller
 * re-applies the masks afterwards, so a proximal map cannot revive a pruned weight.
 *
 * @example
 * ```ts
 * // inside core, after an update: runProximalSteps(bindings, proximalContext(step, epoch, lr), masks)
 * ```
 */
export function runProximalSteps(bindings: readonly RegularizerBinding[], context: StepContext, masks: MaskSet): void {
  tf.tidy(() => {
    for (const { regularizer, parameters } of bindings) regularizer.proximalStep?.(parameters, context, masks);
  });
}
