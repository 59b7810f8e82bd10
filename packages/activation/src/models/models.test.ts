import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, isSparseError } from '@sparse/core';
import type { ActivationHook } from '../hooks/activation-hook.js';
import { createSparsityMeter } from '../hooks/sparsity-meter.js';
import { thresholdHook } from '../hooks/threshold-hook.js';
import { skippableFlops } from '../measure/flops.js';
import { fineTuneWithThresholds } from '../training/fine-tune.js';
import { evaluateModel } from '../training/evaluate.js';
import { createGatedMlp } from './gated-mlp.js';
import { createReluMlp } from './relu-mlp.js';
import { createVisionTransformer } from './vision-transformer.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

describe('createGatedMlp', () => {
  it('has named parameters, one gate site per block, and the FLOPs of its products', () => {
    const model = createGatedMlp({ inputSize: 20, dModel: 8, hidden: 16, blocks: 2, classes: 3, seed: 0 });
    expect(model.parameters.map((p) => p.name)).toEqual([
      'embed/kernel', 'embed/bias',
      'block0/norm/gain', 'block0/gate/kernel', 'block0/up/kernel', 'block0/down/kernel',
      'block1/norm/gain', 'block1/gate/kernel', 'block1/up/kernel', 'block1/down/kernel',
      'head/norm/gain', 'head/kernel', 'head/bias',
    ]);
    expect(model.sites.map((s) => [s.name, s.block, s.width, s.skippableFlopsPerZero])).toEqual([
      ['block0/gate', 'block0/mlp', 16, 32],
      ['block1/gate', 'block1/mlp', 16, 32],
    ]);
    expect(model.flopsPerExample).toBe(2 * (20 * 8 + 2 * 3 * 8 * 16 + 8 * 3));
    model.dispose();
  });

  it('is deterministic from its seed, leaks nothing, and a dense meter reports zero block error', () => {
    const a = createGatedMlp({ dModel: 8, hidden: 16, blocks: 1, seed: 4 });
    const b = createGatedMlp({ dModel: 8, hidden: 16, blocks: 1, seed: 4 });
    const x = tf.randomUniform([5, 784], 0, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    const ya = tf.tidy(() => Array.from(a.forward(x).dataSync()));
    expect(tf.tidy(() => Array.from(b.forward(x).dataSync()))).toEqual(ya);
    const meter = createSparsityMeter(undefined, { blockErrors: true });
    expect(tf.tidy(() => Array.from(a.forward(x, meter).dataSync()))).toEqual(ya);
    expect(meter.report().blocks).toEqual([{ block: 'block0/mlp', relativeError: 0, errorSquared: 0, referenceSquared: expect.any(Number) }]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    a.dispose();
    b.dispose();
  });

  it('rejects bad sizes before making anything', () => {
    try {
      createGatedMlp({ hidden: 0, seed: 0 });
      expect.unreachable();
    } catch (error) {
      expect(isSparseError(error, 'E_CONFIG')).toBe(true);
      expect((error as Error).message).toBe('hidden must be a positive integer, got 0.');
    }
  });
});

describe('createVisionTransformer', () => {
  it('sparsifies only the query input: with q_input zeroed, attention is uniform and every token of an example gets the same context', () => {
    const vit = createVisionTransformer({ dModel: 16, heads: 4, layers: 1, hidden: 8, seed: 2 });
    const x = tf.randomUniform([3, 784], 0, 1, 'float32', 3);
    let context: number[][] = [];
    const hook: ActivationHook = {
      apply: (site, a) => {
        if (site === 'layer0/attn/q_input') return tf.zerosLike(a);
        if (site === 'layer0/attn/o_input') context = a.arraySync() as number[][];
        return a;
      },
    };
    expect(tf.tidy(() => vit.forward(x, hook).shape)).toEqual([3, 10]);
    expect(context.length).toBe(3 * 16);
    for (let example = 0; example < 3; example += 1) {
      const first = context[example * 16] as number[];
      for (let t = 1; t < 16; t += 1) (context[example * 16 + t] as number[]).forEach((v, i) => expect(v).toBeCloseTo(first[i] as number, 5));
    }
    expect(vit.sites.map((s) => s.name)).toEqual(['layer0/attn/q_input', 'layer0/attn/o_input', 'layer0/mlp/gate']);
    expect(() => createVisionTransformer({ patch: 5, seed: 0 })).toThrow(/patch \(5\) must divide image \(28\)/);
    x.dispose();
    vit.dispose();
  });
});

describe('createReluMlp, measurement and FLOPs', () => {
  it('measures post-ReLU sparsity, top-k keeps k per example, and skippable FLOPs follow the zeros', () => {
    const mlp = createReluMlp({ hidden: [32], seed: 1 });
    const x = tf.randomUniform([10, 784], -1, 1, 'float32', 5);
    const natural = createSparsityMeter();
    const shape = tf.tidy(() => mlp.forward(x, natural).shape);
    const site = natural.report().sites[0];
    expect(site?.total).toBe(320);
    expect(site?.zeros).toBeGreaterThan(0); // ReLU zeroes negatives
    const topk = thresholdHook({ hidden0: { k: 4 } });
    const meter = createSparsityMeter(topk);
    tf.tidy(() => mlp.forward(x, meter));
    expect(meter.report().sites[0]?.zeros).toBeGreaterThanOrEqual(10 * 28);
    const flops = skippableFlops(mlp.sites, meter.report(), mlp.flopsPerExample);
    expect(flops.sites[0]?.skippableFlops).toBeCloseTo(((meter.report().sites[0]?.zeros ?? 0) / 10) * 2 * 10, 9);
    expect(flops.skippableFraction).toBeCloseTo((flops.sites[0]?.skippableFlops ?? 0) / (2 * (784 * 32 + 32 * 10)), 12);
    expect(shape).toEqual([10, 10]);
    topk.dispose();
    x.dispose();
    mlp.dispose();
  });
});

describe('fineTuneWithThresholds (CATS fine-tuning through the core train loop)', () => {
  it('trains with the thresholds in place: the loss falls, the step count is right, nothing leaks', async () => {
    const model = createGatedMlp({ inputSize: 12, dModel: 8, hidden: 16, blocks: 1, classes: 3, seed: 9 });
    const x = tf.randomNormal([64, 12], 0, 1, 'float32', 10);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 3), 'int32'), 3);
    const hook = thresholdHook({ 'block0/gate': { threshold: 0.1 } });
    const set = { images: x.dataSync() as Float32Array, labels: Uint8Array.from({ length: 64 }, (_, i) => i % 3), count: 64 };
    const lossBefore = evaluateModel(model, set, { hook }).loss;
    const before = tf.memory().numTensors;
    const optimizer = tf.train.adam(0.01);
    const result = await fineTuneWithThresholds({ model, hook, optimizer, batches: [{ x, y }], epochs: 30, trainable: (p) => p.role !== 'norm' });
    optimizer.dispose();
    expect(result.stepsDone).toBe(30);
    expect(tf.memory().numTensors).toBe(before);
    expect(evaluateModel(model, set, { hook }).loss).toBeLessThan(lossBefore);
    await expect(fineTuneWithThresholds({ model, hook, optimizer: tf.train.sgd(0.1), batches: [{ x, y }], epochs: 1, trainable: ['nope'] })).rejects.toThrow(/unknown parameters: nope/);
    hook.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('thresholdHook', () => {
  it('validates plain maps too, and checks channel counts against the activation', () => {
    expect(() => thresholdHook({ 'block0/gate': { threshold: -1 } })).toThrow(/Invalid threshold map[\s\S]*layers\["block0\/gate"\]\.threshold: expected a finite number >= 0, received -1/);
    const model = createGatedMlp({ dModel: 4, hidden: 6, blocks: 1, seed: 0 });
    const hook = thresholdHook({ 'block0/gate': { channelThresholds: [1, 2] } });
    expect(() => tf.tidy(() => model.forward(tf.zeros([1, 784]), hook))).toThrow(/has 2 channel thresholds but the activation has 6 channels/);
    const strict = thresholdHook({}, { strict: true });
    expect(() => tf.tidy(() => model.forward(tf.zeros([1, 784]), strict))).toThrow(/No thresholds for site 'block0\/gate'/);
    hook.dispose();
    model.dispose();
  });
});

describe('gateActivation relu (the ReLU-swap baseline)', () => {
  it('zeroes every non-positive gate pre-activation, with the same parameters as the SiLU model', () => {
    const silu = createGatedMlp({ dModel: 8, hidden: 16, blocks: 1, seed: 3 });
    const relu = createGatedMlp({ dModel: 8, hidden: 16, blocks: 1, seed: 3, gateActivation: 'relu' });
    expect(relu.parameters.map((p) => p.name)).toEqual(silu.parameters.map((p) => p.name));
    const x = tf.randomUniform([20, 784], 0, 1, 'float32', 8);
    const meter = createSparsityMeter();
    tf.tidy(() => relu.forward(x, meter));
    const sparsity = meter.report().sites[0]?.sparsity ?? 0;
    expect(sparsity).toBeGreaterThan(0.2);
    expect(sparsity).toBeLessThan(0.8);
    expect(() => createGatedMlp({ seed: 0, gateActivation: 'gelu' as never })).toThrow(/gateActivation must be 'silu' or 'relu'/);
    x.dispose();
    silu.dispose();
    relu.dispose();
  });
});
