import { SparseError } from '@sparse/core';

/**
 * A plain or typed array of numbers (vectors, group norms, weights).
 *
 * @example
 * ```ts
 * import type { NumericArray } from '@sparse/group-envelope';
 *
 * const norms: NumericArray = Float64Array.of(1.5, 0.2, 0.7);
 * const weights: NumericArray = [1, 2, 1];
 * ```
 */
export type NumericArray = ArrayLike<number>;

/** Throws `E_ARGUMENT` unless `k` is an integer ≥ 1. */
export function assertK(k: unknown, caller: string): asserts k is number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
    throw new SparseError('E_ARGUMENT', `${caller}: k must be an integer ≥ 1 (the number of entries or groups allowed to be nonzero); got ${String(k)}.`, {
      field: 'k',
      received: k,
      allowed: 'an integer ≥ 1',
    });
  }
}

/** Throws `E_ARGUMENT` unless `lambda` is a finite number ≥ 0. */
export function assertLambda(lambda: unknown, caller: string): asserts lambda is number {
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0) {
    throw new SparseError('E_ARGUMENT', `${caller}: lambda must be a finite number ≥ 0; got ${String(lambda)}.`, {
      field: 'lambda',
      received: lambda,
      allowed: 'a finite number ≥ 0',
    });
  }
}

/** Throws `E_ARGUMENT` when an entry is not finite. */
export function assertFinite(values: NumericArray, field: string, caller: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i] as number)) {
      throw new SparseError('E_ARGUMENT', `${caller}: ${field}[${i}] is ${String(values[i])}; every entry must be finite.`, {
        field: `${field}[${i}]`,
        received: values[i],
      });
    }
  }
}

/** Throws `E_ARGUMENT` unless `weights` has `length` entries, each finite and > 0. */
export function assertWeights(weights: NumericArray | undefined, length: number, caller: string): void {
  if (weights === undefined) return;
  if (weights.length !== length) {
    throw new SparseError('E_ARGUMENT', `${caller}: weights has ${weights.length} entries but there are ${length} values; give one weight per entry (or group).`, {
      field: 'weights',
      received: weights.length,
      allowed: `${length} entries`,
    });
  }
  for (let i = 0; i < length; i++) {
    const w = weights[i] as number;
    if (!(Number.isFinite(w) && w > 0)) {
      throw new SparseError('E_ARGUMENT', `${caller}: weights[${i}] is ${String(w)}; every weight must be finite and > 0.`, {
        field: `weights[${i}]`,
        received: w,
        allowed: 'finite numbers > 0',
      });
    }
  }
}
