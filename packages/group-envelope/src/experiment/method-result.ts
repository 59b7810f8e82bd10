import type { ImplementationRef } from '@sparse/core';

/**
 * What one unit of a `group-envelope` run (a method trained from one seed) records: its output in
 * the run's `results.json` (`{ units: [{ id, output }] }`). Accuracies are fractions; nothing in
 * it depends on the clock, so an interrupted and resumed run writes the same file.
 *
 * @example
 * ```ts
 * import type { GroupEnvelopeMethodResult } from '@sparse/group-envelope';
 *
 * declare const result: GroupEnvelopeMethodResult;
 * console.log(result.method, result.testFinal, result.sets.map((s) => `${s.name}: ${s.kept}/${s.groups}`));
 * ```
 */
export interface GroupEnvelopeMethodResult {
  readonly seed: number;
  /** The method's label (`dense`, or the regularizer's name, `-2` … when repeated). */
  readonly method: string;
  /** The regularizer as configured; `null` for the dense baseline. */
  readonly regularizer: ImplementationRef | null;
  /**
   * The training engine that took the steps, when the config names one (`engine`), as resolved
   * in the unit; absent for the default path (`tf.train.adam` through core's `train`), so runs of
   * configs without `engine` record what they always did.
   */
  readonly engine?: string;
  /** Nonzero groups per set while the prox ran, every `recordEvery` steps (after the step's prox). */
  readonly history: readonly { readonly step: number; readonly nonzero: readonly number[] }[];
  /** Validation accuracy after each epoch (training, then fine-tune; epochs counted from 1). */
  readonly validationCurve: readonly { readonly epoch: number; readonly accuracy: number }[];
  /** Test accuracy at the end of training (before any selection). */
  readonly testBeforeSelection: number;
  /** Test accuracy right after the hard selection, before the fine-tune; `null` for dense. */
  readonly testAfterSelection: number | null;
  /** Test accuracy after the masked fine-tune; `null` for dense. */
  readonly testAfterFineTune: number | null;
  /** The final test accuracy: after the fine-tune, or at the end of training for dense. */
  readonly testFinal: number;
  /** Per set of groups: its size, `k`, nonzero groups at the end of training, kept by the selection, nonzero after the fine-tune (empty for dense). */
  readonly sets: readonly {
    readonly name: string;
    readonly groups: number;
    readonly k: number;
    readonly nonzeroBeforeSelection: number;
    readonly kept: number;
    readonly nonzeroAfterFineTune: number;
  }[];
  /** The final network: widths after compaction (`compactModel`), parameters and FLOPs per example before and after, and the largest |compacted − masked| output on the test set. */
  readonly compaction: {
    readonly widths: readonly number[];
    readonly parameters: { readonly before: number; readonly after: number };
    readonly flops: { readonly before: number; readonly after: number };
    readonly difference: number;
  };
}

/** One count of nonzero groups. */
export type NonzeroRecord = GroupEnvelopeMethodResult['history'][number];
/** One validation accuracy. */
export type EpochAccuracy = GroupEnvelopeMethodResult['validationCurve'][number];
/** What a set of groups went through. */
export type SetOutcome = GroupEnvelopeMethodResult['sets'][number];

/** What the hard selection found, kept in fine-tune checkpoints. */
export interface SelectionSummary {
  readonly testBeforeSelection: number;
  readonly testAfterSelection: number;
  readonly sets: readonly Omit<SetOutcome, 'nonzeroAfterFineTune'>[];
}
