import type { Schedule } from '../contracts/schedule.js';
import { checkStep, integerOption, numberOption, rejectUnknownOptions } from './schedule-options.js';

/**
 * Options of {@link iterativeRounds}.
 *
 * @example
 * ```ts
 * import type { IterativeRoundsOptions } from '@sparse/core';
 *
 * // LeNet-300-100 in Frankle & Carbin: 20 % per round
 * const options: IterativeRoundsOptions = { rate: 0.2, rounds: 10, stepsPerRound: 50_000 };
 * ```
 */
export interface IterativeRoundsOptions {
  /** `r`, the fraction of the *remaining* weights pruned at each round, in `(0, 1)`. */
  readonly rate: number;
  /** `n`, the number of pruning rounds, an integer ≥ 1. */
  readonly rounds: number;
  /** Training steps in each round, an integer ≥ 1. */
  readonly stepsPerRound: number;
  /** Step at which round 0 (dense training) starts, an integer ≥ 0. Default `0`. */
  readonly begin?: number;
}

/**
 * A {@link Schedule} built by {@link iterativeRounds}, with its resolved options and the round of a step.
 *
 * @example
 * ```ts
 * import { iterativeRounds, type IterativeRoundsSchedule } from '@sparse/core';
 *
 * const schedule: IterativeRoundsSchedule = iterativeRounds({ rate: 0.2, rounds: 3, stepsPerRound: 100 });
 * console.log(schedule.roundAt(250)); // 2
 * ```
 */
export interface IterativeRoundsSchedule extends Schedule {
  readonly name: 'iterative';
  /** The validated options with defaults filled in. */
  readonly config: Readonly<Required<IterativeRoundsOptions>>;
  /** The number of prunes done by `step`: `clamp(floor((step − begin) / stepsPerRound), 0, rounds)`. */
  roundAt(step: number): number;
}

const OPTION_NAMES = ['rate', 'rounds', 'stepsPerRound', 'begin'] as const;

/**
 * Iterative magnitude pruning rounds (Lottery Ticket Hypothesis, spec A.1 and E.1): each round
 * trains for `stepsPerRound` steps, then prunes `rate` of the weights still alive, so the density
 * after `k` rounds is `(1 − rate)^k`.
 *
 * - Update steps are the round boundaries `begin + k · stepsPerRound` for `k = 1 … rounds` (round 0
 *   trains dense).
 * - `sparsityAt(step) = 1 − (1 − rate)^k` with `k = roundAt(step)`: the cumulative fraction of the
 *   prunable weights that are zero, which is what a {@link SparsityTarget} asks for.
 * - Rewinding weights between rounds is not the schedule's job (see `@sparse/lth`).
 *
 * @throws SparseError `E_CONFIG` naming the field and its allowed range.
 *
 * @example
 * ```ts
 * import { iterativeRounds } from '@sparse/core';
 *
 * const schedule = iterativeRounds({ rate: 0.2, rounds: 5, stepsPerRound: 1000 });
 * schedule.isUpdateStep(1000); // true: end of round 0
 * schedule.sparsityAt(2500); // 1 - 0.8 ** 2 = 0.36
 * schedule.sparsityAt(1e9); // 1 - 0.8 ** 5 ≈ 0.672
 * ```
 */
export function iterativeRounds(options: IterativeRoundsOptions): IterativeRoundsSchedule {
  rejectUnknownOptions('iterative', options, OPTION_NAMES);
  const rate = numberOption('iterative', 'rate', options.rate, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const rounds = integerOption('iterative', 'rounds', options.rounds, { min: 1 });
  const stepsPerRound = integerOption('iterative', 'stepsPerRound', options.stepsPerRound, { min: 1 });
  const begin = integerOption('iterative', 'begin', options.begin, { min: 0, default: 0 });
  const end = begin + rounds * stepsPerRound;
  if (!Number.isSafeInteger(end)) {
    integerOption('iterative', 'rounds', options.rounds, { min: 1, max: Math.floor((Number.MAX_SAFE_INTEGER - begin) / stepsPerRound) });
  }
  const roundAt = (step: number): number => {
    checkStep('iterative', step);
    return Math.min(rounds, Math.max(0, Math.floor((step - begin) / stepsPerRound)));
  };
  return Object.freeze({
    name: 'iterative' as const,
    config: Object.freeze({ rate, rounds, stepsPerRound, begin }),
    roundAt,
    sparsityAt(step: number): number {
      return 1 - Math.pow(1 - rate, roundAt(step));
    },
    isUpdateStep(step: number): boolean {
      return step > begin && step <= end && (step - begin) % stepsPerRound === 0;
    },
  });
}
