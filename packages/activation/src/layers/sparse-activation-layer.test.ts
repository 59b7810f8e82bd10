import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '@sparse/core';
import { ActivationRecorder } from '../calibration/activation-recorder.js';
import { computeThresholds } from '../calibration/compute-thresholds.js';
import { catsSparsify } from '../sparsify/cats.js';
import { topKSparsify } from '../sparsify/top-k.js';
import { applyThresholdsToLayers, buildGatedMlpLayersModel, setSparseActivationMode, sparseActivationLayers } from './layers-model-helpers.js';
import { SparseActivation } from './sparse-activation-layer.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

function single(layer: SparseActivation, width: number): tfl.LayersModel {
  const input = tfl.input({ shape: [width] });
  return tfl.model({ inputs: input, outputs: layer.apply(input) as tfl.SymbolicTensor });
}

describe('SparseActivation layer', () => {
  it('is the identity in dense and calibrate modes (one input, and the dense gated product with two), and records when calibrating', () => {
    const x = tf.randomNormal([6, 10], 0, 1, 'float32', 1);
    const up = tf.randomNormal([6, 10], 0, 1, 'float32', 2);
    const layer = new SparseActivation({ site: 's', mode: 'calibrate' });
    const recorder = new ActivationRecorder();
    layer.recorder = recorder;
    const model = single(layer, 10);
    expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(x.dataSync()));
    expect(recorder.statistics('s').tokens).toBe(6);
    layer.mode = 'dense';
    expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(x.dataSync()));

    const a = tfl.input({ shape: [10] });
    const b = tfl.input({ shape: [10] });
    const gated = new SparseActivation({ site: 'g', rule: 'channel', mode: 'calibrate' });
    gated.recorder = recorder;
    const product = tfl.model({ inputs: [a, b], outputs: gated.apply([a, b]) as tfl.SymbolicTensor });
    const expected = tf.tidy(() => Array.from(tf.mul(x, up).dataSync()));
    expect(Array.from((product.predict([x, up]) as tf.Tensor).dataSync())).toEqual(expected);
    expect(recorder.upMean('g')?.length).toBe(10);
    tf.dispose([x, up]);
  });

  it('in sparse mode equals the plain functions (CATS threshold weight, top-k)', () => {
    const x = tf.randomNormal([4, 8], 0, 1, 'float32', 3);
    const cats = new SparseActivation({ rule: 'threshold' });
    const catsModel = single(cats, 8);
    cats.setThresholds({ threshold: 0.5 });
    cats.mode = 'sparse';
    expect(Array.from((catsModel.predict(x) as tf.Tensor).dataSync())).toEqual(tf.tidy(() => Array.from(catsSparsify(x, 0.5).dataSync())));
    const topk = new SparseActivation({ rule: 'topk', k: 3, mode: 'sparse', by: 'magnitude' });
    expect(Array.from((single(topk, 8).predict(x) as tf.Tensor).dataSync())).toEqual(tf.tidy(() => Array.from(topKSparsify(x, 3, { by: 'magnitude' }).dataSync())));
    expect(() => cats.setThresholds({ channelThresholds: [1] })).toThrow(/has rule 'threshold' and cannot take "channelThresholds"/);
    expect(() => new SparseActivation({ rule: 'x' as never })).toThrow(/rule must be/);
    x.dispose();
  });
});

describe('gated MLP as a LayersModel', () => {
  it('calibrates with predict, hits the target exactly on the calibration data, saves and reloads its thresholds, and fits', async () => {
    const model = buildGatedMlpLayersModel({ inputSize: 20, dModel: 8, hidden: 24, blocks: 1, classes: 3, rule: 'channel', seed: 1 });
    expect([...sparseActivationLayers(model).keys()]).toEqual(['block0/gate']);
    const x = tf.randomNormal([40, 20], 0, 1, 'float32', 4);
    const recorder = new ActivationRecorder();
    setSparseActivationMode(model, 'calibrate', recorder);
    const dense = Array.from((model.predict(x) as tf.Tensor).dataSync());
    const file = computeThresholds(recorder, { method: 'chess', target: 0.7 });
    expect(applyThresholdsToLayers(model, file)).toEqual(['block0/gate']);

    const layer = sparseActivationLayers(model).get('block0/gate') as SparseActivation;
    const probe = tfl.model({ inputs: model.inputs, outputs: layer.output as tfl.SymbolicTensor });
    const zeros = Array.from((probe.predict(x) as tf.Tensor).dataSync()).filter((v) => v === 0).length;
    expect(zeros).toBe(Math.round(0.7 * 40 * 24));
    const sparse = Array.from((model.predict(x) as tf.Tensor).dataSync());
    expect(sparse).not.toEqual(dense);

    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const reloaded = await tfl.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    expect(Array.from((reloaded.predict(x) as tf.Tensor).dataSync())).toEqual(sparse);

    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 40 }, (_, i) => i % 3), 'int32'), 3);
    const history = await model.fit(x, y, { epochs: 3, batchSize: 40, verbose: 0 });
    expect(history.history['loss']?.length).toBe(3);
    tf.dispose([x, y]);
  });
});
