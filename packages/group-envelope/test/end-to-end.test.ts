import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Random, createRuntime, train, type Batch } from '@sparse/core';
import { compactModel, modelParameters } from '@sparse/layers';
import { expect, it } from 'vitest';
import { gsef } from '../src/index.js';

await createRuntime({ backend: 'cpu' });

it('GSEF → exactly k neurons per layer → fine-tune → compactModel gives the same outputs with fewer parameters', async () => {
  const random = new Random(3);
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ name: 'e2e1', inputShape: [10], units: 24, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.dense({ name: 'e2e2', units: 12, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      tfl.layers.dense({ name: 'e2e3', units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
  const parameters = modelParameters(model);
  const x = tf.tensor2d(random.fillUniform(new Float32Array(96 * 10), -1, 1), [96, 10]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.argMax(tf.matMul(x, tf.tensor2d(random.fillUniform(new Float32Array(30), -1, 1), [10, 3])), 1), 3), 'float32'));
  const batches: Batch[] = [{ x, y }];
  const loss = ({ x: input, y: target }: Batch) => tf.losses.softmaxCrossEntropy(target, model.apply(input) as tf.Tensor) as tf.Scalar;
  const regularizer = gsef({ lambda: 2, targetGroupSparsity: 0.75, warmupSteps: 10 });
  const adam = tf.train.adam(0.01);
  await train({ parameters, loss, optimizer: adam, batches, epochs: 80, regularizers: [regularizer.bind(parameters)] });
  adam.dispose();
  const { masks, sets } = regularizer.selectTopGroups(parameters);
  expect(sets.map((s) => s.kept)).toEqual([6, 3]);
  const fineTune = tf.train.adam(0.005);
  await train({ parameters, loss, optimizer: fineTune, batches, epochs: 20, masks });
  fineTune.dispose();
  expect(regularizer.nonzeroGroups(parameters).map((c) => c.nonzero)).toEqual([6, 3]);

  const { model: small, layers, parameters: counts } = compactModel(model, { masks });
  expect(layers.map((l) => l.unitsAfter)).toEqual([6, 3, 3]);
  expect(counts.after).toBe(10 * 6 + 6 + 6 * 3 + 3 + 3 * 3 + 3);
  const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, small.predict(x) as tf.Tensor))).dataSync()[0]);
  expect(difference).toBeLessThanOrEqual(1e-5);
  tf.dispose([...masks.values(), x, y]);
  small.dispose();
  model.dispose();
});
