/**
 * The pretrained model: its test accuracy on the fine-tuning task and on its own classes, and the
 * mean loss of every epoch.
 *
 * @example
 * ```ts
 * import type { PretrainResult } from '@sparse/delta';
 *
 * const pretrained: PretrainResult = { accuracy: 0.44, pretrainAccuracy: 0.88, losses: [0.5, 0.3] };
 * ```
 */
export interface PretrainResult {
  readonly accuracy: number;
  readonly pretrainAccuracy: number;
  readonly losses: readonly number[];
}

/**
 * The size of a delta: over the pruned tensors (mean, rms and largest `|δ|`) and the mean `|δ|` of
 * the excluded ones (the head).
 *
 * @example
 * ```ts
 * import type { DeltaStats } from '@sparse/delta';
 *
 * const stats: DeltaStats = { meanAbs: 2.4e-3, rms: 3.2e-3, maxAbs: 1.5e-2, excludedMeanAbs: 5e-3 };
 * ```
 */
export interface DeltaStats {
  readonly meanAbs: number;
  readonly rms: number;
  readonly maxAbs: number;
  /** `null` when nothing is excluded. */
  readonly excludedMeanAbs: number | null;
}

/**
 * A fine-tuned model: test accuracy, epoch losses and its delta's size.
 *
 * @example
 * ```ts
 * import type { FinetuneResult } from '@sparse/delta';
 *
 * declare const result: FinetuneResult;
 * console.log(result.accuracy, result.delta.meanAbs);
 * ```
 */
export interface FinetuneResult {
  readonly accuracy: number;
  readonly losses: readonly number[];
  readonly delta: DeltaStats;
}

/**
 * One point of an accuracy curve: the drop rate, the `q` the method used (if any), and the test
 * accuracy for every drop seed (one value for deterministic methods).
 *
 * @example
 * ```ts
 * import type { CurvePoint } from '@sparse/delta';
 *
 * const point: CurvePoint = { rate: 0.9, q: null, evaluations: 0, accuracy: [0.78, 0.79] };
 * ```
 */
export interface CurvePoint {
  readonly rate: number;
  readonly q: string | null;
  readonly evaluations: number;
  readonly accuracy: readonly number[];
}

/**
 * A method's accuracy curve over the config's drop rates on one fine-tuned model.
 *
 * @example
 * ```ts
 * import type { CurveResult } from '@sparse/delta';
 *
 * declare const curve: CurveResult;
 * console.log(curve.label, curve.points.length);
 * ```
 */
export interface CurveResult {
  /** Its position in `methods`. */
  readonly index: number;
  readonly method: string;
  readonly label: string;
  readonly stochastic: boolean;
  readonly points: readonly CurvePoint[];
}

/**
 * A method at the `darex` rate: the `q` it chose, the evaluations that took, test accuracy over
 * the drop seeds, and the mean output change of the last hidden layer.
 *
 * @example
 * ```ts
 * import type { DarexResult } from '@sparse/delta';
 *
 * declare const row: DarexResult;
 * console.log(row.label, row.q, row.outputChange);
 * ```
 */
export interface DarexResult {
  readonly index: number;
  readonly method: string;
  readonly label: string;
  readonly q: string | null;
  readonly evaluations: number;
  readonly accuracy: readonly number[];
  readonly outputChange: number;
}

/**
 * One row of the variance check: the change of one unit of the last hidden layer over many drop
 * seeds against `E[Δh] = (1 − (1−p)/q) Σ c_j` and `Var[Δh] = ((1−p)p/q²) Σ c_j²`.
 *
 * @example
 * ```ts
 * import type { VarianceRow } from '@sparse/delta';
 *
 * declare const row: VarianceRow;
 * console.log(row.variance / row.expectedVariance);
 * ```
 */
export interface VarianceRow {
  readonly rate: number;
  readonly q: number;
  readonly realizedRate: number;
  readonly mean: number;
  readonly expectedMean: number;
  readonly variance: number;
  readonly expectedVariance: number;
  readonly seeds: number;
}

/**
 * Everything a `delta` run measured, as written to `results.json` and rendered in the reports.
 *
 * @example
 * ```ts
 * import type { DeltaExperimentResults } from '@sparse/delta';
 *
 * declare const results: DeltaExperimentResults;
 * for (const regime of results.regimes) console.log(regime.id, regime.finetune.accuracy);
 * ```
 */
export interface DeltaExperimentResults {
  readonly name: string;
  readonly dataset: string;
  readonly backend: string;
  readonly counts: { readonly pretrain: number; readonly finetune: number; readonly validation: number; readonly calibration: number; readonly test: number; readonly pretrainTest: number };
  readonly model: readonly number[];
  readonly pretrainClasses: readonly number[];
  readonly finetuneClasses: readonly number[];
  readonly pretrainEpochs: number;
  readonly pretrainLearningRate: number;
  readonly batchSize: number;
  readonly dropSeeds: readonly number[];
  readonly exclude: readonly string[];
  readonly pretrain: PretrainResult;
  readonly regimes: readonly {
    readonly id: string;
    readonly label: string;
    readonly epochs: number;
    readonly finetune: FinetuneResult;
    readonly curves: readonly CurveResult[];
    readonly darex: readonly DarexResult[];
  }[];
  readonly darexRate: number | null;
  readonly varianceCheck: { readonly regime: string; readonly layer: string; readonly unit: number; readonly rows: readonly VarianceRow[] } | null;
}
