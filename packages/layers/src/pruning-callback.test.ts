import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  MaskedOptimizer,
  createPruner,
  createRuntime,
  magnitudeScorer,
  isSparseError,
  oneShot,
  polynomialDecay,
  withMasks,
  type MaskSet,
  type Pruner,
  type Scorer,
} from '@sparse/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelParameters, prunableParameters } from './model-parameters.js';
import { pruningCallback, type FitPruneEvent } from './pruning-callback.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

/** In-test magnitude scorer: |w|. */
const magnitude: Scorer = {
  name: 'test-magnitude',
  requiresData: false,
  score: ({ parameters }) => new Map(parameters.map((p) => [p.name, tf.abs(p.variable)])),
};

/** In-test exact-count layerwise pruner: round(s·N) lowest scores per tensor, ties by index, pruned first. */
const exactPruner: Pruner = {
  name: 'test-exact',
  prune({ parameters, scores, masks, target }) {
    return new Map(
      parameters.map((p) => {
        const score = scores.get(p.name)!.dataSync();
        const current = masks.get(p.name)?.dataSync();
        const key = (i: number) => (current !== undefined && current[i] === 0 ? Number.NEGATIVE_INFINITY : score[i]!);
        const order = Array.from({ length: score.length }, (_, i) => i).sort((a, b) => key(a) - key(b) || a - b);
        const kept = new Float32Array(score.length).fill(1);
        for (const i of order.slice(0, Math.round(target.sparsity * score.length))) kept[i] = 0;
        return [p.name, tf.tensor(kept, p.variable.shape)];
      }),
    );
  },
};

function dataset() {
  const xs = tf.randomNormal([120, 8], 0, 1, 'float32', 11);
  const ys = tf.tidy(() => tf.oneHot(tf.argMax(tf.matMul(xs, tf.randomNormal([8, 3], 0, 1, 'float32', 12)), 1), 3));
  return { xs, ys };
}

function buildModel(seed: number) {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ name: 'fc1', inputShape: [8], units: 16, activation: 'relu', kernelInitializer: tfl.initializers.glorotNormal({ seed }) }),
      tfl.layers.dense({ name: 'fc2', units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotNormal({ seed: seed + 1 }) }),
    ],
  });
}

const zerosWhereMasked = (masks: MaskSet, model: tfl.LayersModel) =>
  modelParameters(model).every((p) => {
    const mask = masks.get(p.name);
    if (mask === undefined) return true;
    const m = mask.dataSync();
    const w = p.variable.dataSync();
    return Array.from(m).every((value, i) => value !== 0 || w[i] === 0);
  });

