import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRuntime, isSparseError } from '@sparse/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelParameters } from './model-parameters.js';
import { stripMasks } from './strip-masks.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

function buildModel() {
  const input = tfl.input({ shape: [6, 6, 1] });
  const conv = tfl.layers.conv2d({ name: 'conv', filters: 3, kernelSize: 3, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
  const flat = tfl.layers.flatten({ name: 'flat' }).apply(conv) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ name: 'out', units: 4 }).apply(flat) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

describe('stripMasks', () => {
  it('writes m ⊙ w as plain weights: predictions equal the masked computation, and survive save/load', async () => {
    const model = buildModel();
    const x = tf.randomNormal([5, 6, 6, 1], 0, 1, 'float32', 3);
    const parameters = modelParameters(model);
    const masks = new Map(
      parameters
        .filter((p) => p.role !== 'bias')
        .map((p, i) => [p.name, tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(p.variable.shape, 0, 1, 'float32', 40 + i), 0.6), 'float32'))]),
    );
    // reference: the same forward pass computed by hand with m ⊙ w
    const conv = parameters.find((p) => p.name === 'conv/kernel')!;
    const convBias = parameters.find((p) => p.name === 'conv/bias')!;
    const dense = parameters.find((p) => p.name === 'out/kernel')!;
    const denseBias = parameters.find((p) => p.name === 'out/bias')!;
    const expected = tf.tidy(() => {
      const h = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, tf.mul(conv.variable, masks.get('conv/kernel')!) as tf.Tensor4D, 1, 'valid'), convBias.variable));
      return tf.add(tf.matMul(tf.reshape(h, [5, -1]), tf.mul(dense.variable, masks.get('out/kernel')!)), denseBias.variable);
    });
    expect(stripMasks(model, masks)).toBe(model);
    const predicted = model.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(predicted, expected))).dataSync()[0]!).toBeLessThan(1e-5);

    // a plain LayersModel: save to memory, load without @sparse, same zeros and predictions
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const reloaded = loaded.predict(x) as tf.Tensor;
    expect(Array.from(reloaded.dataSync())).toEqual(Array.from(predicted.dataSync()));
    const loadedKernel = loaded.getLayer('out').getWeights()[0]!;
    const mask = masks.get('out/kernel')!.dataSync();
    const values = loadedKernel.dataSync();
    expect(Array.from(mask).every((m, i) => m !== 0 || values[i] === 0)).toBe(true);

    tf.dispose([x, expected, predicted, reloaded, ...masks.values()]);
    model.dispose();
    loaded.dispose();
  });

  it('rejects a mask that names no weight of the model', () => {
    const model = buildModel();
    const mask = tf.ones([3]);
    let caught: unknown;
    try {
      stripMasks(model, new Map([['missing/kernel', mask]]));
    } catch (error) {
      caught = error;
    }
    expect(isSparseError(caught, 'E_ARGUMENT')).toBe(true);
    expect((caught as Error).message).toMatch(/'missing\/kernel' but no parameter/);
    mask.dispose();
    model.dispose();
  });
});
