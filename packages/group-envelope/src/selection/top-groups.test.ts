import * as tf from '@tensorflow/tfjs-core';
import { applyMasks, createRuntime } from '@sparse/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { disposeAll, mlpParameters } from '../../test/support/parameters.js';
import { selectTopGroups } from './select-top-groups.js';
import { keepTopK } from './top-groups.js';

await createRuntime({ backend: 'cpu' });

describe('keepTopK', () => {
  it('keeps exactly k, the largest, ties towards the lower index (spec §0)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 40 }), fc.nat(), (scores, raw) => {
        const k = raw % (scores.length + 1);
        const keep = keepTopK(scores, k);
        expect(keep.reduce((a, b) => a + b, 0)).toBe(k);
        for (let i = 0; i < scores.length; i++)
          for (let j = 0; j < scores.length; j++) {
            // a kept i and a pruned j: i's score is larger, or equal with i > j
            if (keep[i] === 1 && keep[j] === 0) expect(scores[i]! > scores[j]! || (scores[i] === scores[j] && i > j)).toBe(true);
          }
      }),
      { seed: 3, numRuns: 200 },
    );
    expect(Array.from(keepTopK([1, Number.NaN, 0], 2))).toEqual([1, 0, 1]);
    expect(() => keepTopK([1, 2], 3)).toThrow(/k must be an integer in \[0, 2\]/);
  });
});

describe('selectTopGroups', () => {
  it('masks whole neurons (kernel column and bias), exactly k per layer, and leaks nothing', () => {
    const parameters = mlpParameters([10, 8, 6, 3], 9);
    try {
      const before = tf.memory().numTensors;
      const { masks, sets } = selectTopGroups(parameters, { targetGroupSparsity: 0.5 });
      expect(sets.map((s) => [s.name, s.groups, s.kept])).toEqual([
        ['fc1', 8, 4],
        ['fc2', 6, 3],
      ]);
      expect([...masks.keys()].sort()).toEqual(['fc1/bias', 'fc1/kernel', 'fc2/bias', 'fc2/kernel']);
      const kernel = masks.get('fc1/kernel')!.dataSync();
      const bias = masks.get('fc1/bias')!.dataSync();
      const keep = sets[0]!.keep;
      for (let e = 0; e < kernel.length; e++) expect(kernel[e]).toBe(keep[e % 8]);
      expect(Array.from(bias)).toEqual(Array.from(keep));
      applyMasks(parameters, masks);
      const w = parameters[0]!.variable.dataSync();
      for (let e = 0; e < w.length; e++) if (keep[e % 8] === 0) expect(Math.abs(w[e]!)).toBe(0);
      tf.dispose([...masks.values()]);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      disposeAll(parameters);
    }
  });
});
