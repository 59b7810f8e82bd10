import * as tf from '@tensorflow/tfjs-core';
import type { ScoreSet } from '../contracts/mask.js';
import type { ScoringInput } from '../contracts/scorer.js';
import type { SyncScorer } from '../contracts/sync-scorer.js';
import { SparseError } from '../errors.js';
import { checkParameters, gradientsOf, requireModel } from './scoring-support.js';

function inputShapeOf(input: ScoringInput): readonly number[] {
  const shape = input.model?.inputShape ?? (input.batch ?? input.batches?.[0])?.x.shape.slice(1);
  if (shape === undefined) {
    throw new SparseError(
      'E_ARGUMENT',
      'synflow needs the shape of one input example: set model.inputShape (e.g. [784]) or pass a batch to take it from.',
      { field: 'model.inputShape' },
    );
  }
  return shape;
}

/**
 * SynFlow (Tanaka et al. 2020, spec E.2; Synaptic-Flow `Pruners/pruners.py::SynFlow`):
 * data-free. Every variable of `model.variables` (default: the scored parameters) is replaced by
 * its absolute value, masked by the current mask for scored parameters; the forward runs on an
 * all-ones input of shape `[1, ...inputShape]`; `R = Σ output`; the score is `|∂R/∂θ ⊙ θ|` with
 * `θ` the linearised weight. Every variable is then restored exactly (the original tensors are
 * put back). Needs `input.model`, and `model.inputShape` or a batch to read the shape from. Run
 * normalisation layers in inference mode. float32 can overflow in very deep networks: the
 * scorer then fails with `E_ARGUMENT` rather than return non-finite scores.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { synflowScorer } from '@sparse/core';
 *
 * const w1 = tf.variable(tf.randomNormal([784, 100]));
 * const w2 = tf.variable(tf.randomNormal([100, 10]));
 * const scores = synflowScorer().score({
 *   parameters: [
 *     { name: 'w1', role: 'dense-kernel', variable: w1 },
 *     { name: 'w2', role: 'dense-kernel', variable: w2 },
 *   ],
 *   masks: new Map(),
 *   model: { forward: (x) => tf.matMul(tf.relu(tf.matMul(x, w1)), w2), inputShape: [784] },
 * });
 * ```
 */
export function synflowScorer(): SyncScorer {
  return Object.freeze({
    name: 'synflow',
    requiresData: false,
    score(input: ScoringInput): ScoreSet {
      const parameters = checkParameters(input, 'synflow');
      const model = requireModel(input, 'synflow');
      const shape = inputShapeOf(input);
      const scored = parameters.map((p) => p.variable);
      const all = [...new Set([...(model.variables ?? []), ...scored])];
      const masks = new Map(parameters.map((p) => [p.variable, input.masks?.get(p.name)]));
      const saved = all.map((v) => tf.clone(v));
      try {
        tf.tidy(() => {
          all.forEach((v, i) => {
            const mask = masks.get(v);
            const magnitude = tf.abs(saved[i] as tf.Tensor);
            v.assign(mask === undefined ? magnitude : tf.mul(magnitude, mask));
          });
        });
        const scores = tf.tidy(() => {
          const ones = tf.ones([1, ...shape]);
          const grads = gradientsOf(() => tf.sum(model.forward(ones)), scored);
          return grads.map((g, i) => tf.abs(tf.mul(g, scored[i] as tf.Variable)));
        });
        const finite = tf.tidy(() => scores.every((s) => (tf.all(tf.isFinite(s)).dataSync()[0] as number) === 1));
        if (!finite) {
          tf.dispose(scores);
          throw new SparseError(
            'E_ARGUMENT',
            'synflow: the scores overflowed float32 (the product of |weights| through the network is too large); rescale the weights or score fewer layers at a time.',
            { field: 'model' },
          );
        }
        return new Map(parameters.map((p, i) => [p.name, scores[i] as tf.Tensor]));
      } finally {
        all.forEach((v, i) => v.assign(saved[i] as tf.Tensor));
        tf.dispose(saved);
      }
    },
  });
}
