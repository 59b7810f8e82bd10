import type { Schedule } from '../contracts/schedule.js';
import { checkStep, integerOption, numberOption, rejectUnknownOptions } from './schedule-options.js';

/**
 * Options of {@link oneShot}.
 *
 * @example
 * ```ts
 * import type { OneShotOptions } from '@sparse/core';
 *
 * const options: OneShotOptions = { step: 0, sparsity: 0.9 };
 * ```
 */
export interface OneShotOptions {
  /** The step at which the single prune happens: an integer ≥ 0. */
  readonly step: number;
  /** The sparsity to prune to, in `[0, 1]` (1 prunes every prunable weight). */
  readonly sparsity: number;
}

/**
 * A {@link Schedule} built by {@link oneShot}, with its resolved options.
 *
 * @example
 * ```ts
 * import { oneShot, type OneShotSchedule } from '@sparse/core';
 *
 * const schedule: OneShotSchedule = oneShot({ step: 0, sparsity: 0.8 });
 * console.log(schedule.config.sparsity); // 0.8
 * ```
 */
export interface OneShotSchedule extends Schedule {
  readonly name: 'one-shot';
  /** The validated options. */
  readonly config: Readonly<OneShotOptions>;
}

const OPTION_NAMES = ['step', 'sparsity'] as const;

/**
 * One prune to `sparsity` at `step` (spec E.1 "One-shot"), typically after training, followed by an
 * optional fine-tune.
 *
 * It updates the masks at exactly one step, like tfmot's `ConstantSparsity` with
 * `begin = end = step`. Unlike tfmot, which reports the target at every step, `sparsityAt` is `0`
 * before `step`: nothing has been pruned yet, and the value says so.
 *
 * @throws SparseError `E_CONFIG` when `step` is not an integer ≥ 0 or `sparsity` is outside `[0, 1]`.
 *
 * @example
 * ```ts
 * import { oneShot } from '@sparse/core';
 *
 * const schedule = oneShot({ step: 1000, sparsity: 0.9 });
 * schedule.isUpdateStep(1000); // true
 * schedule.sparsityAt(999); // 0
 * schedule.sparsityAt(5000); // 0.9
 * ```
 */
export function oneShot(options: OneShotOptions): OneShotSchedule {
  rejectUnknownOptions('one-shot', options, OPTION_NAMES);
  const step = integerOption('one-shot', 'step', options.step, { min: 0 });
  const sparsity = numberOption('one-shot', 'sparsity', options.sparsity, { min: 0, max: 1 });
  return Object.freeze({
    name: 'one-shot' as const,
    config: Object.freeze({ step, sparsity }),
    sparsityAt(at: number): number {
      checkStep('one-shot', at);
      return at >= step ? sparsity : 0;
    },
    isUpdateStep(at: number): boolean {
      return at === step;
    },
  });
}
