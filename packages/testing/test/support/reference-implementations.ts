/**
 * Small, correct implementations of the core contracts, written for the self-tests of the
 * contract suites (they must pass every check), and helpers to derive broken variants.
 */
import type { MaskSet, Pruner, Regularizer, Schedule, Scorer } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';

/** |w|: the magnitude scorer. */
export const magnitudeScorer = (): Scorer => ({
  name: 'magnitude',
  requiresData: false,
  score: ({ parameters }) => new Map(parameters.map((p) => [p.name, tf.abs(p.variable)])),
});

/** |w · ∂L/∂w|: a SNIP-like scorer that needs the batch and the loss. */
export const snipScorer = (): Scorer => ({
  name: 'snip',
  requiresData: true,
  score: ({ parameters, batch, loss }) => {
    if (batch === undefined || loss === undefined) throw new Error('snip needs a batch and a loss');
    const { value, grads } = tf.variableGrads(() => loss(batch), parameters.map((p) => p.variable));
    value.dispose();
    const scores = new Map(parameters.map((p) => [p.name, tf.tidy(() => tf.abs(tf.mul(p.variable, grads[p.variable.name] ?? tf.zerosLike(p.variable))))]));
    tf.dispose(grads);
    return scores;
  },
});

interface Candidate {
  readonly tensor: number;
  readonly index: number;
  readonly score: number;
}

/**
 * Exact-count pruning: the lowest scores among the weights still alive are pruned until the
 * budget is reached, ties broken by tensor order, then index. A `perParameter` tensor gets its own
 * budget; the others share theirs per tensor (`layerwise`, and `erk`, whose uniform densities
 * meet the total the contract checks), as one pool (`global`), or are left alone (`custom`).
 * Budgets are `round(s × size)` zeros, or `round(s × alive)` more with `basis: 'remaining'`.
 */
export const exactCountPruner = (): Pruner => ({
  name: 'exact-count',
  prune: ({ parameters, scores, masks, target }) => {
    const entries = parameters.map((p) => ({
      name: p.name,
      shape: p.variable.shape,
      scores: Array.from(scores.get(p.name)?.dataSync() ?? []),
      keep: Array.from(masks.get(p.name)?.dataSync() ?? new Array<number>(p.variable.size).fill(1)),
    }));
    const zeros = (tensors: readonly number[]): number => tensors.reduce((sum, t) => sum + (entries[t]?.keep.filter((k) => k === 0).length ?? 0), 0);
    const size = (tensors: readonly number[]): number => tensors.reduce((sum, t) => sum + (entries[t]?.keep.length ?? 0), 0);
    const candidates = (tensors: readonly number[]): Candidate[] =>
      tensors.flatMap((tensor) => entries[tensor]?.keep.flatMap((k, index) => (k === 1 ? [{ tensor, index, score: entries[tensor]?.scores[index] ?? 0 }] : [])) ?? []);
    const pruneGroup = (tensors: readonly number[], rate: number): void => {
      const [n, z] = [size(tensors), zeros(tensors)];
      const count = target.basis === 'remaining' ? Math.round(rate * (n - z)) : Math.round(rate * n) - z;
      const sorted = candidates(tensors).sort((a, b) => a.score - b.score || a.tensor - b.tensor || a.index - b.index);
      for (const { tensor, index } of sorted.slice(0, Math.max(0, count))) (entries[tensor] as { keep: number[] }).keep[index] = 0;
    };
    const pool: number[] = [];
    entries.forEach((entry, tensor) => {
      const own = target.perParameter?.[entry.name];
      if (own !== undefined) pruneGroup([tensor], own);
      else pool.push(tensor);
    });
    if (target.scope === 'global') pruneGroup(pool, target.sparsity);
    else if (target.scope !== 'custom') for (const tensor of pool) pruneGroup([tensor], target.sparsity);
    return new Map(entries.map((entry) => [entry.name, tf.tensor(entry.keep, entry.shape, 'float32')]));
  },
});

/** tfmot's PolynomialDecay: s_f + (s_i − s_f)(1 − (t − t0)/(t1 − t0))³, updates every `frequency` steps. */
export const polynomialSchedule = (): Schedule => {
  const [initial, final, begin, end, frequency] = [0, 0.9, 100, 1100, 100];
  return {
    name: 'polynomial',
    sparsityAt: (step) => {
      const progress = Math.min(Math.max((step - begin) / (end - begin), 0), 1);
      return final + (initial - final) * (1 - progress) ** 3;
    },
    isUpdateStep: (step) => step >= begin && step <= end && (step - begin) % frequency === 0,
  };
};

/**
 * The sum of scalars. Not `tf.addN`: its gradient calls `dy.clone()`, a chained op that tfjs-core
 * alone does not register.
 */
const sumOf = (terms: readonly tf.Tensor[]): tf.Scalar => terms.reduce<tf.Scalar>((total, term) => tf.add(total, term) as tf.Scalar, tf.scalar(0));

/** L1 with a penalty and a soft-thresholding proximal step that respects the masks. */
export const l1Regularizer = (strength = 1e-2): Regularizer => ({
  name: 'l1',
  penalty: (parameters) => tf.tidy(() => tf.mul(sumOf(parameters.map((p) => tf.sum(tf.abs(p.variable)))), strength)),
  proximalStep: (parameters, context, masks: MaskSet) => {
    const threshold = (context.learningRate ?? 0) * strength;
    for (const p of parameters) {
      const mask = masks.get(p.name);
      tf.tidy(() => {
        const shrunk = tf.mul(tf.sign(p.variable), tf.relu(tf.sub(tf.abs(p.variable), threshold)));
        p.variable.assign(mask === undefined ? shrunk : tf.mul(shrunk, mask));
      });
    }
  },
});

/** L2 with a penalty only (no proximal step). */
export const l2PenaltyRegularizer = (): Regularizer => ({
  name: 'l2',
  penalty: (parameters) => tf.tidy(() => sumOf(parameters.map((p) => tf.sum(tf.square(p.variable))))),
});

/** The names of the checks that found violations, sorted and unique. */
export const failedChecks = (violations: readonly { check: string }[]): string[] => [...new Set(violations.map((v) => v.check))].sort();
