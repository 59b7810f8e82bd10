/**
 * How close a float result must be to the float64 reference: `|actual − expected| ≤ atol +
 * rtol·|expected|`. Integer and boolean results are always compared exactly.
 *
 * @example
 * ```ts
 * import type { ConformanceTolerance } from '@sparse/testing';
 *
 * const loose: ConformanceTolerance = { atol: 1e-3, rtol: 1e-3, gradient: 5e-3 };
 * ```
 */
export interface ConformanceTolerance {
  /** Absolute tolerance of float results. */
  readonly atol: number;
  /** Relative tolerance of float results. */
  readonly rtol: number;
  /** Absolute and relative tolerance of gradients against float64 finite differences. */
  readonly gradient: number;
}

/**
 * The tolerance the conformance suite uses unless told otherwise: float32 rounding of the small
 * inputs it draws stays well inside it on cpu and wasm.
 *
 * @example
 * ```ts
 * import { DEFAULT_CONFORMANCE_TOLERANCE } from '@sparse/testing';
 *
 * console.log(DEFAULT_CONFORMANCE_TOLERANCE.atol); // 1e-4
 * ```
 */
export const DEFAULT_CONFORMANCE_TOLERANCE: ConformanceTolerance = Object.freeze({ atol: 1e-4, rtol: 1e-4, gradient: 1e-3 });
