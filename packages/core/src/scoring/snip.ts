import * as tf from '@tensorflow/tfjs-core';
import type { ScoreSet } from '../contracts/mask.js';
import type { ScoringInput } from '../contracts/scorer.js';
import type { SyncScorer } from '../contracts/sync-scorer.js';
import { checkParameters, gradientsOf, requireBatch, requireLoss, sumAll } from './scoring-support.js';

/**
 * SNIP connection sensitivity (Lee et al. 2019, spec E.2) on one minibatch:
 * `g_j = ∂L(c ⊙ w)/∂c_j |_{c=1} = (∂L/∂w_j)·w_j`, score `|g_j| / Σ_k |g_k|` with the sum over
 * every scored parameter (the global normalisation does not change the ranking). Needs
 * `input.batch` and `input.loss`; the loss reads the variables' current values.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { snipScorer } from '@sparse/core';
 *
 * const w = tf.variable(tf.randomNormal([784, 10]));
 * const batch = { x: tf.randomNormal([32, 784]), y: tf.oneHot(tf.zeros([32], 'int32'), 10) };
 * const scores = snipScorer().score({
 *   parameters: [{ name: 'w', role: 'dense-kernel', variable: w }],
 *   masks: new Map(),
 *   batch,
 *   loss: ({ x, y }) => tf.losses.softmaxCrossEntropy(y, tf.matMul(x, w)),
 * });
 * ```
 */
export function snipScorer(): SyncScorer {
  return Object.freeze({
    name: 'snip',
    requiresData: true,
    score(input: ScoringInput): ScoreSet {
      const parameters = checkParameters(input, 'snip');
      const loss = requireLoss(input, 'snip');
      const batch = requireBatch(input, 'snip');
      const variables = parameters.map((p) => p.variable);
      const scores = tf.tidy(() => {
        const grads = gradientsOf(() => loss(batch), variables);
        const saliency = grads.map((g, i) => tf.abs(tf.mul(g, variables[i] as tf.Variable)));
        const total = sumAll(saliency).dataSync()[0] as number;
        return total > 0 ? saliency.map((s) => tf.div(s, total)) : saliency;
      });
      return new Map(parameters.map((p, i) => [p.name, scores[i] as tf.Tensor]));
    },
  });
}
