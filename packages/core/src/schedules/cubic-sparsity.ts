import type { Schedule } from '../contracts/schedule.js';
import { checkStep, integerOption, numberOption, rejectUnknownOptions } from './schedule-options.js';

/**
 * Options of {@link cubicSparsity}, in the paper's terms: `s_i`, `s_f`, `t0`, `Δt` and `n`.
 *
 * @example
 * ```ts
 * import type { CubicSparsityOptions } from '@sparse/core';
 *
 * // prune from 0 to 90 % in 10 updates, one every 500 steps, starting at step 2000
 * const options: CubicSparsityOptions = { finalSparsity: 0.9, begin: 2000, frequency: 500, pruningSteps: 10 };
 * ```
 */
export interface CubicSparsityOptions {
  /** `s_i`, the sparsity at `t0`, in `[0, 1)`. Default `0`. */
  readonly initialSparsity?: number;
  /** `s_f`, the sparsity reached at `t0 + nΔt` and kept afterwards, in `[0, 1)`. */
  readonly finalSparsity: number;
  /** `t0`, the first pruning step, an integer ≥ 0. Default `0`. */
  readonly begin?: number;
  /** `Δt`, steps between two mask updates, an integer ≥ 1. */
  readonly frequency: number;
  /** `n`, the number of pruning intervals: masks are updated at `t0, t0+Δt, …, t0+nΔt`. An integer ≥ 1. */
  readonly pruningSteps: number;
}

/**
 * A {@link Schedule} built by {@link cubicSparsity}, with its resolved options and last pruning step.
 *
 * @example
 * ```ts
 * import { cubicSparsity, type CubicSparsitySchedule } from '@sparse/core';
 *
 * const schedule: CubicSparsitySchedule = cubicSparsity({ finalSparsity: 0.9, frequency: 100, pruningSteps: 20 });
 * console.log(schedule.end); // 2000
 * ```
 */
export interface CubicSparsitySchedule extends Schedule {
  readonly name: 'cubic';
  /** The validated options with defaults filled in. */
  readonly config: Readonly<Required<CubicSparsityOptions>>;
  /** The last pruning step, `t0 + nΔt`. */
  readonly end: number;
}

const OPTION_NAMES = ['initialSparsity', 'finalSparsity', 'begin', 'frequency', 'pruningSteps'] as const;

/**
 * Gradual pruning of Zhu & Gupta 2017 (arXiv 1710.01878, spec E.1):
 * `s_t = s_f + (s_i − s_f) · (1 − (t − t0)/(nΔt))³` for `t0 ≤ t ≤ t0 + nΔt`, `s_f` afterwards
 * and `s_i` before `t0`; masks are updated at `t ∈ {t0, t0+Δt, …, t0+nΔt}`.
 *
 * It is {@link polynomialDecay} with `power = 3`, `end = t0 + nΔt` and `frequency = Δt` (a test
 * checks that the two agree at every step), written in the paper's parameters.
 *
 * @throws SparseError `E_CONFIG` naming the field and its allowed range.
 *
 * @example
 * ```ts
 * import { cubicSparsity } from '@sparse/core';
 *
 * const schedule = cubicSparsity({ initialSparsity: 0, finalSparsity: 0.8, begin: 0, frequency: 100, pruningSteps: 10 });
 * schedule.sparsityAt(500); // 0.8 * (1 - 0.5 ** 3) = 0.7
 * schedule.isUpdateStep(1000); // true: t0 + nΔt
 * schedule.isUpdateStep(1100); // false
 * ```
 */
export function cubicSparsity(options: CubicSparsityOptions): CubicSparsitySchedule {
  rejectUnknownOptions('cubic', options, OPTION_NAMES);
  const initialSparsity = numberOption('cubic', 'initialSparsity', options.initialSparsity, {
    min: 0,
    max: 1,
    maxExclusive: true,
    default: 0,
  });
  const finalSparsity = numberOption('cubic', 'finalSparsity', options.finalSparsity, { min: 0, max: 1, maxExclusive: true });
  const begin = integerOption('cubic', 'begin', options.begin, { min: 0, default: 0 });
  const frequency = integerOption('cubic', 'frequency', options.frequency, { min: 1 });
  const pruningSteps = integerOption('cubic', 'pruningSteps', options.pruningSteps, { min: 1 });
  const duration = pruningSteps * frequency;
  const end = begin + duration;
  if (!Number.isSafeInteger(end)) {
    integerOption('cubic', 'pruningSteps', options.pruningSteps, { min: 1, max: Math.floor((Number.MAX_SAFE_INTEGER - begin) / frequency) });
  }
  return Object.freeze({
    name: 'cubic' as const,
    config: Object.freeze({ initialSparsity, finalSparsity, begin, frequency, pruningSteps }),
    end,
    sparsityAt(t: number): number {
      checkStep('cubic', t);
      if (t <= begin) return initialSparsity;
      if (t >= end) return finalSparsity;
      const remaining = 1 - (t - begin) / duration;
      return finalSparsity + (initialSparsity - finalSparsity) * remaining * remaining * remaining;
    },
    isUpdateStep(t: number): boolean {
      return t >= begin && t <= end && (t - begin) % frequency === 0;
    },
  });
}
