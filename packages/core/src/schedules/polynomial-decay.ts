import type { Schedule } from '../contracts/schedule.js';
import { checkStep, endOption, floorMod, integerOption, numberOption, rejectUnknownOptions } from './schedule-options.js';

/**
 * Options of {@link polynomialDecay}: tfmot's `PolynomialDecay` in camelCase.
 *
 * @example
 * ```ts
 * import type { PolynomialDecayOptions } from '@sparse/core';
 *
 * const options: PolynomialDecayOptions = { initialSparsity: 0, finalSparsity: 0.9, begin: 0, end: 10_000 };
 * ```
 */
export interface PolynomialDecayOptions {
  /** Sparsity at `begin`, in `[0, 1)`. Default `0`. */
  readonly initialSparsity?: number;
  /** Sparsity from `end` on, in `[0, 1)`. */
  readonly finalSparsity: number;
  /** First pruning step, an integer ≥ 0. Default `0`. */
  readonly begin?: number;
  /** Last pruning step, an integer ≥ `begin` (`-1` is rejected, as in tfmot). */
  readonly end: number;
  /** Exponent of the decay, a finite number > 0. Default `3`. */
  readonly power?: number;
  /** Masks are updated every `frequency` steps from `begin`, an integer ≥ 1. Default `100`. */
  readonly frequency?: number;
}

/**
 * A {@link Schedule} built by {@link polynomialDecay}, with its resolved options.
 *
 * @example
 * ```ts
 * import { polynomialDecay, type PolynomialDecaySchedule } from '@sparse/core';
 *
 * const schedule: PolynomialDecaySchedule = polynomialDecay({ finalSparsity: 0.9, end: 1000 });
 * console.log(schedule.config.power); // 3
 * ```
 */
export interface PolynomialDecaySchedule extends Schedule {
  readonly name: 'polynomial';
  /** The validated options with defaults filled in. */
  readonly config: Readonly<Required<PolynomialDecayOptions>>;
}

const OPTION_NAMES = ['initialSparsity', 'finalSparsity', 'begin', 'end', 'power', 'frequency'] as const;

/**
 * tfmot's `PolynomialDecay` (spec E.1, `pruning_schedule.py`), formula for formula:
 *
 * - `p = clip((step − begin) / (end − begin), 0, 1)`,
 *   `sparsityAt(step) = final + (initial − final) · (1 − p)^power`.
 * - Before `begin`, `p` clips to 0 and `sparsityAt` returns `initialSparsity`, which is what tfmot
 *   returns too; no masks are updated there (`isUpdateStep` is false), so the weights are
 *   still at whatever sparsity they had. After `end`, `finalSparsity`.
 * - `end == begin` passes tfmot's validation but divides by zero there; here `p = 1` from `begin`
 *   on (and `0` before), i.e. a one-shot prune to `finalSparsity` at `begin`.
 * - `isUpdateStep(step)` iff `begin ≤ step ≤ end` and `(step − begin) mod frequency == 0`. `end`
 *   is an update step only if it falls on the frequency grid, as in tfmot.
 * - Validation as tfmot: `begin ≥ 0`, `end ≥ begin`, `end ≠ −1`, `frequency > 0`, both
 *   sparsities in `[0, 1)`; additionally steps and frequency must be integers and `power` a finite
 *   number > 0 (tfmot does not check it).
 * - Arithmetic is float64 and the endpoints (`p = 0`, `p = 1`) return the given sparsities exactly;
 *   tfmot evaluates in float32, so values differ by up to ~1e-7, which can move a rounded keep-count
 *   by one only at an exact half-integer boundary.
 *
 * @throws SparseError `E_CONFIG` naming the field and its allowed range.
 *
 * @example
 * ```ts
 * import { polynomialDecay } from '@sparse/core';
 *
 * const schedule = polynomialDecay({ initialSparsity: 0.5, finalSparsity: 0.9, begin: 0, end: 1000 });
 * schedule.sparsityAt(0); // 0.5
 * schedule.sparsityAt(500); // 0.9 + (0.5 - 0.9) * 0.5 ** 3 = 0.85
 * schedule.sparsityAt(2000); // 0.9
 * schedule.isUpdateStep(300); // true (frequency 100)
 * schedule.isUpdateStep(1100); // false: after end
 * ```
 */
export function polynomialDecay(options: PolynomialDecayOptions): PolynomialDecaySchedule {
  rejectUnknownOptions('polynomial', options, OPTION_NAMES);
  const initialSparsity = numberOption('polynomial', 'initialSparsity', options.initialSparsity, {
    min: 0,
    max: 1,
    maxExclusive: true,
    default: 0,
  });
  const finalSparsity = numberOption('polynomial', 'finalSparsity', options.finalSparsity, { min: 0, max: 1, maxExclusive: true });
  const begin = integerOption('polynomial', 'begin', options.begin, { min: 0, default: 0 });
  const end = endOption('polynomial', options.end, begin, false);
  const power = numberOption('polynomial', 'power', options.power, { min: 0, max: Number.MAX_VALUE, minExclusive: true, default: 3 });
  const frequency = integerOption('polynomial', 'frequency', options.frequency, { min: 1, default: 100 });
  const span = end - begin;
  return Object.freeze({
    name: 'polynomial' as const,
    config: Object.freeze({ initialSparsity, finalSparsity, begin, end, power, frequency }),
    sparsityAt(step: number): number {
      checkStep('polynomial', step);
      const p = span === 0 ? (step >= begin ? 1 : 0) : Math.min(1, Math.max(0, (step - begin) / span));
      // p = 0 and p = 1 return the endpoints exactly (the formula is off by one ulp there).
      if (p === 0) return initialSparsity;
      if (p === 1) return finalSparsity;
      return finalSparsity + (initialSparsity - finalSparsity) * Math.pow(1 - p, power);
    },
    isUpdateStep(step: number): boolean {
      return step >= begin && step <= end && floorMod(step - begin, frequency) === 0;
    },
  });
}
