import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createRuntime, definePlugin, floorCount, type DenseMlp } from '@sparse/core';
import { evaluateOn, toyContext, toyProblem } from '../../test/method-context.js';
import type { MethodContext, MethodResult, SparseTrainingMethod } from '../contracts/method.js';
import { magnitudeMasks } from '../jackpots/magnitude-masks.js';
import { SparseTrainingMethods } from '../tokens.js';
import { trainMaskedModel } from '../training/train-masked-model.js';
import { lotteryJackpotsMethod, oneShotMagnitudeMethod, registerPretrainedMethods } from './pretrained-methods.js';

const KERNELS = [
  ['fc1/kernel', 16 * 24],
  ['fc2/kernel', 24 * 12],
  ['fc3/kernel', 12 * 4],
] as const;
const ALL = KERNELS.reduce((sum, [, n]) => sum + n, 0); // 720

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

/** The dense pretrained weights, trained independently of the methods with the same context settings (the toy context is deterministic). */
async function pretrained(epochs: number, seed = 1): Promise<Map<string, Float32Array>> {
  const context = await toyContext({ epochs, seed });
  const model = context.createModel();
  try {
    await trainMaskedModel({ context, model, masks: new Map(), epochs, seed });
    return model.read();
  } finally {
    model.dispose();
  }
}

const zeros = (values: Float32Array): number => values.reduce((count, w) => count + (w === 0 ? 1 : 0), 0);

