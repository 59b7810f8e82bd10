import * as tf from '@tensorflow/tfjs-core';
import { createRuntime } from '@sparse/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectMasks, type SelectMasksContext } from './select-masks.js';

const defaults = { scope: 'layerwise', scorer: 'magnitude', pattern: { kind: 'unstructured' }, mode: 'pytorch', seed: 0 } as const;

describe('selectMasks', () => {
  let context: SelectMasksContext;
  const warnings: string[] = [];
  beforeAll(async () => {
    context = { runtime: await createRuntime({ backend: 'cpu' }), onWarning: (message) => warnings.push(message) };
  });

  it('leaks no tensor and breaks ties by flat index in PyTorch layout', async () => {
    const before = tf.memory().numTensors;
    // Linear [out=2, in=3]: |w| ties at 1 (indices 1, 3, 5); 3 of 6 pruned → 0.5 at index 0, then 1 at 1 and 3.
    const masks = await selectMasks([{ name: 'w', shape: [2, 3], values: Float32Array.of(0.5, 1, 2, -1, 3, 1) }], { ...defaults, sparsity: 0.5 }, context);
    expect(Array.from(masks.get('w')!)).toEqual([0, 0, 1, 0, 1, 1]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ranks globally across tensors in the given order', async () => {
    const masks = await selectMasks(
      [
        { name: 'a', shape: [1, 2], values: Float32Array.of(0.1, 5) },
        { name: 'b', shape: [2, 1], values: Float32Array.of(0.2, 0.3) },
      ],
      { ...defaults, scope: 'global', sparsity: 0.5 },
      context,
    );
    expect(Array.from(masks.get('a')!)).toEqual([0, 1]);
    expect(Array.from(masks.get('b')!)).toEqual([0, 1]);
  });

  it('may empty a tensor, as PyTorch does, with a warning', async () => {
    warnings.length = 0;
    const masks = await selectMasks([{ name: 'w', shape: [1, 2], values: Float32Array.of(1, 2) }], { ...defaults, sparsity: 0.75 }, context);
    expect(Array.from(masks.get('w')!)).toEqual([0, 0]); // round(1.5) = 2
    expect(warnings).toEqual(['w: every weight is pruned (layer collapse).']);
  });
});
