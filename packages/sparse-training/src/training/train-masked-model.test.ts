import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrainingEngines, applyMaskUpdate, type AdamState, type Batch, type EngineMaskAccess, type EngineStepper, type TrainingEngine } from '@sparse/core';
import { toyContext } from '../../test/method-context.js';
import { riglRule, setRule } from '../dst/mask-update-rules.js';
import { layerBudgets } from '../masks/layer-budgets.js';
import { randomMasks } from '../masks/random-masks.js';
import { trainMaskedModel } from './train-masked-model.js';

/** An engine that takes no real step: it records the batches' rows and keeps masks in host arrays. */
function fakeEngine(withAccess: boolean): TrainingEngine & { readonly log: string[] } {
  const log: string[] = [];
  return {
    name: 'fake',
    log,
    refusal: () => undefined,
    async start(model, masks): Promise<EngineStepper> {
      const names = [...masks.keys()];
      const current = new Map(names.map((name) => [name, masks.get(name)!.dataSync() as Float32Array]));
      const shapes = new Map(names.map((name) => [name, masks.get(name)!.shape]));
      const weights = (): Map<string, Float32Array> => new Map(model.parameters.filter((p) => current.has(p.name)).map((p) => [p.name, (p.variable.dataSync() as Float32Array).map((w, i) => w * current.get(p.name)![i]!)]));
      const access: EngineMaskAccess = {
        names,
        shapes,
        readWeights: weights,
        readMasks: () => new Map([...current].map(([name, mask]) => [name, mask.slice()])),
        denseGradients: async (batch: Batch) => {
          log.push(`gradients ${batch.x.shape[0]}`);
          return new Map(names.map((name) => [name, Float32Array.from({ length: current.get(name)!.length }, (_, i) => Math.sin(i))]));
        },
        replaceMasks: (next, grown) => {
          for (const [name, mask] of next) current.set(name, mask.slice());
          log.push(`replace ${[...grown.values()].reduce((a, g) => a + g.length, 0)}`);
        },
      };
      return {
        step: async (batch) => void log.push(`step ${batch.x.shape[0]}`),
        sync: () => undefined,
        adamState: () => Promise.reject(new Error('not here')),
        dispose: async () => void log.push('dispose'),
        ...(withAccess ? { maskAccess: access } : {}),
      };
    },
  };
}

