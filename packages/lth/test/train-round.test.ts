/**
 * trainRound on each training engine: core's `stock` and `fused` and the wasm backend's
 * `dense-trainer` (this test lives outside src/ because it loads @sparse/backend-wasm, which the
 * package's code never imports).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { optimizerEngine, type TrainingEngine } from '@sparse/core';
import { denseTrainerEngine } from '@sparse/backend-wasm';
import { toyBatches, toySet, useCpu } from './support.js';
import { createMlp } from '../src/model/mlp.js';
import { readParameterValues } from '../src/imp/parameter-values.js';
import { createEvaluator } from '../src/training/evaluator.js';
import { trainRound, type RoundCheckpoint } from '../src/training/train-round.js';

beforeAll(useCpu);

const ENGINES: Readonly<Record<'fused' | 'stock' | 'dense-trainer', TrainingEngine>> = {
  fused: optimizerEngine('fused'),
  stock: optimizerEngine('stock'),
  'dense-trainer': denseTrainerEngine,
};

describe('trainRound', () => {
  it.each(['fused', 'stock', 'dense-trainer'] as const)('the %s engine: creates no tensor per step and resumes bit-identically from a checkpoint', async (name) => {
    const set = toySet(64);
    const evaluator = createEvaluator(set, { numClasses: 3 });
    const masks = new Map([['fc1/kernel', { shape: [8, 5], kept: Uint8Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 0 : 1)) }]]);
    const run = async (resumeAt?: number) => {
      const model = createMlp({ layerSizes: [8, 5, 3], seed: 2 });
      let current = model;
      const checkpoints: RoundCheckpoint[] = [];
      const tensors: number[] = [];
      const base = {
        model,
        masks,
        batches: toyBatches(set, 10, 3),
        learningRate: 0.02,
        engine: ENGINES[name],
        startStep: 0,
        endStep: 30,
        evalEvery: 5,
        checkpointEvery: 10,
        validate: () => evaluator.evaluate(current.forward),
        test: () => evaluator.evaluate(current.forward),
        onCheckpoint: (c: RoundCheckpoint) => void checkpoints.push(c),
        onProgress: () => void tensors.push(tf.memory().numTensors),
      };
      let result = await trainRound(base);
      if (resumeAt !== undefined) {
        const checkpoint = checkpoints.find((c) => c.iteration === resumeAt)!;
        const other = createMlp({ layerSizes: [8, 5, 3], seed: 99 });
        current = other;
        result = await trainRound({ ...base, model: other, resume: checkpoint });
        const values = readParameterValues(other.parameters);
        other.dispose();
        model.dispose();
        return { result, values, tensors };
      }
      const values = readParameterValues(model.parameters);
      model.dispose();
      return { result, values, tensors, checkpoints };
    };
    const straight = await run();
    expect(straight.result.evals.map((e) => e.iteration)).toEqual([0, 5, 10, 15, 20, 25, 30]);
    expect(new Set(straight.tensors).size).toBe(1);
    const resumed = await run(20);
    expect(resumed.result.evals).toEqual(straight.result.evals);
    expect(resumed.values).toEqual(straight.values);
    const kernel = straight.values.get('fc1/kernel')!;
    masks.get('fc1/kernel')!.kept.forEach((k, i) => k === 0 && expect(Math.abs(kernel[i]!)).toBe(0)); // -0 or +0
    evaluator.dispose();
  });

  it('the fused, stock and dense-trainer engines train the same weights, to float32 rounding', async () => {
    const set = toySet(64);
    const evaluator = createEvaluator(set, { numClasses: 3 });
    const masks = new Map([['fc1/kernel', { shape: [8, 5], kept: Uint8Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? 0 : 1)) }]]);
    const train = async (name: 'fused' | 'stock' | 'dense-trainer') => {
      const model = createMlp({ layerSizes: [8, 5, 3], seed: 4 });
      const fusedLoss = vi.spyOn(model, 'fusedLoss');
      const before = tf.memory().numTensors;
      await trainRound({
        model,
        masks,
        engine: ENGINES[name],
        batches: toyBatches(set, 10, 3),
        learningRate: 0.01,
        startStep: 0,
        endStep: 40,
        evalEvery: 20,
        validate: () => evaluator.evaluate(model.forward),
        test: () => evaluator.evaluate(model.forward),
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(fusedLoss).toHaveBeenCalledTimes(name === 'fused' ? 40 : 0);
      const values = readParameterValues(model.parameters);
      model.dispose();
      return values;
    };
    const fused = await train('fused');
    const stock = await train('stock');
    const trainer = await train('dense-trainer');
    for (const other of [fused, trainer]) {
      for (const [name, expected] of stock) {
        const actual = other.get(name)!;
        expected.forEach((value, i) => expect(Math.abs(actual[i]! - value)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(value))));
      }
      masks.get('fc1/kernel')!.kept.forEach((k, i) => k === 0 && expect(Math.abs(other.get('fc1/kernel')![i]!)).toBe(0)); // -0 or +0
    }
    evaluator.dispose();
  });

  it("testAt: 'improvement' tests only at new validation minima and the end, with the same early stop", async () => {
    const set = toySet(64);
    const evaluator = createEvaluator(set, { numClasses: 3 });
    const run = async (testAt: 'every-eval' | 'improvement') => {
      const model = createMlp({ layerSizes: [8, 5, 3], seed: 7 });
      let tests = 0;
      const result = await trainRound({
        model,
        masks: new Map(),
        batches: toyBatches(set, 8, 1),
        learningRate: 0.05,
        startStep: 0,
        endStep: 80,
        evalEvery: 5,
        validate: () => evaluator.evaluate(model.forward),
        test: () => (tests += 1, evaluator.evaluate(model.forward)),
        testAt,
      });
      model.dispose();
      return { result, tests };
    };
    const every = await run('every-eval');
    const improvement = await run('improvement');
    expect(improvement.result.earlyStop).toEqual(every.result.earlyStop);
    expect(improvement.tests).toBeLessThan(every.tests);
    expect(improvement.result.final.testAccuracy).toBe(every.result.final.testAccuracy);
    evaluator.dispose();
  });

  it('the dense-trainer engine refuses, before training, a model without dense layers and masks on biases', async () => {
    const set = toySet(32);
    const evaluator = createEvaluator(set, { numClasses: 3 });
    const model = createMlp({ layerSizes: [8, 5, 3], seed: 5 });
    const base = {
      model,
      masks: new Map(),
      engine: denseTrainerEngine,
      batches: toyBatches(set, 10, 3),
      learningRate: 0.01,
      startStep: 0,
      endStep: 5,
      evalEvery: 5,
      validate: vi.fn(() => evaluator.evaluate(model.forward)),
      test: () => evaluator.evaluate(model.forward),
    };
    const { denseLayers: _, ...opaque } = model;
    await expect(trainRound({ ...base, model: opaque })).rejects.toMatchObject({ code: 'E_CONFIG', details: { field: 'engine' } });
    const biasMask = new Map([['fc1/bias', { shape: [5], kept: Uint8Array.from([1, 0, 1, 1, 1]) }]]);
    await expect(trainRound({ ...base, masks: biasMask })).rejects.toMatchObject({ code: 'E_CONFIG', details: { field: 'masks', received: 'fc1/bias' } });
    expect(base.validate).not.toHaveBeenCalled();
    model.dispose();
    evaluator.dispose();
  });
});
