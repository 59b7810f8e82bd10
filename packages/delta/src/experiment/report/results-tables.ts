import type { Table } from '@sparse/experiments';
import type { DeltaExperimentResults } from '../results.js';
import { accuracyText } from './stats.js';

const exponent = (value: unknown) => (typeof value === 'number' ? value.toExponential(2) : String(value ?? ''));

/**
 * The accuracy curves of a run as one table: a row per fine-tuned model and drop rate, a column
 * per method (mean ± std over the drop seeds, in %).
 *
 * @example
 * ```ts
 * import { formatTable } from '@sparse/experiments';
 * import { curvesTable, type DeltaExperimentResults } from '@sparse/delta';
 *
 * declare const results: DeltaExperimentResults;
 * console.log(formatTable(curvesTable(results)));
 * ```
 */
export function curvesTable(results: DeltaExperimentResults): Table {
  const methods = results.regimes[0]?.curves ?? [];
  return {
    title: 'Test accuracy (%) after pruning the delta, by drop rate p',
    columns: [
      { key: 'regime', header: 'fine-tuning' },
      { key: 'tuned', header: 'fine-tuned', align: 'right' },
      { key: 'p', header: 'p', align: 'right' },
      ...methods.map((curve) => ({ key: `m${curve.index}`, header: curve.label, align: 'right' as const })),
    ],
    rows: results.regimes.flatMap((regime) =>
      (regime.curves[0]?.points ?? []).map((point, k) => ({
        regime: k === 0 ? regime.id : '',
        tuned: k === 0 ? (100 * regime.finetune.accuracy).toFixed(2) : '',
        p: String(point.rate),
        ...Object.fromEntries(regime.curves.map((curve) => [`m${curve.index}`, accuracyText(curve.points[k]?.accuracy ?? [])])),
      })),
    ),
  };
}

/**
 * The `darex` comparison as one table: a row per fine-tuned model and method, with the `q` it
 * used, test accuracy, output change and search evaluations.
 *
 * @example
 * ```ts
 * import { formatTable } from '@sparse/experiments';
 * import { darexTable, type DeltaExperimentResults } from '@sparse/delta';
 *
 * declare const results: DeltaExperimentResults;
 * console.log(formatTable(darexTable(results)));
 * ```
 */
export function darexTable(results: DeltaExperimentResults): Table {
  return {
    title: `At p = ${results.darexRate ?? '?'}: the q each method uses`,
    columns: [
      { key: 'regime', header: 'fine-tuning' },
      { key: 'method', header: 'method' },
      { key: 'q', header: 'q' },
      { key: 'accuracy', header: 'test accuracy (%)', align: 'right' },
      { key: 'change', header: 'output change', align: 'right', format: exponent },
      { key: 'evaluations', header: 'search evaluations', align: 'right' },
    ],
    rows: results.regimes.flatMap((regime) =>
      regime.darex.map((row, k) => ({ regime: k === 0 ? regime.id : '', method: row.label, q: row.q ?? '1 − p', accuracy: accuracyText(row.accuracy), change: row.outputChange, evaluations: row.evaluations })),
    ),
  };
}

/**
 * The fine-tuned models and the size of their deltas.
 *
 * @example
 * ```ts
 * import { modelsTable, type DeltaExperimentResults } from '@sparse/delta';
 *
 * declare const results: DeltaExperimentResults;
 * console.log(modelsTable(results).rows.length === results.regimes.length); // true
 * ```
 */
export function modelsTable(results: DeltaExperimentResults): Table {
  return {
    title: 'Fine-tuned models and their deltas (pruned tensors; excluded ones apart)',
    columns: [
      { key: 'regime', header: 'fine-tuning' },
      { key: 'epochs', header: 'epochs', align: 'right' },
      { key: 'accuracy', header: 'test accuracy (%)', align: 'right' },
      { key: 'meanAbs', header: 'mean |δ|', align: 'right', format: exponent },
      { key: 'rms', header: 'rms δ', align: 'right', format: exponent },
      { key: 'maxAbs', header: 'max |δ|', align: 'right', format: exponent },
      { key: 'excluded', header: 'excluded mean |δ|', align: 'right', format: exponent },
    ],
    rows: results.regimes.map((regime) => ({
      regime: regime.label,
      epochs: regime.epochs,
      accuracy: (100 * regime.finetune.accuracy).toFixed(2),
      meanAbs: regime.finetune.delta.meanAbs,
      rms: regime.finetune.delta.rms,
      maxAbs: regime.finetune.delta.maxAbs,
      excluded: regime.finetune.delta.excludedMeanAbs ?? '-',
    })),
  };
}
