import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Random, createDenseMlp, createRuntime, deriveSeed, glorotUniform, heNormal, initialDenseMlpWeights, topOneAccuracy } from '@sparse/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxOutputDifference } from './compaction/output-difference.js';
import { createDenseSequential } from './dense-sequential.js';
import { modelParameters } from './model-parameters.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

const SIZES = [10, 8, 6, 3];

const weightsOf = (model: tfl.LayersModel): Map<string, Float32Array> => new Map(modelParameters(model).map((p) => [p.name, p.variable.dataSync() as Float32Array]));

function inputs(rows: number, seed: number): { images: Float32Array; labels: Uint8Array; count: number; shape: number[] } {
  const random = new Random(seed);
  return { images: random.fillUniform(new Float32Array(rows * SIZES[0]!), -1, 1), labels: Uint8Array.from({ length: rows }, () => random.nextInt(3)), count: rows, shape: [SIZES[0]!] };
}

describe('createDenseSequential', () => {
  it("with a core initializer holds createDenseMlp's values and computes its logits", () => {
    const options = { layerSizes: SIZES, layerNames: ['fc1', 'fc2', 'out'], initializer: heNormal, seed: 4 };
    const model = createDenseSequential(options);
    const mlp = createDenseMlp(options);
    expect(model.layers.map((layer) => `${layer.name}:${(layer.getConfig() as { activation: string }).activation}`)).toEqual(['fc1:relu', 'fc2:relu', 'out:linear']);
    expect(weightsOf(model)).toEqual(initialDenseMlpWeights(options, { initializer: heNormal, seed: 4 }));
    expect(weightsOf(model)).toEqual(mlp.read());
    const set = inputs(7, 1);
    const x = tf.tensor2d(set.images, [7, SIZES[0]!]);
    const [a, b] = [model.predict(x) as tf.Tensor, mlp.forward(x)];
    const expected = b.dataSync();
    a.dataSync().forEach((value, i) => expect(Math.abs(value - (expected[i] as number))).toBeLessThan(1e-5));
    expect(topOneAccuracy((input) => model.predict(input) as tf.Tensor, set)).toBe(topOneAccuracy(mlp.forward, set));
    tf.dispose([x, a, b]);
    model.dispose();
    mlp.dispose();
  });

  it("with 'tfjs-glorot-uniform' draws each kernel as tfjs-layers' glorotUniform seeded with deriveSeed(seed, 'init', name)", () => {
    const model = createDenseSequential({ layerSizes: SIZES, name: 'mlp_3', initializer: 'tfjs-glorot-uniform', seed: 3 });
    const byHand = tfl.sequential({
      layers: ['fc1', 'fc2', 'fc3'].map((name, i) =>
        tfl.layers.dense({
          name,
          units: SIZES[i + 1]!,
          ...(i === 0 ? { inputShape: [SIZES[0]!] } : {}),
          ...(i < 2 ? { activation: 'relu' as const } : {}),
          kernelInitializer: tfl.initializers.glorotUniform({ seed: deriveSeed(3, 'init', `${name}/kernel`) }),
        }),
      ),
    });
    expect(model.name).toBe('mlp_3');
    expect(weightsOf(model)).toEqual(weightsOf(byHand));
    expect(weightsOf(model).get('fc2/bias')).toEqual(new Float32Array(6));
    // the same distribution as core's glorotUniform, another stream
    expect(weightsOf(model).get('fc1/kernel')).not.toEqual(initialDenseMlpWeights({ layerSizes: SIZES }, { initializer: glorotUniform, seed: 3 }).get('fc1/kernel'));
    const reinit = createDenseSequential({ layerSizes: SIZES, initializer: 'tfjs-glorot-uniform', seed: 3, purpose: 'reinit' });
    expect(weightsOf(reinit).get('fc1/kernel')).not.toEqual(weightsOf(model).get('fc1/kernel'));
    for (const m of [model, byHand, reinit]) m.dispose();
  });

  it('loads given weights, with a softmax output on request', () => {
    const weights = new Map([...initialDenseMlpWeights({ layerSizes: SIZES }, { initializer: glorotUniform, seed: 0 })].map(([name, values]) => [name, values.map((v, i) => v + (name.endsWith('bias') ? 0.01 * i : 0))]));
    const model = createDenseSequential({ layerSizes: SIZES, weights, outputActivation: 'softmax' });
    expect(weightsOf(model)).toEqual(weights);
    expect((model.layers[2]?.getConfig() as { activation: string }).activation).toBe('softmax');
    const x = tf.tensor2d(inputs(4, 2).images, [4, SIZES[0]!]);
    const sums = tf.tidy(() => tf.sum(model.predict(x) as tf.Tensor, 1));
    sums.dataSync().forEach((sum) => expect(sum).toBeCloseTo(1, 5));
    tf.dispose([x, sums]);
    model.dispose();
  });

  it('checks its options before making any variable, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const model = createDenseSequential({ layerSizes: SIZES, initializer: glorotUniform, seed: 1 });
    expect(tf.memory().numTensors).toBe(before + 6);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const weights = initialDenseMlpWeights({ layerSizes: SIZES }, { initializer: glorotUniform, seed: 0 });
    weights.set('fc2/kernel', new Float32Array(3));
    for (const attempt of [
      () => createDenseSequential({ layerSizes: SIZES, weights }),
      () => createDenseSequential({ layerSizes: [10] } as never),
      () => createDenseSequential({ layerSizes: SIZES } as never),
      () => createDenseSequential({ layerSizes: SIZES, initializer: glorotUniform, seed: 0, outputActivation: 'tanh' as never }),
    ]) {
      expect(attempt).toThrow(expect.objectContaining({ code: 'E_ARGUMENT' }));
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('maxOutputDifference', () => {
  it('is 0 for equal models and the largest output change otherwise, whatever the chunk size', () => {
    const a = createDenseSequential({ layerSizes: SIZES, initializer: heNormal, seed: 9 });
    const b = createDenseSequential({ layerSizes: SIZES, initializer: heNormal, seed: 9 });
    const set = inputs(23, 5);
    expect(maxOutputDifference(a, b, set)).toBe(0);
    // shift one output bias: every logit of that output moves by exactly the shift
    const shifted = weightsOf(b);
    shifted.set('fc3/bias', Float32Array.from([0, 0.25, 0]));
    const bias = modelParameters(b).find((p) => p.name === 'fc3/bias')!;
    bias.variable.assign(tf.tensor1d(shifted.get('fc3/bias')!));
    const before = tf.memory().numTensors;
    for (const chunkSize of [1, 4, 23, 1000]) expect(maxOutputDifference(a, b, set, { chunkSize })).toBeCloseTo(0.25, 6);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => maxOutputDifference(a, b, set, { chunkSize: 0 })).toThrow(expect.objectContaining({ code: 'E_ARGUMENT' }));
    a.dispose();
    b.dispose();
  });
});
