import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { createRuntime, glorotUniform, isSparseError, Random } from '@sparse/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compactModel } from './compaction/compact-model.js';
import { createDenseSequential } from './dense-sequential.js';
import { fastPredict } from './fast-predict.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

/** Largest |fast − tfjs| over the outputs of `x` (tensors disposed). */
function maxDifference(model: tfl.LayersModel, x: tf.Tensor2D): number {
  const fast = fastPredict(model);
  try {
    return tf.tidy(() => {
      const want = (model.predict(x, { batchSize: x.shape[0] }) as tf.Tensor).dataSync();
      const got = fast.predict(x).dataSync();
      expect(got.length).toBe(want.length);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)));
      return worst;
    });
  } finally {
    fast.dispose();
  }
}

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    expect(isSparseError(error) && error.code === 'E_ARGUMENT').toBe(true);
    return error as Error;
  }
  throw new Error('expected fastPredict to throw');
}

describe('fastPredict', () => {
  it('equals model.predict to float32 rounding on random MLPs and batches, without leaking tensors', () => {
    const tensorsBefore = tf.memory().numTensors;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 48 }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 1, max: 150 }),
        fc.constantFrom('linear' as const, 'softmax' as const),
        fc.integer({ min: 0, max: 10_000 }),
        (layerSizes, batch, outputActivation, seed) => {
          const model = createDenseSequential({ layerSizes, initializer: glorotUniform, seed, outputActivation });
          // Nonzero biases, so the bias path is checked too.
          model.layers.forEach((layer) => {
            const [kernel, bias] = layer.getWeights();
            const values = new Random(seed + 7).fillUniform(new Float32Array(bias?.size ?? 0), -0.5, 0.5);
            const replaced = [tf.clone(kernel as tf.Tensor), tf.tensor1d(values)];
            layer.setWeights(replaced);
            tf.dispose(replaced);
          });
          const x = tf.tensor2d(new Random(seed).fillNormal(new Float32Array(batch * (layerSizes[0] as number))), [batch, layerSizes[0] as number]);
          const difference = maxDifference(model, x);
          x.dispose();
          model.dispose();
          expect(difference).toBeLessThanOrEqual(1e-5);
        },
      ),
      { numRuns: 25, seed: 16 },
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('serves compactModel results and skips dropout layers', () => {
    const dense = createDenseSequential({ layerSizes: [30, 20, 10, 4], initializer: glorotUniform, seed: 3 });
    // Kill half of fc1's neurons so compaction removes them.
    const [kernel, bias] = (dense.layers[0] as tfl.layers.Layer).getWeights();
    const k = (kernel as tf.Tensor).dataSync().slice();
    for (let e = 0; e < k.length; e++) if (e % 20 < 10) k[e] = 0;
    const replaced = [tf.tensor2d(k, [30, 20]), tf.clone(bias as tf.Tensor)];
    (dense.layers[0] as tfl.layers.Layer).setWeights(replaced);
    tf.dispose(replaced);
    const { model: small } = compactModel(dense);
    const fast = fastPredict(small);
    expect(fast.layerSizes).toEqual([30, 10, 10, 4]);
    fast.dispose();
    const x = tf.randomNormal([33, 30]) as tf.Tensor2D;
    expect(maxDifference(small, x)).toBeLessThanOrEqual(1e-5);

    const withDropout = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 6, inputShape: [30], activation: 'relu', biasInitializer: 'ones' }),
        tfl.layers.dropout({ rate: 0.5 }),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    expect(maxDifference(withDropout, x)).toBeLessThanOrEqual(1e-5);
    // int32 inputs are read as floats, as model.predict casts them.
    const ints = tf.tensor2d(Int32Array.from({ length: 4 * 30 }, (_, i) => (i % 7) - 3), [4, 30], 'int32');
    expect(maxDifference(withDropout, ints)).toBeLessThanOrEqual(1e-5);
    tf.dispose([x, ints]);
    for (const m of [dense, small, withDropout]) m.dispose();
  });

  it('names the layer that does not fit and why', () => {
    const tanh = tfl.sequential({ layers: [tfl.layers.dense({ name: 'h1', units: 4, inputShape: [3], activation: 'tanh' }), tfl.layers.dense({ units: 2 })] });
    expect(errorOf(() => fastPredict(tanh)).message).toMatch(/Dense layer 'h1' has activation 'tanh'; every Dense layer but the last must be 'relu'/);
    const sigmoidHead = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), tfl.layers.dense({ name: 'head', units: 2, activation: 'sigmoid' })] });
    expect(errorOf(() => fastPredict(sigmoidHead)).message).toMatch(/Dense layer 'head' has activation 'sigmoid'; the last Dense layer must be 'linear' or 'softmax'/);
    const conv = tfl.sequential({ layers: [tfl.layers.conv2d({ name: 'c1', filters: 2, kernelSize: 3, inputShape: [5, 5, 1] }), tfl.layers.flatten(), tfl.layers.dense({ units: 2 })] });
    expect(errorOf(() => fastPredict(conv)).message).toMatch(/layer 'c1' is a Conv2D; only Dense layers/);
    const input = tfl.input({ shape: [3] });
    const a = tfl.layers.dense({ units: 2, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.dense({ units: 2, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
    const branched = tfl.model({ inputs: input, outputs: tfl.layers.add({ name: 'sum' }).apply([a, b]) as tfl.SymbolicTensor });
    expect(errorOf(() => fastPredict(branched)).message).toMatch(/fastPredict: layer '.+' is shared or not fed by the layer before it alone/);
    const model = createDenseSequential({ layerSizes: [3, 2], initializer: glorotUniform, seed: 0 });
    const fast = fastPredict(model);
    expect(errorOf(() => fast.predict(tf.zeros([2, 4]))).message).toMatch(/predict takes a float32 or int32 \[batch, 3\] tensor \(batch ≥ 1\), got a float32 tensor of shape \[2, 4\]/);
    fast.dispose();
    for (const m of [tanh, sigmoidHead, conv, branched, model]) m.dispose();
  });
});
