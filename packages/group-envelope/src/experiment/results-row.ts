import type { GroupEnvelopeMethodResult } from './method-result.js';

/**
 * The training engine a `group-envelope` unit steps through when its config names none: core's
 * `train` with `tf.train.adam` on the model's loss (the `stock` engine's path), the regularizer's
 * proximal step after each update. A config's `engine` replaces it.
 *
 * @example
 * ```ts
 * import { GROUP_ENVELOPE_ENGINE } from '@sparse/group-envelope';
 *
 * console.log(GROUP_ENVELOPE_ENGINE); // stock
 * ```
 */
export const GROUP_ENVELOPE_ENGINE = 'stock';

/**
 * One line of a run's `results.jsonl`: the unit's id, the training engine, and everything the
 * unit recorded ({@link GroupEnvelopeMethodResult}). Nothing in it depends on the clock.
 *
 * @example
 * ```ts
 * import type { GroupEnvelopeResultsRow } from '@sparse/group-envelope';
 *
 * declare const row: GroupEnvelopeResultsRow;
 * console.log(row.unit, row.engine, row.method, row.testFinal);
 * ```
 */
export interface GroupEnvelopeResultsRow extends GroupEnvelopeMethodResult {
  /** The unit's id in the run directory (`seed-1/gsef`). */
  readonly unit: string;
  /** The training engine that ran it. */
  readonly engine: string;
}

/**
 * The results line of one unit: its id, the engine that ran it (the output's `engine`, else
 * {@link GROUP_ENVELOPE_ENGINE}) and the rest of its output.
 *
 * @example
 * ```ts
 * import { resultsRow, type GroupEnvelopeMethodResult } from '@sparse/group-envelope';
 *
 * declare const output: GroupEnvelopeMethodResult;
 * console.log(JSON.stringify(resultsRow('seed-1/gsef', output)));
 * ```
 */
export function resultsRow(unit: string, result: GroupEnvelopeMethodResult): GroupEnvelopeResultsRow {
  const { engine, ...output } = result;
  return { unit, engine: engine ?? GROUP_ENVELOPE_ENGINE, ...output };
}
