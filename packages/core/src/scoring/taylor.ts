import { echoValue } from '../runtime/options-issues.js';
import * as tf from '@tensorflow/tfjs-core';
import type { ScoreSet } from '../contracts/mask.js';
import type { ScoringInput } from '../contracts/scorer.js';
import type { SyncScorer } from '../contracts/sync-scorer.js';
import { SparseError } from '../errors.js';
import { checkParameters, gradientsOf, requireBatches, requireLoss } from './scoring-support.js';

/**
 * Options of {@link taylorScorer}.
 *
 * @example
 * ```ts
 * import type { TaylorScorerOptions } from '@sparse/core';
 *
 * const options: TaylorScorerOptions = { criterion: 'abs' };
 * ```
 */
export interface TaylorScorerOptions {
  /** `squared`: `(g·w)²` (default, Molchanov et al. 2019); `abs`: `|g·w|`. */
  readonly criterion?: 'squared' | 'abs';
}

/**
 * First-order Taylor importance (spec E.2): per element `(g_j·w_j)²` or `|g_j·w_j|`, computed on
 * each batch and averaged over `input.batches` (or the single `input.batch`). Needs `input.loss`.
 *
 * @throws SparseError `E_CONFIG` for an unknown criterion; at scoring, `E_ARGUMENT` when the loss or batches are missing.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { taylorScorer, type Batch } from '@sparse/core';
 *
 * const w = tf.variable(tf.randomNormal([784, 10]));
 * declare const batches: Batch[];
 * const scores = taylorScorer({ criterion: 'squared' }).score({
 *   parameters: [{ name: 'w', role: 'dense-kernel', variable: w }],
 *   masks: new Map(),
 *   batches,
 *   loss: ({ x, y }) => tf.losses.softmaxCrossEntropy(y, tf.matMul(x, w)),
 * });
 * ```
 */
export function taylorScorer(options: TaylorScorerOptions = {}): SyncScorer {
  const criterion = options.criterion ?? 'squared';
  if (criterion !== 'squared' && criterion !== 'abs') {
    throw new SparseError('E_CONFIG', `taylor scorer: criterion must be 'squared' or 'abs', got ${echoValue(criterion)}.`, {
      field: 'criterion',
      received: criterion,
      allowed: ['squared', 'abs'],
    });
  }
  return Object.freeze({
    name: 'taylor',
    requiresData: true,
    score(input: ScoringInput): ScoreSet {
      const parameters = checkParameters(input, 'taylor');
      const loss = requireLoss(input, 'taylor');
      const batches = requireBatches(input, 'taylor');
      const variables = parameters.map((p) => p.variable);
      let sums: tf.Tensor[] = variables.map((v) => tf.zerosLike(v));
      for (const batch of batches) {
        const next = tf.tidy(() => {
          const grads = gradientsOf(() => loss(batch), variables);
          return grads.map((g, i) => {
            const product = tf.mul(g, variables[i] as tf.Variable);
            return tf.add(sums[i] as tf.Tensor, criterion === 'squared' ? tf.square(product) : tf.abs(product));
          });
        });
        tf.dispose(sums);
        sums = next;
      }
      const scores = sums.map((s) => tf.div(s, batches.length));
      tf.dispose(sums);
      return new Map(parameters.map((p, i) => [p.name, scores[i] as tf.Tensor]));
    },
  });
}
