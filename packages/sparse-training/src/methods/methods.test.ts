import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MaskUpdateRules, createRuntime, definePlugin, type DenseMlp } from '@sparse/core';
import { toyContext } from '../../test/method-context.js';
import type { MethodContext, MethodResult, SparseTrainingMethod } from '../contracts/method.js';
import { registerMaskUpdateRules } from '../dst/register-mask-update-rules.js';
import { layerBudgets } from '../masks/layer-budgets.js';
import { SparseTrainingMethods } from '../tokens.js';
import { denseMethod } from './dense.js';
import { riglMethod, setMethod, staticMethod } from './from-scratch.js';
import { impKeptAfterRound, impMethod } from './imp.js';
import { kernelTensors } from './method-support.js';
import { randomSearchMethod } from './random-search.js';
import { registerDstMethods } from './register-dst-methods.js';

const kernels = [
  { name: 'fc1/kernel', shape: [16, 24] },
  { name: 'fc2/kernel', shape: [24, 12] },
  { name: 'fc3/kernel', shape: [12, 4] },
];

/** Runs a method, checking it leaves no tensor behind, and keeps the weights of every model it disposes. */
async function run(method: SparseTrainingMethod, context: MethodContext): Promise<{ result: MethodResult; finals: Map<string, Float32Array>[] }> {
  const finals: Map<string, Float32Array>[] = [];
  const watched: MethodContext = {
    ...context,
    createModel: (weights) => {
      const model = context.createModel(weights);
      const dispose = model.dispose.bind(model);
      return Object.assign(Object.create(model) as DenseMlp, { dispose: () => (finals.push(model.read()), dispose()) });
    },
  };
  const before = tf.memory().numTensors;
  const result = await method.run(watched);
  expect(tf.memory().numTensors).toBe(before);
  return { result, finals };
}

