import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SelectionMode } from '../contracts/selection-mode.js';
import type { SparsityTarget } from '../contracts/sparsity-target.js';
import { roundHalfEven } from '../selection/rounding.js';
import { createPruner } from './score-pruner.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Prunes named 1-D score vectors (as [n, 1] kernels) and returns the kept flags of each. */
function prune(
  mode: SelectionMode,
  tensors: Record<string, { scores: number[]; mask?: number[] }>,
  target: SparsityTarget,
  allowLayerCollapse = true,
): Record<string, number[]> {
  const entries = Object.entries(tensors);
  const parameters = entries.map(([name, { scores }]) => ({
    name,
    role: 'dense-kernel' as const,
    variable: tf.variable(tf.tensor2d(scores, [scores.length, 1])),
  }));
  const scores = new Map(entries.map(([name, t]) => [name, tf.tensor2d(t.scores, [t.scores.length, 1])]));
  const masks = new Map(
    entries.filter(([, t]) => t.mask !== undefined).map(([name, t]) => [name, tf.tensor2d(t.mask!, [t.mask!.length, 1])]),
  );
  const out = createPruner({ mode, allowLayerCollapse, onWarning: () => {} }).prune({ parameters, scores, masks, target });
  const result = Object.fromEntries([...out.entries()].map(([name, mask]) => [name, [...mask.dataSync()]]));
  tf.dispose([...out.values(), ...scores.values(), ...masks.values(), ...parameters.map((p) => p.variable)]);
  return result;
}

const remaining = (sparsity: number, scope: 'layerwise' | 'global' = 'layerwise'): SparsityTarget => ({
  sparsity,
  scope,
  basis: 'remaining',
});

describe('round half to even (Python round, np.round, tf.round)', () => {
  it('sends halves to the even neighbour', () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 0, -2, 2, 3]);
  });
});

