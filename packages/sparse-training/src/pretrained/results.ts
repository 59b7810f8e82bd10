import type { DropPoint, EssentialPoint, SplitAccuracy } from '../essential/essential-sweep.js';
import type { MagnitudeAllocation } from '../jackpots/magnitude-masks.js';

/**
 * The output of a `pretrained-masks` pretraining unit (one per seed).
 *
 * @example
 * ```ts
 * import type { PretrainResult } from '@sparse/sparse-training';
 *
 * declare const result: PretrainResult;
 * console.log(result.dense.test);
 * ```
 */
export interface PretrainResult {
  readonly unit: 'pretrain';
  readonly seed: number;
  /** The engine that ran the steps. */
  readonly engine: string;
  readonly epochs: number;
  readonly steps: number;
  /** Validation accuracy after each epoch. */
  readonly curve: readonly { readonly epoch: number; readonly validation: number }[];
  /** The pretrained (dense) model's accuracy. */
  readonly dense: SplitAccuracy;
}

/**
 * The output of an essential-sparsity unit: the dense accuracy and, per allocation, the curve and
 * its drop point on each split.
 *
 * @example
 * ```ts
 * import type { EssentialResult } from '@sparse/sparse-training';
 *
 * declare const result: EssentialResult;
 * console.log(result.sweeps.map((s) => `${s.allocation}: ${s.drop.test.essential}`));
 * ```
 */
export interface EssentialResult {
  readonly unit: 'essential';
  readonly seed: number;
  readonly dense: SplitAccuracy;
  readonly sweeps: readonly {
    readonly allocation: MagnitudeAllocation;
    readonly curve: readonly EssentialPoint[];
    readonly drop: { readonly validation: DropPoint; readonly test: DropPoint };
  }[];
}

/**
 * One epoch of one Lottery Jackpots search, evaluated.
 *
 * @example
 * ```ts
 * import type { JackpotEpochResult } from '@sparse/sparse-training';
 *
 * const row: JackpotEpochResult = { learningRate: 1, epoch: 2, validation: 0.8, test: 0.79, swapped: 100, changedFromMagnitude: 0.05, meanLoss: 0.5 };
 * ```
 */
export interface JackpotEpochResult {
  readonly learningRate: number;
  readonly epoch: number;
  readonly validation: number;
  readonly test: number;
  /** Pairs swapped in that epoch. */
  readonly swapped: number;
  /** Fraction of kept weights that the magnitude mask prunes. */
  readonly changedFromMagnitude: number;
  readonly meanLoss: number;
}

/**
 * The output of a comparison unit: one seed at one sparsity, magnitude pruning without retraining
 * vs the Lottery Jackpots search (the (learning rate, epoch) of best validation accuracy), and
 * magnitude plus a short masked fine-tune.
 *
 * @example
 * ```ts
 * import type { SparsityResult } from '@sparse/sparse-training';
 *
 * declare const result: SparsityResult;
 * console.log(result.sparsity, result.magnitude.test, result.jackpot.test);
 * ```
 */
export interface SparsityResult {
  readonly unit: 'sparsity';
  readonly seed: number;
  readonly sparsity: number;
  readonly allocation: MagnitudeAllocation;
  /** Zeros over all kernels (the output kernel included), as measured. */
  readonly measuredSparsity: number;
  readonly layerDensity: Readonly<Record<string, number>>;
  readonly magnitude: SplitAccuracy;
  /** The search chosen on validation accuracy, and every evaluated epoch. */
  readonly jackpot: SplitAccuracy & { readonly learningRate: number; readonly epoch: number; readonly changedFromMagnitude: number; readonly epochs: readonly JackpotEpochResult[] };
  /** Magnitude masks + masked Adam fine-tune (its last epoch); `null` when `fineTune.epochs` is 0. */
  readonly fineTune: (SplitAccuracy & { readonly epochs: number; readonly engine: string }) | null;
}

/**
 * Any unit's output of a `pretrained-masks` run (one compact JSON line each in `results.jsonl`).
 *
 * @example
 * ```ts
 * import type { PretrainedUnitResult } from '@sparse/sparse-training';
 *
 * declare const row: PretrainedUnitResult;
 * if (row.unit === 'sparsity') console.log(row.jackpot.test);
 * ```
 */
export type PretrainedUnitResult = PretrainResult | EssentialResult | SparsityResult;
