import * as tf from '@tensorflow/tfjs-core';
import type { Batch, LossFunction } from '../contracts/batch.js';
import type { MaskSet, ScoreSet } from '../contracts/mask.js';
import { DEFAULT_PRUNABLE_ROLES, type NamedParameter, type ParameterRole } from '../contracts/parameter.js';
import type { Scorer } from '../contracts/scorer.js';
import type { ScoringModel } from '../contracts/scoring-model.js';
import type { SparsityTarget } from '../contracts/sparsity-target.js';
import { validateSparsityTarget } from '../allocation/validate-target.js';
import { magnitudeScorer } from '../scoring/magnitude.js';
import { createPruner, type PrunerOptions, type PruneOutcome } from './score-pruner.js';

/**
 * Options of {@link pruneParameters}: what to prune, how to score it, the target, and the
 * pruner's options (pattern, mode, collapse guard, warnings).
 *
 * @example
 * ```ts
 * import { magnitudeScorer, type PruneParametersOptions, type NamedParameter } from '@sparse/core';
 *
 * declare const parameters: NamedParameter[];
 * const options: PruneParametersOptions = { parameters, scorer: magnitudeScorer(), target: 0.9, pattern: 'unstructured' };
 * ```
 */
export interface PruneParametersOptions extends PrunerOptions {
  /** The model's parameters; only those whose role is in `roles` are pruned. */
  readonly parameters: readonly NamedParameter[];
  /** The roles pruned. Default: dense and conv kernels. */
  readonly roles?: readonly ParameterRole[];
  /** The current masks (not disposed). Default: dense. */
  readonly masks?: MaskSet;
  /** The scorer (build one by name with `runtime.resolve(Scorers, ...)`). Default `magnitude`. Ignored when `scores` is given. */
  readonly scorer?: Scorer;
  /** Precomputed scores (not disposed). */
  readonly scores?: ScoreSet;
  /** The target; a number means that sparsity, layerwise. */
  readonly target: SparsityTarget | number;
  /** For data-driven scorers: one batch. */
  readonly batch?: Batch;
  /** For scorers that average over batches. */
  readonly batches?: readonly Batch[];
  /** For gradient-based scorers: the loss. */
  readonly loss?: LossFunction;
  /** For GraSP and SynFlow: the model. */
  readonly model?: ScoringModel;
  /** For random scorers: the run seed. */
  readonly seed?: number;
}

/**
 * Scores and prunes in one call: picks the prunable parameters, runs the scorer (disposing its
 * scores), and prunes with a {@link ScorePruner}. Returns the new masks (owned by the caller) and
 * a report line per pruned tensor.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { magnitudeScorer, pruneParameters, type NamedParameter } from '@sparse/core';
 *
 * declare const parameters: NamedParameter[];
 * const { masks, report } = await pruneParameters({
 *   parameters,
 *   scorer: magnitudeScorer(),
 *   target: { sparsity: 0.9, scope: 'global' },
 *   pattern: 'unstructured',
 *   mode: 'exact',
 * });
 * console.table(report);
 * tf.dispose([...masks.values()]);
 * ```
 */
export async function pruneParameters(options: PruneParametersOptions): Promise<PruneOutcome> {
  const roles = options.roles ?? DEFAULT_PRUNABLE_ROLES;
  const parameters = options.parameters.filter((p) => roles.includes(p.role));
  const target: SparsityTarget = typeof options.target === 'number' ? { sparsity: options.target, scope: 'layerwise' } : options.target;
  const masks = options.masks ?? new Map();
  const pruner = createPruner(options);
  validateSparsityTarget(
    target,
    parameters.map((p) => p.name),
  );
  if (options.scores !== undefined) return pruner.pruneWithReport({ parameters, scores: options.scores, masks, target });
  const scorer = options.scorer ?? magnitudeScorer();
  const scores = await scorer.score({
    parameters,
    masks,
    ...(options.batch === undefined ? {} : { batch: options.batch }),
    ...(options.batches === undefined ? {} : { batches: options.batches }),
    ...(options.loss === undefined ? {} : { loss: options.loss }),
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  try {
    return pruner.pruneWithReport({ parameters, scores, masks, target });
  } finally {
    tf.dispose([...scores.values()]);
  }
}