describe('compatibility modes against hand-computed reference results', () => {
  const five = { w: { scores: [0.1, 0.2, 0.3, 0.4, 0.5] } };

  it('pytorch: round(amount · n_unpruned) with banker rounding, then the smallest', () => {
    expect(prune('pytorch', five, remaining(0.5)).w).toEqual([0, 0, 1, 1, 1]); // round(2.5) = 2
    expect(prune('pytorch', five, remaining(0.3)).w).toEqual([0, 0, 1, 1, 1]); // round(1.5) = 2
    expect(prune('pytorch', five, remaining(0.7)).w).toEqual([0, 0, 0, 0, 1]); // round(3.5) = 4
    expect(prune('exact', five, remaining(0.7)).w).toEqual([0, 0, 0, 1, 1]); // exact: ⌊3.5⌋ = 3
  });

  it('pytorch: an existing mask restricts the amount to the unpruned slice (PruningContainer)', () => {
    // 4 unpruned, amount 0.5 -> round(2.0) = 2 of them.
    expect(prune('pytorch', { w: { scores: [0.1, 0.2, 0.3, 0.4, 0.5], mask: [0, 1, 1, 1, 1] } }, remaining(0.5)).w).toEqual([0, 0, 0, 1, 1]);
  });

  it('pytorch global_unstructured: one pool, amount of the pool', () => {
    const out = prune('pytorch', { a: { scores: [0.1, 0.4] }, b: { scores: [0.2, 0.3, 0.5] } }, remaining(0.5, 'global'));
    expect(out).toEqual({ a: [0, 1], b: [0, 1, 1] }); // round(2.5) = 2: 0.1 and 0.2
  });

  it('tfmot: keep k = max(round(N(1−s)), 1) at ≥ the k-th largest; ties are kept', () => {
    const tied = { w: { scores: [1, 2, 2, 3, 4, 5, 6, 7, 8, 9] } };
    // k = round(7.5) = 8; the 8th largest is 2; both 2s are kept, only the 1 goes.
    expect(prune('tfmot', tied, { sparsity: 0.25, scope: 'layerwise' }).w).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    // exact: ⌊2.5⌋ = 2 zeros, the tie broken by index.
    expect(prune('exact', tied, { sparsity: 0.25, scope: 'layerwise' }).w).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    // s = 0.99 on 10 weights: k = max(round(0.1), 1) = 1.
    expect(prune('tfmot', tied, { sparsity: 0.99, scope: 'layerwise' }).w).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('tfmot: the threshold is taken over the whole tensor, pruned weights included', () => {
    const out = prune(
      'tfmot',
      { w: { scores: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], mask: [0, 0, 1, 1, 1, 1, 1, 1, 1, 1] } },
      { sparsity: 0.5, scope: 'layerwise' },
    );
    expect(out.w).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]); // k = 5, 5th largest = 6
  });

  it('open-lth layerwise: n = ceil(f · alive), keep ≥ sorted[n] (under-prunes on ties)', () => {
    const tied = { w: { scores: [1, 2, 2, 3, 4] } };
    expect(prune('open-lth-layerwise', tied, remaining(0.4)).w).toEqual([0, 1, 1, 1, 1]); // n = 2, sorted[2] = 2
    expect(prune('open-lth-layerwise', tied, remaining(0.5)).w).toEqual([0, 0, 0, 1, 1]); // n = ceil(2.5) = 3
    expect(prune('open-lth-layerwise', { w: { scores: [5, 4, 3, 2, 1] } }, remaining(0.2)).w).toEqual([1, 1, 1, 1, 0]);
  });

  it('open-lth global: n = ceil(f · alive), keep > sorted[n] (prunes n + 1 without ties)', () => {
    const out = prune('open-lth-global', { a: { scores: [1, 4] }, b: { scores: [2, 3, 5] } }, remaining(0.4, 'global'));
    expect(out).toEqual({ a: [0, 1], b: [0, 0, 1] }); // n = 2, sorted[2] = 3, three pruned
  });

  it('google-lth: cutoff index round(p · alive) (half-even), prune ≤ sorted[cutoff]', () => {
    expect(prune('google-lth', five, remaining(0.4)).w).toEqual([0, 0, 0, 1, 1]); // index 2 -> 0.3
    expect(prune('google-lth', five, remaining(0.5)).w).toEqual([0, 0, 0, 1, 1]); // round(2.5) = 2
  });

  it('percentile (MIR-L): prune < np.percentile(alive, 100p), linear interpolation', () => {
    const ints = { w: { scores: [1, 2, 3, 4, 5] } };
    expect(prune('percentile', ints, remaining(0.5)).w).toEqual([0, 0, 1, 1, 1]); // threshold 3
    expect(prune('percentile', ints, remaining(0.3)).w).toEqual([0, 0, 1, 1, 1]); // 2.2
    expect(prune('percentile', ints, remaining(0.1)).w).toEqual([0, 1, 1, 1, 1]); // 1.4
    expect(prune('percentile', { w: { scores: [1, 2, 3, 4, 5], mask: [1, 1, 0, 1, 1] } }, remaining(0.5)).w).toEqual([0, 0, 0, 1, 1]); // alive [1,2,4,5] -> 3
  });

  it('synflow: k = int(s · N), prune ≤ kthvalue(k) (over-prunes on ties)', () => {
    expect(prune('synflow', { w: { scores: [1, 2, 2, 3, 4] } }, { sparsity: 0.4, scope: 'global' }).w).toEqual([0, 0, 0, 1, 1]);
    expect(prune('synflow', { w: { scores: [1, 2, 3, 4, 5] } }, { sparsity: 0.19, scope: 'global' }).w).toEqual([1, 1, 1, 1, 1]); // k = 0
  });

  it('every mode leaves masks unchanged when nothing is asked', () => {
    for (const mode of ['exact', 'pytorch', 'tfmot', 'open-lth-layerwise', 'open-lth-global', 'google-lth', 'percentile', 'synflow'] as const) {
      expect(prune(mode, { w: { scores: [1, 2, 3], mask: [1, 0, 1] } }, { sparsity: 0, scope: 'layerwise' }).w).toEqual([1, 0, 1]);
    }
  });

  it('where a reference would index past the end, every candidate is pruned (then the guard decides)', () => {
    expect(prune('open-lth-global', five, remaining(1)).w).toEqual([0, 0, 0, 0, 0]);
    expect(prune('open-lth-global', five, remaining(1), false).w).toEqual([0, 0, 0, 0, 1]);
  });
});
