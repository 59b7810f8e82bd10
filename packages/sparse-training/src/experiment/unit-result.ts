import type { MethodResult } from '../contracts/method.js';

/**
 * One unit's result as `results.json` and `results.jsonl` hold it: which method, seed and
 * sparsity, then everything the method reported ({@link MethodResult}).
 *
 * @example
 * ```ts
 * import type { SparseTrainingUnitResult } from '@sparse/sparse-training';
 *
 * declare const rows: SparseTrainingUnitResult[];
 * const rigl90 = rows.filter((row) => row.method === 'rigl (erk)' && row.targetSparsity === 0.9);
 * console.log(rigl90.map((row) => row.testAccuracy));
 * ```
 */
export interface SparseTrainingUnitResult extends MethodResult {
  /** The unit's id in the run directory. */
  readonly unit: string;
  /** The method's label in tables (`rigl (erk)`). */
  readonly method: string;
  /** The method's registered name (`rigl`). */
  readonly name: string;
  readonly seed: number;
  /** The sparsity the unit was asked for; `null` for methods that take none (dense, N:M). */
  readonly targetSparsity: number | null;
}
