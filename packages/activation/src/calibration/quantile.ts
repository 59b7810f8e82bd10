import { SparseError } from '@sparse/core';
import { kthSmallest } from './select.js';

/**
 * Checks that a target sparsity is a number in `[0, 1]` and returns it.
 *
 * @example
 * ```ts
 * import { assertTarget } from '@sparse/activation';
 *
 * assertTarget(0.5, 'target'); // 0.5
 * ```
 */
export function assertTarget(value: unknown, field = 'target'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new SparseError('E_ARGUMENT', `${field} must be a sparsity in [0, 1], got ${String(value)}.`, {
      field,
      received: value,
      allowed: '[0, 1]',
    });
  }
  return value;
}

/**
 * How many of `count` calibration values a target sparsity zeroes: `Math.round(target · count)`
 * (the nearest achievable count, as exact-count selection does for weights).
 *
 * @example
 * ```ts
 * import { calibrationRank } from '@sparse/activation';
 *
 * calibrationRank(1000, 0.5); // 500
 * calibrationRank(7, 0.5); // 4
 * ```
 */
export function calibrationRank(count: number, target: number): number {
  assertTarget(target);
  return Math.min(count, Math.max(0, Math.round(target * count)));
}

/**
 * A threshold and the rank it was read at.
 *
 * @example
 * ```ts
 * import type { QuantileResult } from '@sparse/activation';
 *
 * const result: QuantileResult = { threshold: 0.21, rank: 500, count: 1000 };
 * ```
 */
export interface QuantileResult {
  /** The threshold `t >= 0`: zero `|a| <= t`. */
  readonly threshold: number;
  /** How many values the target asks to zero (`m`). */
  readonly rank: number;
  /** How many values the quantile was taken over (`n`). */
  readonly count: number;
}

/**
 * The exact quantile threshold of magnitudes for a target sparsity, defined so that the zeroing
 * rule `|a| <= t` zeroes exactly `m = round(target · n)` of the values when they have no ties:
 *
 * - `m >= 1`: `t = v(m)`, the m-th smallest value (1-based), i.e. `t = min{ t' : F(t') >= m/n }`
 *   with `F` the empirical CDF — the spec's `min{t' : F(t') >= k}` at the achievable `k = m/n`.
 * - `m = 0`: `t = 0` (only exact zeros, which are zero anyway).
 *
 * With ties at `v(m)`, every value equal to `v(m)` is zeroed too, so the realized fraction is
 * `#{v <= v(m)} / n >= m/n` (ties over-zero; they never under-zero). Values must be magnitudes:
 * finite and `>= 0`.
 *
 * @param values - the calibration magnitudes `|a|`.
 * @param target - the sparsity to reach, in `[0, 1]`.
 * @throws SparseError `E_ARGUMENT` for an empty set, a bad target, or a negative or non-finite value.
 *
 * @example
 * ```ts
 * import { exactQuantile } from '@sparse/activation';
 *
 * const { threshold } = exactQuantile(new Float32Array([0.4, 0.1, 0.3, 0.2]), 0.5); // 0.2
 * // |a| <= 0.2 zeroes 0.1 and 0.2: exactly half
 * ```
 */
export function exactQuantile(values: ArrayLike<number>, target: number): QuantileResult {
  assertTarget(target);
  const count = values.length;
  if (count === 0) {
    throw new SparseError('E_ARGUMENT', 'Cannot take a quantile of no values: record some calibration data first.', { field: 'values', received: 0 });
  }
  for (let i = 0; i < count; i += 1) {
    const value = values[i] as number;
    if (!(value >= 0) || value === Number.POSITIVE_INFINITY) {
      throw new SparseError('E_ARGUMENT', `values[${i}] must be a finite magnitude >= 0, got ${value}.`, {
        field: `values[${i}]`,
        received: value,
        allowed: 'finite numbers >= 0',
      });
    }
  }
  const rank = calibrationRank(count, target);
  return { threshold: rank === 0 ? 0 : kthSmallest(values, rank), rank, count };
}

/**
 * CHESS's per-sample quantile: `kthvalue(x, max(1, floor(q · n)))` (torch's `kthvalue` is
 * 1-based), as in `CHESS/notebooks/thresholds.py`. Used for the mean-of-per-batch-quantiles
 * aggregate, where it reproduces CHESS.
 *
 * @example
 * ```ts
 * import { chessQuantile } from '@sparse/activation';
 *
 * chessQuantile(new Float32Array([0.4, 0.1, 0.3, 0.2, 0.5]), 0.5); // floor(2.5) = 2nd smallest: 0.2
 * ```
 */
export function chessQuantile(values: ArrayLike<number>, target: number): number {
  assertTarget(target);
  if (values.length === 0) {
    throw new SparseError('E_ARGUMENT', 'Cannot take a quantile of no values.', { field: 'values', received: 0 });
  }
  return kthSmallest(values, Math.min(values.length, Math.max(1, Math.floor(target * values.length))));
}

/**
 * The mean of per-batch quantiles, CHESS's calibration aggregate: each batch's
 * {@link chessQuantile}, averaged with equal weight per batch. It does not hit the target exactly
 * on the pooled data (the mean of quantiles is not the quantile of the union).
 *
 * @throws SparseError `E_ARGUMENT` when there is no non-empty batch.
 *
 * @example
 * ```ts
 * import { meanOfBatchQuantiles } from '@sparse/activation';
 *
 * meanOfBatchQuantiles([new Float32Array([1, 2]), new Float32Array([3, 4])], 0.5); // (1 + 3) / 2 = 2
 * ```
 */
export function meanOfBatchQuantiles(batches: readonly ArrayLike<number>[], target: number): number {
  const nonEmpty = batches.filter((batch) => batch.length > 0);
  if (nonEmpty.length === 0) {
    throw new SparseError('E_ARGUMENT', 'Cannot average per-batch quantiles of no batches.', { field: 'batches', received: 0 });
  }
  let sum = 0;
  for (const batch of nonEmpty) sum += chessQuantile(batch, target);
  return sum / nonEmpty.length;
}
