/**
 * Options of {@link checkScheduleContract} and {@link describeScheduleContract}.
 *
 * @example
 * ```ts
 * import type { ScheduleContractOptions } from '@sparse/testing';
 *
 * const options: ScheduleContractOptions = { monotone: true, steps: [0, 10, 100, 1000] };
 * ```
 */
export interface ScheduleContractOptions {
  /** The steps to evaluate, in increasing order. Defaults to 0…2000 and 10⁴, 10⁵, 10⁶. */
  readonly steps?: readonly number[];
  /** Whether the schedule promises a sparsity that never decreases; checked when true. */
  readonly monotone?: boolean;
}
