import type { Schedule } from '../contracts/schedule.js';
import { checkStep, endOption, floorMod, integerOption, numberOption, rejectUnknownOptions } from './schedule-options.js';

/**
 * Options of {@link constantSparsity}: tfmot's `ConstantSparsity` in camelCase.
 *
 * @example
 * ```ts
 * import type { ConstantSparsityOptions } from '@sparse/core';
 *
 * const options: ConstantSparsityOptions = { sparsity: 0.5, begin: 2000, end: -1, frequency: 100 };
 * ```
 */
export interface ConstantSparsityOptions {
  /** The sparsity applied at every pruning step, in `[0, 1)` (tfmot's `target_sparsity`). */
  readonly sparsity: number;
  /** First step at which masks are updated, an integer ≥ 0. Default `0`. */
  readonly begin?: number;
  /** Last step at which masks may be updated, an integer ≥ `begin`, or `-1` for "forever". Default `-1`. */
  readonly end?: number;
  /** Masks are updated every `frequency` steps from `begin`, an integer ≥ 1. Default `100`. */
  readonly frequency?: number;
}

/**
 * A {@link Schedule} built by {@link constantSparsity}, with its resolved options.
 *
 * @example
 * ```ts
 * import { constantSparsity, type ConstantSparsitySchedule } from '@sparse/core';
 *
 * const schedule: ConstantSparsitySchedule = constantSparsity({ sparsity: 0.5 });
 * console.log(schedule.config.frequency); // 100
 * ```
 */
export interface ConstantSparsitySchedule extends Schedule {
  readonly name: 'constant';
  /** The validated options with defaults filled in. */
  readonly config: Readonly<Required<ConstantSparsityOptions>>;
}

const OPTION_NAMES = ['sparsity', 'begin', 'end', 'frequency'] as const;

/**
 * tfmot's `ConstantSparsity` (spec E.1): the masks are recomputed to the same `sparsity` every
 * `frequency` steps in `[begin, end]` (`end = -1`: forever).
 *
 * - `isUpdateStep(step)` iff `begin ≤ step` and (`step ≤ end` or `end < 0`) and
 *   `(step − begin) mod frequency == 0`, as tfmot's `_should_prune_in_step`.
 * - `sparsityAt(step)` is `sparsity` at every step, before `begin` too, exactly as tfmot returns
 *   it. Before `begin` nothing is pruned (no update step has happened), so read it together with
 *   `isUpdateStep`.
 * - Validation is tfmot's `_validate_step` / `_validate_sparsity` (with `end = -1` allowed), plus:
 *   steps and frequency must be integers (tfmot accepts floats and compares them with `floormod`).
 *
 * @throws SparseError `E_CONFIG` naming the field and its allowed range.
 *
 * @example
 * ```ts
 * import { constantSparsity } from '@sparse/core';
 *
 * const schedule = constantSparsity({ sparsity: 0.8, begin: 1000, frequency: 100 });
 * schedule.isUpdateStep(1000); // true
 * schedule.isUpdateStep(1050); // false
 * schedule.isUpdateStep(1_000_000); // true: end = -1 prunes forever
 * schedule.sparsityAt(1050); // 0.8
 * ```
 */
export function constantSparsity(options: ConstantSparsityOptions): ConstantSparsitySchedule {
  rejectUnknownOptions('constant', options, OPTION_NAMES);
  const sparsity = numberOption('constant', 'sparsity', options.sparsity, { min: 0, max: 1, maxExclusive: true });
  const begin = integerOption('constant', 'begin', options.begin, { min: 0, default: 0 });
  const end = endOption('constant', options.end, begin, true, -1);
  const frequency = integerOption('constant', 'frequency', options.frequency, { min: 1, default: 100 });
  return Object.freeze({
    name: 'constant' as const,
    config: Object.freeze({ sparsity, begin, end, frequency }),
    sparsityAt(step: number): number {
      checkStep('constant', step);
      return sparsity;
    },
    isUpdateStep(step: number): boolean {
      return step >= begin && (end < 0 || step <= end) && floorMod(step - begin, frequency) === 0;
    },
  });
}
