import type { Batch, LossFunction } from './batch.js';
import type { MaskSet, ScoreSet } from './mask.js';
import type { NamedParameter } from './parameter.js';
import type { ScoringModel } from './scoring-model.js';

/**
 * What a {@link Scorer} is given: the parameters to score, the current masks, and for
 * data-driven scorers a batch and the loss to differentiate.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { ScoringInput } from '@sparse/core';
 *
 * const input: ScoringInput = {
 *   parameters: [{ name: 'w', role: 'dense-kernel', variable: tf.variable(tf.ones([2, 2])) }],
 *   masks: new Map(),
 * };
 * ```
 */
export interface ScoringInput {
  /** The parameters to score, in a stable order. */
  readonly parameters: readonly NamedParameter[];
  /** The current masks; a parameter without one is dense. */
  readonly masks: MaskSet;
  /** A batch for data-driven scorers. */
  readonly batch?: Batch;
  /** The loss to differentiate for gradient-based scorers. */
  readonly loss?: LossFunction;
  /** A seed for scorers that draw random numbers. */
  readonly seed?: number;
  /**
   * Several batches, for scorers that average over batches (Taylor, GraSP); they use `batch`
   * alone when this is absent.
   */
  readonly batches?: readonly Batch[];
  /** The model's forward function, for scorers that run the model themselves (GraSP, SynFlow). */
  readonly model?: ScoringModel;
}

/**
 * Assigns an importance score to every element of every parameter: higher means keep. The
 * returned tensors belong to the caller, who disposes them.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { Scorer, ScoringInput, ScoreSet } from '@sparse/core';
 *
 * const magnitude: Scorer = {
 *   name: 'magnitude',
 *   requiresData: false,
 *   score({ parameters }: ScoringInput): ScoreSet {
 *     return new Map(parameters.map((p) => [p.name, tf.abs(p.variable)]));
 *   },
 * };
 * ```
 */
export interface Scorer {
  /** The name it is registered under, e.g. `magnitude`. */
  readonly name: string;
  /** Whether {@link ScoringInput.batch} and {@link ScoringInput.loss} must be given. */
  readonly requiresData: boolean;
  /** Scores every element of every parameter in `input.parameters`. */
  score(input: ScoringInput): ScoreSet | Promise<ScoreSet>;
}
