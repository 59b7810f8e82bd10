import { SparseError } from '@sparse/core';

/**
 * One evaluation during a training round (every `evalEvery` iterations).
 *
 * @example
 * ```ts
 * import type { EvalRecord } from '@sparse/lth';
 *
 * const record: EvalRecord = { iteration: 100, validationLoss: 0.52, validationAccuracy: 0.81, testLoss: 0.55, testAccuracy: 0.8 };
 * ```
 */
export interface EvalRecord {
  /** The absolute training iteration (steps taken since θ0) when it was measured. */
  readonly iteration: number;
  readonly validationLoss: number;
  readonly validationAccuracy: number;
  /** `null` where the test set was not evaluated (see `TrainRoundOptions.testAt`). */
  readonly testLoss: number | null;
  readonly testAccuracy: number | null;
}

/**
 * The early-stopping summary of a round: the iteration of minimum validation loss (the first one,
 * when several tie) and the accuracies measured there (the paper's "early-stopping iteration",
 * determined retroactively; training itself ran to the end).
 *
 * @example
 * ```ts
 * import type { EarlyStop } from '@sparse/lth';
 *
 * const stop: EarlyStop = { iteration: 1800, validationLoss: 0.4, validationAccuracy: 0.86, testAccuracy: 0.85 };
 * ```
 */
export interface EarlyStop {
  readonly iteration: number;
  readonly validationLoss: number;
  readonly validationAccuracy: number;
  readonly testAccuracy: number;
}

/**
 * Finds the early-stopping point of a round: the evaluation with the lowest validation loss (NaN
 * losses never win; the earliest on ties).
 *
 * @throws SparseError `E_ARGUMENT` when there is no evaluation.
 *
 * @example
 * ```ts
 * import { earlyStopping } from '@sparse/lth';
 *
 * const stop = earlyStopping([
 *   { iteration: 0, validationLoss: 2.3, validationAccuracy: 0.1, testLoss: 2.3, testAccuracy: 0.1 },
 *   { iteration: 100, validationLoss: 0.6, validationAccuracy: 0.8, testLoss: 0.6, testAccuracy: 0.79 },
 *   { iteration: 200, validationLoss: 0.7, validationAccuracy: 0.81, testLoss: 0.7, testAccuracy: 0.8 },
 * ]);
 * console.log(stop.iteration, stop.testAccuracy); // 100 0.79
 * ```
 */
export function earlyStopping(records: readonly EvalRecord[]): EarlyStop {
  let best: EvalRecord | undefined;
  for (const record of records) {
    if (Number.isNaN(record.validationLoss)) continue;
    if (best === undefined || record.validationLoss < best.validationLoss) best = record;
  }
  best ??= records[0];
  if (best === undefined) throw new SparseError('E_ARGUMENT', 'earlyStopping needs at least one evaluation.', { field: 'records', received: 0 });
  if (best.testAccuracy === null) {
    throw new SparseError('E_ARGUMENT', `earlyStopping: the test set was not evaluated at iteration ${best.iteration}, the minimum of the validation loss.`, { field: 'records', received: best.iteration });
  }
  return { iteration: best.iteration, validationLoss: best.validationLoss, validationAccuracy: best.validationAccuracy, testAccuracy: best.testAccuracy };
}
