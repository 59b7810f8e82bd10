import type { CurveResult, DarexResult, DeltaExperimentResults, FinetuneResult, PretrainResult } from './results.js';
import type { MergeResultRow } from './units/merge-unit.js';

/**
 * The training engine of every model a `delta` run trains: core's `train()` with its default
 * (`stock`) tfjs engine.
 *
 * @example
 * ```ts
 * import { DELTA_TRAINING_ENGINE } from './raw-rows.js';
 *
 * console.log(DELTA_TRAINING_ENGINE); // stock
 * ```
 */
export const DELTA_TRAINING_ENGINE = 'stock';

/**
 * One line of a `delta` run's `results.jsonl` (its raw results): a unit's output with the unit id,
 * the training seed and, for trained models, the engine that trained them.
 *
 * @example
 * ```ts
 * import type { DeltaRow } from '@sparse/delta';
 *
 * declare const rows: DeltaRow[];
 * const finetunes = rows.filter((row) => row.phase === 'finetune');
 * ```
 */
export type DeltaRow =
  | ({ readonly phase: 'pretrain'; readonly unit: string; readonly seed: number; readonly engine: string } & PretrainResult)
  | ({ readonly phase: 'finetune'; readonly unit: string; readonly seed: number; readonly engine: string; readonly regime: string; readonly label: string; readonly epochs: number } & FinetuneResult)
  | ({ readonly phase: 'curve'; readonly unit: string; readonly seed: number; readonly regime: string } & CurveResult)
  | ({ readonly phase: 'darex'; readonly unit: string; readonly seed: number; readonly regime: string; readonly rate: number } & DarexResult)
  | ({ readonly phase: 'merge-finetune'; readonly unit: string; readonly seed: number; readonly engine: string; readonly task: string; readonly classes: readonly number[] } & FinetuneResult)
  | ({ readonly phase: 'merge'; readonly unit: string; readonly seed: number } & MergeResultRow)
  | { readonly phase: 'variance'; readonly unit: string; readonly seed: number; readonly check: NonNullable<DeltaExperimentResults['varianceCheck']> };