describe('sparse training methods (toy MLP 16-24-12-4, 10 steps an epoch)', () => {
  it('dense trains without masks and learns', async () => {
    const context = await toyContext({ epochs: 2 });
    const { result } = await run(denseMethod(), context);
    expect(result.steps).toBe(20);
    expect(result.sparsity).toBe(0);
    expect(result.curve.map((c) => c.epoch)).toEqual([0, 1]);
    expect(result.validationAccuracy).toBeGreaterThan(0.4);
    expect(result.engine).toBe('fused');
    expect(denseMethod().usesSparsity).toBe(false);
  });

  it.each([
    [{ distribution: 'erk' as const }],
    [{ distribution: 'uniform' as const }],
    [{ distribution: 'uniform' as const, denseFirstLayer: true }],
  ])('static %o keeps the exact per-layer counts', async (options) => {
    const context = await toyContext({ epochs: 1, sparsity: 0.45 });
    const { result } = await run(staticMethod(options), context);
    for (const budget of layerBudgets(kernels, 0.45, options)) expect(result.layerDensities[budget.name]).toBe(budget.density);
    expect(result.sparsity).toBeCloseTo(0.45, 2);
    expect(result.steps).toBe(10);
  });

  it.each([['set', setMethod], ['rigl', riglMethod]] as const)('%s keeps every layer\'s density exactly through its mask updates', async (name, method) => {
    const context = await toyContext({ epochs: 2, sparsity: 0.75 });
    const { result } = await run(method({ updateEvery: 3, dropFraction: 0.5 }), context);
    const final = result.details?.['finalMaskDensities'] as Record<string, number>;
    for (const budget of layerBudgets(kernels, 0.75)) {
      expect(final[budget.name]).toBe(budget.density);
      // Measured from the weights: at most the mask's (a grown weight whose gradient stayed 0 is still 0).
      expect(result.layerDensities[budget.name]).toBeLessThanOrEqual(budget.density);
      expect(result.layerDensities[budget.name]).toBeGreaterThan(budget.density - 0.05);
    }
    expect(result.details?.['maskUpdates']).toBe(4); // steps 3, 6, 9, 12 < T_end = 15
    expect(result.details?.['grown']).toBeGreaterThan(0);
    expect(method().label).toBe(`${name} (erk)`);
  });

  it('rigl is deterministic from the seed, bit for bit, and another seed differs', async () => {
    const a = await run(riglMethod({ updateEvery: 3 }), await toyContext({ epochs: 1, sparsity: 0.8, seed: 4 }));
    const b = await run(riglMethod({ updateEvery: 3 }), await toyContext({ epochs: 1, sparsity: 0.8, seed: 4 }));
    const c = await run(riglMethod({ updateEvery: 3 }), await toyContext({ epochs: 1, sparsity: 0.8, seed: 5 }));
    expect(b.result).toEqual(a.result);
    expect(b.finals).toEqual(a.finals);
    expect(c.finals).not.toEqual(a.finals);
  });

  it('imp prunes layerwise to the uniform budget over its rounds, rewinding to θ0 each time', async () => {
    const context = await toyContext({ epochs: 1, sparsity: 0.75 });
    const method = impMethod({ rounds: 2 });
    const { result, finals } = await run(method, context);
    expect(result.steps).toBe(30);
    expect(method.plannedSteps({ epochs: 1, stepsPerEpoch: 10 })).toBe(30);
    for (const budget of layerBudgets(kernels, 0.75, { distribution: 'uniform' })) expect(result.layerDensities[budget.name]).toBe(budget.density);
    const rounds = result.details?.['rounds'] as { sparsity: number }[];
    expect(rounds.map((r) => r.sparsity)).toEqual([0, expect.any(Number), result.sparsity]);
    expect(rounds[1]!.sparsity).toBeGreaterThan(0.4);
    expect(rounds[1]!.sparsity).toBeLessThan(0.55);
    expect(finals).toHaveLength(3);
    expect(impKeptAfterRound(1000, 0.25, 2, 2)).toBe(250);
  });

  it('random search trains each candidate briefly and retrains the best by validation accuracy', async () => {
    const context = await toyContext({ epochs: 1, sparsity: 0.7 });
    const { result } = await run(randomSearchMethod({ candidates: 3 }), context);
    expect(result.steps).toBe(40);
    const tried = result.details?.['candidates'] as { validationAccuracy: number }[];
    const bestAccuracy = Math.max(...tried.map((t) => t.validationAccuracy));
    expect(result.details?.['best']).toBe(tried.findIndex((t) => t.validationAccuracy === bestAccuracy));
    for (const budget of layerBudgets(kernels, 0.7)) expect(result.layerDensities[budget.name]).toBe(budget.density);
  });

  it('random search with node masks removes whole hidden units at about the sparsity', async () => {
    const context = await toyContext({ epochs: 1, sparsity: 0.7 });
    const { result, finals } = await run(randomSearchMethod({ candidates: 2, nodes: true }), context);
    expect(Math.abs(result.sparsity - 0.7)).toBeLessThan(0.1);
    const fc2 = finals.at(-1)!.get('fc2/kernel')!;
    const deadRows = Array.from({ length: 24 }, (_, i) => fc2.subarray(i * 12, (i + 1) * 12).every((w) => w === 0)).filter(Boolean).length;
    expect(deadRows).toBeGreaterThan(0);
  });

  it('refuses a unit without a sparsity and bad options, naming them', async () => {
    const context = await toyContext();
    await expect(staticMethod().run(context)).rejects.toThrowError(/'static' needs a target sparsity in \(0, 1\)/);
    expect(() => riglMethod({ updateEvery: 0 })).toThrowError(/methods\.rigl\.updateEvery/);
    expect(() => impMethod({ rounds: 0 })).toThrowError(/rounds/);
    expect(() => randomSearchMethod({ candidates: 2, nodez: true } as never)).toThrowError(/nodez/);
  });

  it('registers the six methods and the two rules by name, options checked', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [definePlugin('@test/h1', (registry) => (registerDstMethods(registry), registerMaskUpdateRules(registry)))] });
    expect(runtime.names(SparseTrainingMethods)).toEqual(['dense', 'imp', 'random-search', 'rigl', 'set', 'static']);
    expect(runtime.names(MaskUpdateRules)).toEqual(['rigl', 'set']);
    expect(runtime.resolve(SparseTrainingMethods, { name: 'static', distribution: 'uniform' }).label).toBe('static (uniform)');
    expect(runtime.resolve(MaskUpdateRules, 'set').needsGradients).toBe(false);
    expect(() => runtime.resolve(SparseTrainingMethods, { name: 'rigl', distribution: 'global' })).toThrowError(/distribution/);
    const model = (await toyContext({ runtime })).createModel();
    expect(kernelTensors(model)).toEqual(kernels);
    model.dispose();
  });
});