describe('pruningCallback', () => {
  it('reaches the schedule target by the end of fit, keeps pruned weights exactly zero, leaks nothing per batch', async () => {
    const { xs, ys } = dataset();
    const start = tf.memory().numTensors;
    const model = buildModel(1);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    // 120 samples / 20 = 6 batches per epoch, 4 epochs = 24 steps; prunes at 0, 4, 8, 12
    const schedule = polynomialDecay({ initialSparsity: 0.2, finalSparsity: 0.8, begin: 0, end: 12, frequency: 4 });
    const events: FitPruneEvent[] = [];
    const pruning = pruningCallback({ scorer: magnitude, pruner: exactPruner, schedule, onPrune: (e) => void events.push(e) });
    const counts: number[] = [];
    const zeroChecks: boolean[] = [];
    const recorder = new tfl.CustomCallback({
      onBatchEnd: async () => {
        zeroChecks.push(zerosWhereMasked(pruning.masks, model));
        counts.push(tf.memory().numTensors);
        await Promise.resolve();
      },
    });
    await model.fit(xs, ys, { epochs: 4, batchSize: 20, shuffle: false, verbose: 0, callbacks: [pruning, recorder] });
    expect(events.map((e) => [e.step, e.epoch])).toEqual([
      [0, 0],
      [4, 0],
      [8, 1],
      [12, 2],
    ]);
    expect(events.map((e) => e.sparsity)).toEqual([0, 4, 8, 12].map((s) => schedule.sparsityAt(s)));
    expect(pruning.step).toBe(24);
    for (const p of prunableParameters(model)) {
      const zeros = Array.from(p.variable.dataSync()).filter((v) => v === 0).length;
      expect(zeros, p.name).toBe(Math.round(0.8 * p.variable.size));
    }
    expect(zeroChecks.every(Boolean)).toBe(true);
    // after the first batch (Adam creates its moments) the count is flat, prunes included
    // Flat across the batches of an epoch, prunes included. (tfjs-layers' History keeps one loss
    // tensor per epoch until fit() ends, hence +1 per epoch.)
    for (let epoch = 0; epoch < 4; epoch += 1) {
      expect(new Set(counts.slice(6 * epoch, 6 * epoch + 6)).size, `epoch ${epoch}`).toBe(1);
    }
    pruning.dispose();
    expect(pruning.masks.size).toBe(0);
    model.optimizer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([xs, ys]);
  });

  it("works with core's magnitude scorer and pruner, in a functional conv model, global scope", async () => {
    const xs = tf.randomNormal([40, 6, 6, 1], 0, 1, 'float32', 21);
    const ys = tf.tidy(() => tf.oneHot(tf.cast(tf.greater(tf.sum(xs, [1, 2, 3]), 0), 'int32'), 2));
    const input = tfl.input({ shape: [6, 6, 1] });
    const conv = tfl.layers.conv2d({ name: 'conv', filters: 4, kernelSize: 3, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
    const flat = tfl.layers.flatten().apply(conv) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'out', units: 2, activation: 'softmax' }).apply(flat) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
    const pruning = pruningCallback({
      scorer: magnitudeScorer(),
      pruner: createPruner({ onWarning: () => {} }),
      schedule: polynomialDecay({ finalSparsity: 0.7, begin: 0, end: 8, frequency: 2 }),
      target: { scope: 'global' },
    });
    await model.fit(xs, ys, { epochs: 3, batchSize: 10, verbose: 0, callbacks: [pruning] });
    const kernels = prunableParameters(model);
    expect(kernels.map((p) => p.role)).toEqual(['conv-kernel', 'dense-kernel']);
    const total = kernels.reduce((n, p) => n + p.variable.size, 0);
    const zeros = kernels.reduce((n, p) => n + Array.from(p.variable.dataSync()).filter((v) => v === 0).length, 0);
    expect(Math.abs(zeros - 0.7 * total)).toBeLessThan(1);
    expect(zerosWhereMasked(pruning.masks, model)).toBe(true);
    pruning.dispose();
    model.dispose();
    tf.dispose([xs, ys]);
  });

  it('hands the masks to a MaskedOptimizer the model was compiled with, so gradients are masked too', async () => {
    const { xs, ys } = dataset();
    const model = buildModel(3);
    const optimizer = withMasks(tf.train.adam(0.01), { parameters: modelParameters(model) });
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    expect(model.optimizer).toBeInstanceOf(MaskedOptimizer);
    const pruning = pruningCallback({
      scorer: magnitude,
      pruner: exactPruner,
      schedule: oneShot({ step: 0, sparsity: 0.5 }), // pruned before the first update
    });
    await model.fit(xs, ys, { epochs: 2, batchSize: 20, verbose: 0, callbacks: [pruning] });
    expect(optimizer.masks).toBe(pruning.masks);
    // Adam's first moments of pruned weights are exactly zero: their gradients were masked
    const state = await optimizer.getWeights();
    const kernel = prunableParameters(model)[0]!;
    const moment = state.find((entry) => entry.name.startsWith(`${kernel.variable.name}/m`))!;
    const mask = pruning.masks.get(kernel.name)!.dataSync();
    const m = moment.tensor.dataSync();
    expect(Array.from(mask).every((value, i) => value !== 0 || m[i] === 0)).toBe(true);
    tf.dispose(state.map((entry) => entry.tensor));
    pruning.dispose();
    expect(optimizer.masks.size).toBe(0); // no reference to the freed masks
    model.dispose();
    tf.dispose([xs, ys]);
  });

  it('asks data-driven scorers for scoring data, and validates its options', () => {
    const snipLike: Scorer = { name: 'snip-like', requiresData: true, score: () => new Map() };
    const schedule = polynomialDecay({ finalSparsity: 0.5, end: 10 });
    const cases: [object, string][] = [
      [{ scorer: snipLike, pruner: exactPruner, schedule }, 'scoring'],
      [{ scorer: snipLike, pruner: exactPruner, schedule, scoring: { batch: { x: tf.zeros([1]), y: tf.zeros([1]) } } }, 'scoring'],
      [{ scorer: magnitude, pruner: {}, schedule }, 'pruner'],
      [{ scorer: magnitude, pruner: exactPruner, schedule, initialStep: -1 }, 'initialStep'],
    ];
    for (const [options, field] of cases) {
      let caught: unknown;
      try {
        pruningCallback(options as never);
      } catch (error) {
        caught = error;
      }
      expect(isSparseError(caught, 'E_CONFIG'), field).toBe(true);
      expect((caught as { details: { field: string } }).details.field).toBe(field);
    }
  });
});
