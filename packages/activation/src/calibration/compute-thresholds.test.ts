import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, isSparseError } from '@sparse/core';
import { createSparsityMeter } from '../hooks/sparsity-meter.js';
import { thresholdHook } from '../hooks/threshold-hook.js';
import { createGatedMlp } from '../models/gated-mlp.js';
import { createVisionTransformer } from '../models/vision-transformer.js';
import { ActivationRecorder } from './activation-recorder.js';
import { computeThresholds } from './compute-thresholds.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

const inputs = (n: number, seed: number) => tf.randomUniform([n, 784], 0, 1, 'float32', seed);

describe('ActivationRecorder (calibration mode)', () => {
  it('is the identity: a model run with it gives exactly the dense outputs, and leaks nothing', () => {
    const model = createGatedMlp({ dModel: 16, hidden: 32, blocks: 2, seed: 1 });
    const x = inputs(20, 2);
    const before = tf.memory().numTensors;
    const recorder = new ActivationRecorder({ histogram: true });
    const recorded = tf.tidy(() => Array.from(model.forward(x, recorder).dataSync()));
    const dense = tf.tidy(() => Array.from(model.forward(x).dataSync()));
    expect(recorded).toEqual(dense);
    expect(tf.memory().numTensors).toBe(before);
    expect(recorder.sites()).toEqual(['block0/gate', 'block1/gate']);
    const stats = recorder.statistics('block0/gate');
    expect([stats.tokens, stats.batches, stats.width, stats.reservoir.size]).toEqual([20, 1, 32, 20]);
    expect(stats.histogram?.total).toBe(20 * 32);
    expect(recorder.upMean('block0/gate')?.length).toBe(32);
    expect(() => recorder.statistics('nope')).toThrow(/No statistics for site 'nope'; recorded sites: block0\/gate, block1\/gate/);
    x.dispose();
    model.dispose();
  });
});

describe('computeThresholds hits the target exactly on the calibration data', () => {
  for (const method of ['cats', 'chess'] as const) {
    it(`${method}: realized sparsity of each site is round(target · n) / n on the data it was calibrated on`, () => {
      const model = createGatedMlp({ dModel: 16, hidden: 40, blocks: 1, seed: 3 });
      const x = inputs(50, 4);
      const recorder = new ActivationRecorder();
      tf.tidy(() => model.forward(x, recorder));
      for (const target of [0.5, 0.7, 0.9]) {
        const file = computeThresholds(recorder, { method, target, samples: 50 });
        const hook = thresholdHook(file);
        const meter = createSparsityMeter(hook);
        tf.tidy(() => model.forward(x, meter));
        const [site] = meter.report().sites;
        expect(site?.zeros).toBe(Math.round(target * 50 * 40));
        hook.dispose();
      }
      x.dispose();
      model.dispose();
    });
  }

  it('per-channel CATS and CHESS+ on a ViT (attention sites get one threshold, MLP sites channel thresholds)', () => {
    const vit = createVisionTransformer({ dModel: 16, heads: 2, layers: 1, hidden: 24, seed: 5 });
    const x = inputs(6, 6);
    const recorder = new ActivationRecorder();
    tf.tidy(() => vit.forward(x, recorder));
    const plus = computeThresholds(recorder, { method: 'chess-plus', target: 0.5 });
    expect(Object.keys(plus.layers)).toEqual(['layer0/attn/q_input', 'layer0/attn/o_input', 'layer0/mlp/gate']);
    expect('threshold' in (plus.layers['layer0/attn/q_input'] ?? {})).toBe(true);
    expect('channelThresholds' in (plus.layers['layer0/mlp/gate'] ?? {})).toBe(true);
    // calibrate the q input alone: exact on its own calibration values
    const hook = thresholdHook({ 'layer0/attn/q_input': plus.layers['layer0/attn/q_input'] ?? { threshold: 0 } });
    const meter = createSparsityMeter(hook, { blockErrors: true });
    tf.tidy(() => vit.forward(x, meter));
    expect(meter.report().sites.find((s) => s.site === 'layer0/attn/q_input')?.zeros).toBe(Math.round(0.5 * 6 * 16 * 16));
    expect(meter.report().blocks.find((b) => b.block === 'layer0/attn')?.relativeError).toBeGreaterThan(0);
    expect(meter.report().blocks.find((b) => b.block === 'layer0/mlp')?.relativeError).toBe(0);
    hook.dispose();
    const perChannel = computeThresholds(recorder, { method: 'cats', target: 0.5, granularity: 'channel', sites: ['layer0/mlp/gate'] });
    expect((perChannel.layers['layer0/mlp/gate'] as { channelThresholds: number[] }).channelThresholds.length).toBe(24);
    try {
      computeThresholds(recorder, { method: 'chess', target: 0.5 });
      expect.unreachable();
    } catch (error) {
      expect(isSparseError(error, 'E_CONFIG')).toBe(true);
      expect((error as Error).message).toMatch(/needs the up-projection at site 'layer0\/attn\/q_input'/);
    }
    x.dispose();
    vit.dispose();
  });

  it('histogram and mean-of-batches variants, and option errors', () => {
    const model = createGatedMlp({ dModel: 8, hidden: 16, blocks: 1, seed: 7 });
    const recorder = new ActivationRecorder({ histogram: true });
    const batches = [inputs(10, 1), inputs(10, 2)];
    for (const b of batches) tf.tidy(() => model.forward(b, recorder));
    const hist = computeThresholds(recorder, { method: 'cats', target: 0.5, quantile: 'histogram' });
    const t = (hist.layers['block0/gate'] as { threshold: number }).threshold;
    expect(t).toBeGreaterThanOrEqual(0);
    const mean = computeThresholds(recorder, { method: 'cats', target: 0.5, aggregate: 'mean-of-batches' });
    expect(mean.calibration.aggregate).toBe('mean-of-batches');
    expect(() => computeThresholds(recorder, { method: 'cats', target: 0.5, quantile: 'histogram', aggregate: 'mean-of-batches' })).toThrow(/needs quantile 'exact'/);
    expect(() => computeThresholds(recorder, { method: 'cats', target: 0.5, sites: ['x'] })).toThrow(/Site 'x' was not recorded/);
    for (const b of batches) b.dispose();
    model.dispose();
  });

  it('with more values than maxValuesPerSite keeps a seeded sample of whole tokens and says so in the file', () => {
    const model = createGatedMlp({ dModel: 8, hidden: 10, blocks: 1, seed: 2 });
    const x = inputs(200, 3);
    const take = (seed: number) => {
      const recorder = new ActivationRecorder({ maxValuesPerSite: 500, seed });
      tf.tidy(() => model.forward(x, recorder));
      return recorder;
    };
    const recorder = take(1);
    const stats = recorder.statistics('block0/gate');
    expect([stats.tokens, stats.reservoir.size, stats.reservoir.sampled]).toEqual([200, 50, true]);
    const file = computeThresholds(recorder, { method: 'cats', target: 0.5 });
    expect(file.calibration['reservoirSampled']).toEqual(['block0/gate']);
    expect(file.calibration.samples).toBe(200);
    expect(computeThresholds(take(1), { method: 'cats', target: 0.5 }).layers).toEqual(file.layers);
    x.dispose();
    model.dispose();
  });
});
