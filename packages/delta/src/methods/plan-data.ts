import { SparseError } from '@sparse/core';
import type { DeltaMethodNeed, DeltaPlanData } from './delta-method.js';

const WHAT: Readonly<Record<DeltaMethodNeed, string>> = {
  validation: 'labelled validation data (it chooses q by validation accuracy)',
  calibration: 'unlabelled calibration inputs (it chooses q by the change of the last hidden layer)',
};

/**
 * The plan data a method needs, or an `E_CONFIG` error saying what is missing (as in `sparse dare`,
 * which has two checkpoints and no data).
 *
 * @param method - the method's name, for the message.
 * @param need - what it needs.
 * @param data - what the caller gave.
 * @param has - whether `data` provides it.
 *
 * @example
 * ```ts
 * import { requirePlanData } from '@sparse/delta';
 *
 * const data = requirePlanData('darex-q-validation', 'validation', { dropSeeds: [0], validationAccuracy: async () => 0.9 }, (d) => d.validationAccuracy !== undefined);
 * ```
 */
export function requirePlanData(method: string, need: DeltaMethodNeed, data: DeltaPlanData | undefined, has: (data: DeltaPlanData) => boolean): DeltaPlanData {
  if (data === undefined || !has(data)) {
    throw new SparseError('E_CONFIG', `The delta method '${method}' needs ${WHAT[need]}, which is not available here; use it in a delta experiment (sparse run), or pick a method that needs no data.`, {
      field: 'method',
      received: method,
    });
  }
  return data;
}
