import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRuntime } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { toyContext } from './method-context.js';
import { riglRule, setRule } from '../src/dst/mask-update-rules.js';
import { layerBudgets } from '../src/masks/layer-budgets.js';
import { randomMasks } from '../src/masks/random-masks.js';
import { trainMaskedModel } from '../src/training/train-masked-model.js';

describe('trainMaskedModel on the wasm dense-trainer', () => {
  it.each([['rigl', riglRule], ['set', setRule]] as const)('runs %s updates through the dense-trainer: exact density per layer, pruned weights zero, learns, no leak', async (_name, makeRule) => {
    const runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
    const context = await toyContext({ runtime, epochs: 3 });
    const model = context.createModel();
    const kernels = model.denseLayers.map(({ kernel }) => ({ name: kernel.name, shape: kernel.variable.shape }));
    const budgets = layerBudgets(kernels, 0.7);
    const initial = context.evaluate(model, 'validation').accuracy;
    const before = tf.memory().numTensors;
    const result = await trainMaskedModel({ context, model, masks: randomMasks(budgets, 1), epochs: 3, rule: makeRule({ updateEvery: 4 }), seed: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.engine).toBe('dense-trainer');
    expect(result.maskUpdates.map((u) => u.step)).toEqual([4, 8, 12, 16, 20]);
    expect(result.maskUpdates.some((u) => u.grown > 0)).toBe(true);
    // Exact density per layer after every update, as the engine reports it.
    for (const update of result.maskUpdates) for (const budget of budgets) expect(update.layers[budget.name]!.active).toBe(budget.kept);
    const weights = model.read();
    for (const budget of budgets) {
      const mask = result.masks.get(budget.name)!;
      expect(mask.reduce((a, b) => a + b, 0)).toBe(budget.kept);
      const w = weights.get(budget.name)!;
      for (let i = 0; i < w.length; i += 1) if (mask[i] === 0) expect(w[i] === 0).toBe(true);
    }
    expect(result.curve.at(-1)!.validationAccuracy).toBeGreaterThan(initial);
    model.dispose();
  });
});