describe('trainMaskedModel', () => {
  it('updates the masks before the rule\'s steps, evaluates after each epoch, reports progress and leaks no tensor (fake engine)', async () => {
    const context = await toyContext({ epochs: 2 });
    const model = context.createModel();
    const kernels = model.denseLayers.map(({ kernel }) => ({ name: kernel.name, shape: kernel.variable.shape }));
    const budgets = layerBudgets(kernels, 0.8);
    const engine = fakeEngine(true);
    const before = tf.memory().numTensors;
    const result = await trainMaskedModel({ context, model, masks: randomMasks(budgets, 1), epochs: 2, rule: riglRule({ updateEvery: 3 }), seed: 5, engine, stepsBefore: 7 });
    expect(tf.memory().numTensors).toBe(before);
    // 400 examples / 40 = 10 steps per epoch; 20 steps; T_end = 15: updates before steps 3, 6, 9, 12.
    expect(result.steps).toBe(20);
    expect(result.maskUpdates.map((u) => u.step)).toEqual([3, 6, 9, 12]);
    expect(engine.log.slice(0, 6)).toEqual(['step 40', 'step 40', 'step 40', 'gradients 40', expect.stringMatching(/^replace \d+$/), 'step 40']);
    expect(engine.log.at(-1)).toBe('dispose');
    expect(result.curve.map((c) => c.epoch)).toEqual([0, 1]);
    expect(context.reported).toEqual(Array.from({ length: 20 }, (_, i) => 8 + i));
    for (const budget of budgets) expect(result.masks.get(budget.name)!.reduce((a, b) => a + b, 0)).toBe(budget.kept);
    for (const update of result.maskUpdates) for (const budget of budgets) expect(update.layers[budget.name]!.active).toBe(budget.kept);
    model.dispose();
  });

  it('refuses a rule on an engine without maskAccess (E_CONFIG naming the engine), and masks that do not fit', async () => {
    const context = await toyContext();
    const model = context.createModel();
    const before = tf.memory().numTensors;
    const masks = new Map([['fc1/kernel', new Float32Array(16 * 24).fill(1)]]);
    await expect(trainMaskedModel({ context, model, masks, epochs: 1, rule: setRule(), seed: 1, engine: fakeEngine(false) })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/'fake' cannot change masks between steps/) });
    expect(tf.memory().numTensors).toBe(before);
    await expect(trainMaskedModel({ context, model, masks: new Map([['fc1/kernel', new Float32Array(3)]]), epochs: 1, seed: 1 })).rejects.toThrowError(/has 3 entries, the parameter 384/);
    await expect(trainMaskedModel({ context, model, masks: new Map([['nope', new Float32Array(3)]]), epochs: 1, seed: 1 })).rejects.toThrowError(/not a parameter of the model/);
    model.dispose();
  });

  it('stops at the abort signal with its reason, freeing everything', async () => {
    const controller = new AbortController();
    const context = await toyContext({ signal: controller.signal });
    const model = context.createModel();
    const before = tf.memory().numTensors;
    const engine = fakeEngine(true);
    const original = context.progress;
    const stopping = { ...context, progress: (steps: number) => (original(steps), steps === 4 ? controller.abort(new Error('stop here')) : undefined) };
    await expect(trainMaskedModel({ context: stopping, model, masks: new Map(), epochs: 2, seed: 1, engine })).rejects.toThrowError('stop here');
    expect(engine.log.filter((line) => line.startsWith('step'))).toHaveLength(4);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it.each(['fused', 'stock'])('trains with RigL on core\'s %s engine: exact density per layer, pruned weights zero, learns, no leak', async (engineName) => {
    const context = await toyContext({ engine: engineName, epochs: 3 });
    const model = context.createModel();
    const kernels = model.denseLayers.map(({ kernel }) => ({ name: kernel.name, shape: kernel.variable.shape }));
    const budgets = layerBudgets(kernels, 0.7);
    const initial = context.evaluate(model, 'validation').accuracy;
    const before = tf.memory().numTensors;
    const result = await trainMaskedModel({ context, model, masks: randomMasks(budgets, 1), epochs: 3, rule: riglRule({ updateEvery: 4 }), seed: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.engine).toBe(engineName);
    expect(result.maskUpdates.length).toBe(5); // steps 4 … 20 (< T_end = 22)
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

describe('set and rigl updates on core\'s fused engine (property)', () => {
  const momentsOf = (state: AdamState, variable: string): { m: Float32Array; v: Float32Array } => ({
    m: state.moments.find((entry) => entry.name === `${variable}/m`)!.values,
    v: state.moments.find((entry) => entry.name === `${variable}/v`)!.values,
  });

  it('after every update: exact density per layer, grown weights 0 with their Adam moments reset, the kept entries untouched', async () => {
    const context = await toyContext({ epochs: 1 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('set', 'rigl'), fc.double({ min: 0.3, max: 0.9, noNaN: true }), fc.nat(1000), async (name, sparsity, seed) => {
        const model = context.createModel();
        const kernels = model.denseLayers.map(({ kernel }) => ({ name: kernel.name, shape: kernel.variable.shape }));
        const budgets = layerBudgets(kernels, sparsity);
        const masks = randomMasks(budgets, seed);
        const tensors = new Map([...masks].map(([n, m]) => [n, tf.tensor(m, kernels.find((k) => k.name === n)!.shape)]));
        const stepper = await context.runtime.create(TrainingEngines, 'fused').start(model, tensors, { learningRate: 1e-2, initialStep: 0, batchSize: 40 });
        const access = stepper.maskAccess!;
        const rule = name === 'set' ? setRule({ updateEvery: 2, dropFraction: 0.5 }) : riglRule({ updateEvery: 2, dropFraction: 0.5 });
        let step = 0;
        let grownTotal = 0;
        for (const batch of context.loader.epoch(0)) {
          if (rule.isUpdateStep(step, 10)) {
            const before = access.readWeights();
            const oldMasks = access.readMasks();
            const summary = await applyMaskUpdate(access, rule, { step, totalSteps: 10, seed: seed + step, batch });
            const after = access.readWeights();
            const newMasks = access.readMasks();
            const state = await stepper.adamState();
            grownTotal += summary.grown;
            for (const budget of budgets) {
              expect(summary.layers[budget.name]!.active).toBe(budget.kept);
              const mask = newMasks.get(budget.name)!;
              expect(mask.reduce((a, b) => a + b, 0)).toBe(budget.kept);
              const variable = model.parameters.find((p) => p.name === budget.name)!.variable.name;
              const { m, v } = momentsOf(state, variable);
              for (let i = 0; i < mask.length; i += 1) {
                const grown = oldMasks.get(budget.name)![i] === 0 && mask[i] === 1;
                if (grown || mask[i] === 0) expect(after.get(budget.name)![i] === 0).toBe(true);
                if (grown) expect([m[i], v[i]]).toEqual([0, 0]);
                if (!grown && mask[i] === 1) expect(after.get(budget.name)![i]).toBe(before.get(budget.name)![i]);
              }
            }
          }
          await stepper.step(batch);
          tf.dispose([batch.x, batch.y]);
          step += 1;
        }
        await stepper.dispose();
        tf.dispose([...tensors.values()]);
        model.dispose();
        expect(grownTotal).toBeGreaterThan(0);
      }),
      { numRuns: 6 },
    );
  });
});