describe('pretrained-weights methods (toy MLP 16-24-12-4, 10 steps an epoch)', () => {
  it('one-shot-magnitude equals magnitudeMasks applied to the pretrained weights, bit for bit, at exact layerwise counts', async () => {
    const context = await toyContext({ epochs: 2, sparsity: 0.6 });
    const method = oneShotMagnitudeMethod({ allocation: 'layerwise', keepOutputDense: false });
    const { result, finals } = await run(method, context);
    const weights = await pretrained(2);
    const masks = magnitudeMasks(weights, KERNELS.map(([name]) => name), 0.6, 'layerwise');
    const expected = new Map(weights);
    for (const [name, mask] of masks) expected.set(name, (weights.get(name) as Float32Array).map((w, i) => (mask[i] === 1 ? w : 0)));
    expect(finals).toHaveLength(1);
    expect(finals[0]).toEqual(expected);
    for (const [name, n] of KERNELS) {
      expect(zeros(finals[0]!.get(name)!)).toBe(floorCount(0.6 * n));
      expect(result.layerDensities[name]).toBe((n - floorCount(0.6 * n)) / n);
    }
    const model = context.createModel(expected);
    expect(result.testAccuracy).toBe(evaluateOn(model, toyProblem(200, 16, 4, 13), 4).accuracy);
    model.dispose();
    expect(result.engine).toBe('fused');
    expect(result.steps).toBe(20);
    expect(method.plannedSteps({ epochs: 2, stepsPerEpoch: 10 })).toBe(20);
    expect(result.curve.map((c) => c.epoch)).toEqual([0, 1]);
    const dense = result.details?.['pretrained'] as { validationAccuracy: number };
    expect(dense.validationAccuracy).toBe(result.curve[1]!.validationAccuracy);
    expect(context.reported.at(-1)).toBe(20);
  });

  it('one-shot-magnitude by default prunes globally, keeps the output kernel dense and reaches the sparsity over all kernels', async () => {
    const context = await toyContext({ epochs: 1, sparsity: 0.6 });
    const { result, finals } = await run(oneShotMagnitudeMethod({ pretrainEpochs: 2 }), context);
    const weights = await pretrained(2);
    const final = finals[0]!;
    expect(result.steps).toBe(20); // pretrainEpochs, not the budget's epochs
    expect(result.layerDensities['fc3/kernel']).toBe(1);
    expect(zeros(final.get('fc1/kernel')!) + zeros(final.get('fc2/kernel')!)).toBe(floorCount(0.6 * ALL));
    expect(result.sparsity).toBe(floorCount(0.6 * ALL) / ALL);
    // Global: every pruned |w| of fc1 and fc2 is at most every kept one.
    let maxPruned = 0;
    let minKept = Infinity;
    for (const name of ['fc1/kernel', 'fc2/kernel']) {
      const before = weights.get(name)!;
      final.get(name)!.forEach((w, i) => {
        if (w === 0) maxPruned = Math.max(maxPruned, Math.abs(before[i]!));
        else minKept = Math.min(minKept, Math.abs(w));
        if (w !== 0) expect(w).toBe(before[i]);
      });
    }
    expect(maxPruned).toBeLessThanOrEqual(minKept);
    expect(final.get('fc3/kernel')).toEqual(weights.get('fc3/kernel'));
  });

  it('lottery-jackpots keeps the pretrained weights on its kept entries and the magnitude masks\' per-layer counts', async () => {
    const options = { search: { epochs: 2, learningRates: [0.1, 1] } };
    const context = await toyContext({ epochs: 1, sparsity: 0.7 });
    const method = lotteryJackpotsMethod(options);
    const { result, finals } = await run(method, context);
    const magnitude = await run(oneShotMagnitudeMethod(), await toyContext({ epochs: 1, sparsity: 0.7 }));
    const weights = await pretrained(1);
    const final = finals[0]!;
    for (const [name, values] of weights) {
      if (!name.endsWith('/kernel') || name === 'fc3/kernel') expect(final.get(name)).toEqual(values);
      else final.get(name)!.forEach((w, i) => (w === 0 ? undefined : expect(w).toBe(values[i])));
    }
    for (const [name] of KERNELS) expect(result.layerDensities[name]).toBe(magnitude.result.layerDensities[name]);
    expect(result.sparsity).toBe(floorCount(0.7 * ALL) / ALL);
    // Kept entries the magnitude masks prune, as a fraction of the kept entries.
    let kept = 0;
    let changed = 0;
    for (const name of ['fc1/kernel', 'fc2/kernel']) {
      const base = magnitude.finals[0]!.get(name)!;
      final.get(name)!.forEach((w, i) => {
        if (w !== 0) {
          kept += 1;
          if (base[i] === 0) changed += 1;
        }
      });
    }
    const details = result.details!;
    expect(details['changedFromMagnitude']).toBeCloseTo(changed / kept, 12);
    expect(changed).toBeGreaterThan(0);
    expect(details['magnitude']).toEqual({ validationAccuracy: magnitude.result.validationAccuracy, testAccuracy: magnitude.result.testAccuracy });
    const rows = details['searchEpochs'] as { learningRate: number; epoch: number; validationAccuracy: number }[];
    expect(rows.map((r) => [r.learningRate, r.epoch])).toEqual([[0.1, 1], [0.1, 2], [1, 1], [1, 2]]);
    const best = rows.find((r) => r.validationAccuracy === Math.max(...rows.map((x) => x.validationAccuracy)))!;
    expect([details['learningRate'], details['epoch']]).toEqual([best.learningRate, best.epoch]);
    expect(result.validationAccuracy).toBe(best.validationAccuracy);
    expect(result.curve.map((c) => c.epoch)).toEqual([0, 1, 2]);
    expect(result.steps).toBe(50);
    expect(method.plannedSteps({ epochs: 1, stepsPerEpoch: 10 })).toBe(50);
    expect(context.reported.at(-1)).toBe(50);
    expect(result.engine).toBe('fused');
  });

  it('lottery-jackpots is deterministic from the seed, bit for bit, at exact layerwise counts; another seed differs', async () => {
    const method = lotteryJackpotsMethod({ allocation: 'layerwise', keepOutputDense: false, search: { epochs: 1, learningRates: [1] } });
    const a = await run(method, await toyContext({ epochs: 1, sparsity: 0.5, seed: 4 }));
    const b = await run(method, await toyContext({ epochs: 1, sparsity: 0.5, seed: 4 }));
    const c = await run(method, await toyContext({ epochs: 1, sparsity: 0.5, seed: 5 }));
    expect(b.result).toEqual(a.result);
    expect(b.finals).toEqual(a.finals);
    expect(c.finals).not.toEqual(a.finals);
    for (const [name, n] of KERNELS) {
      expect(zeros(a.finals[0]!.get(name)!)).toBe(floorCount(0.5 * n));
      expect(a.result.layerDensities[name]).toBe((n - floorCount(0.5 * n)) / n);
    }
  });

  it('refuses bad options naming the field, a unit without a sparsity, and one the non-output kernels cannot reach', async () => {
    expect(() => lotteryJackpotsMethod({ search: { epochs: 0 } })).toThrowError(/methods\.lottery-jackpots\.search\.epochs/);
    expect(() => lotteryJackpotsMethod({ search: { batchSize: 256 } } as never)).toThrowError(/batchSize/);
    expect(() => lotteryJackpotsMethod({ search: { learningRates: [1, 1] } })).toThrowError(/distinct/);
    expect(() => oneShotMagnitudeMethod({ allocation: 'l1' } as never)).toThrowError(/methods\.one-shot-magnitude\.allocation/);
    expect(() => oneShotMagnitudeMethod({ pretrainEpochs: -1 })).toThrowError(/pretrainEpochs/);
    const before = tf.memory().numTensors;
    await expect(oneShotMagnitudeMethod().run(await toyContext())).rejects.toThrowError(/'one-shot-magnitude' needs a target sparsity/);
    // 672 of the 720 kernel weights are prunable with the output kernel dense: at most 0.9333.
    const context = await toyContext({ sparsity: 0.95 });
    await expect(lotteryJackpotsMethod().run(context)).rejects.toThrowError(/keepOutputDense/);
    expect(context.reported).toEqual([]); // refused before any training
    expect(tf.memory().numTensors).toBe(before);
  });

  it('registers both methods by name through a runtime, options checked', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [definePlugin('@test/h6', registerPretrainedMethods)] });
    expect(runtime.names(SparseTrainingMethods)).toEqual(['lottery-jackpots', 'one-shot-magnitude']);
    const jackpots = runtime.resolve(SparseTrainingMethods, { name: 'lottery-jackpots', allocation: 'layerwise' });
    expect([jackpots.label, jackpots.usesSparsity]).toEqual(['lottery jackpots (layerwise)', true]);
    expect(jackpots.plannedSteps({ epochs: 3, stepsPerEpoch: 10 })).toBe(30 + 2 * 5 * 10);
    expect(runtime.resolve(SparseTrainingMethods, 'one-shot-magnitude').label).toBe('one-shot magnitude (global)');
    expect(() => runtime.resolve(SparseTrainingMethods, { name: 'one-shot-magnitude', allocation: 'l1' })).toThrowError(/allocation/);
    expect(() => runtime.resolve(SparseTrainingMethods, { name: 'lottery-jackpots', search: { restriction: 'half' } })).toThrowError(/restriction/);
  });
});
