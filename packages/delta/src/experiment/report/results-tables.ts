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


/**
 * The variance check as a table: per point, the realized drop rate, the mean and variance of the
 * unit's change over the drop seeds against the closed forms, the mean's distance in standard
 * errors and the variance ratio.
 *
 * @example
 * ```ts
 * import { varianceTable, type DeltaExperimentResults } from '@sparse/delta';
 *
 * declare const results: DeltaExperimentResults;
 * if (results.varianceCheck !== null) console.log(varianceTable(results.varianceCheck).rows.length);
 * ```
 */
export function varianceTable(check: NonNullable<DeltaExperimentResults['varianceCheck']>): Table {
  return {
    columns: [
      { key: 'p', align: 'right' },
      { key: 'q', align: 'right' },
      { key: 'realized', header: 'realized drop rate', align: 'right' },
      { key: 'mean', header: 'mean Δh', align: 'right', format: exponent },
      { key: 'expectedMean', header: 'expected', align: 'right', format: exponent },
      { key: 'z', header: '|mean − expected| / SE', align: 'right' },
      { key: 'variance', header: 'Var Δh', align: 'right', format: exponent },
      { key: 'expectedVariance', header: 'expected', align: 'right', format: exponent },
      { key: 'ratio', header: 'ratio', align: 'right' },
    ],
    rows: check.rows.map((row) => ({
      p: row.rate,
      q: row.q,
      realized: row.realizedRate.toFixed(4),
      mean: row.mean,
      expectedMean: row.expectedMean,
      z: (Math.abs(row.mean - row.expectedMean) / Math.sqrt(row.variance / row.seeds)).toFixed(2),
      variance: row.variance,
      expectedVariance: row.expectedVariance,
      ratio: (row.variance / row.expectedVariance).toFixed(3),
    })),
  };
}
