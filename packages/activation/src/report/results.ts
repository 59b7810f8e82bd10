import type { JsonObject } from '@sparse/experiments';
import type { SparsityLevel } from '../sparsifiers/sparsifier.js';

/**
 * One sparsifier at one level on one trained model: accuracy and realized sparsity on the test
 * set (and sparsity on the calibration set), block-output errors and skippable FLOPs.
 *
 * @example
 * ```ts
 * import type { MethodResult } from '@sparse/activation';
 *
 * declare const result: MethodResult;
 * console.log(result.method, result.levelLabel, result.accuracy, result.drop);
 * ```
 */
export interface MethodResult {
  /** The sparsifier's label (`CATS histogram`). */
  readonly method: string;
  /** Its registered name (`cats`). */
  readonly sparsifier: string;
  readonly level: SparsityLevel;
  /** `50 %`, `k = 128`. */
  readonly levelLabel: string;
  /** The target sparsity (for a top-k `k`: the mean fraction zeroed by construction). */
  readonly target: number;
  readonly accuracy: number;
  /** Dense accuracy minus this accuracy. */
  readonly drop: number;
  /** Realized sparsity per sparsified site on the test set, in forward order. */
  readonly testSparsity: readonly { readonly site: string; readonly sparsity: number }[];
  /** The same on the calibration set. */
  readonly calibrationSparsity: readonly { readonly site: string; readonly sparsity: number }[];
  /** Relative block-output error on the test set, per block (`null` when undefined). */
  readonly blockErrors: readonly { readonly block: string; readonly relativeError: number | null }[];
  /** Skippable FLOPs as a fraction of the dense forward FLOPs. */
  readonly skippableFraction: number;
}

/**
 * One fine-tuning run: a sparsifier's thresholds at one level kept in place while training from
 * the dense model at one learning rate.
 *
 * @example
 * ```ts
 * import type { FineTuneResult } from '@sparse/activation';
 *
 * declare const result: FineTuneResult;
 * console.log(`${result.before} -> ${result.after}`);
 * ```
 */
export interface FineTuneResult {
  readonly method: string;
  readonly level: SparsityLevel;
  readonly levelLabel: string;
  readonly learningRate: number;
  readonly epochs: number;
  /** Test accuracy with the thresholds, before fine-tuning. */
  readonly before: number;
  /** After fine-tuning. */
  readonly after: number;
  /** Realized test sparsity per sparsified site after fine-tuning. */
  readonly sparsity: readonly { readonly site: string; readonly sparsity: number }[];
}

/**
 * Everything measured on one model of an `activation` run.
 *
 * @example
 * ```ts
 * import type { ModelResults } from '@sparse/activation';
 *
 * declare const model: ModelResults;
 * console.log(model.id, model.denseAccuracy, model.methods.length);
 * ```
 */
export interface ModelResults {
  readonly id: string;
  /** The registered model name (`gated-mlp`). */
  readonly model: string;
  readonly description: string;
  readonly epochs: number;
  readonly learningRate: number;
  readonly flopsPerExample: number;
  readonly sites: readonly { readonly name: string; readonly kind: string; readonly block: string; readonly width: number }[];
  /** The sparsifiers compared, in config order. */
  readonly sparsifiers: readonly { readonly label: string; readonly name: string; readonly description: string; readonly calibrates: boolean }[];
  /** After each epoch (epoch 0 = initialisation when `trackNonzero`): test accuracy, and nonzero fractions when tracked. */
  readonly history: readonly { readonly epoch: number; readonly accuracy: number; readonly testNonzero?: number; readonly trainNonzero?: number }[];
  readonly trackNonzero: boolean;
  readonly denseAccuracy: number;
  /** Exact zeros per site of the dense model on the test set. */
  readonly naturalSparsity: readonly { readonly site: string; readonly sparsity: number }[];
  readonly methods: readonly MethodResult[];
  /** The naive ReLU swap, when asked for. */
  readonly reluSwap?: { readonly accuracy: number; readonly sparsity: readonly number[]; readonly skippableFraction: number };
  readonly fineTuned: readonly FineTuneResult[];
}

/**
 * The results of an `activation` run (`summary.json` in the run directory), from which the
 * report, the results page and the table are made.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { buildActivationReport, type ActivationResults } from '@sparse/activation';
 *
 * const results = JSON.parse(await readFile('.runs/activation-quick-0123456789ab/summary.json', 'utf8')) as ActivationResults;
 * const report = buildActivationReport(results);
 * ```
 */
export interface ActivationResults {
  readonly name: string;
  readonly seed: number;
  /** `bundled` or `full`. */
  readonly dataset: 'bundled' | 'full';
  readonly backend: string;
  readonly trainCount: number;
  readonly testCount: number;
  readonly calibrationCount: number;
  readonly probeCount: number;
  readonly calibrationBatchSize: number;
  readonly batchSize: number;
  readonly targets: readonly number[];
  readonly models: readonly ModelResults[];
  /** The config as run. */
  readonly config: JsonObject;
}
