import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRuntime, isSparseError } from '@sparse/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelParameters, prunableParameters } from './model-parameters.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

const summary = (model: tfl.LayersModel) => modelParameters(model).map((p) => [p.name, p.role, p.variable.shape]);

describe('modelParameters / prunableParameters', () => {
  it('maps a Sequential model: Dense, Conv2D, BatchNorm, LayerNorm, Embedding, in layer order', () => {
    const conv = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ name: 'c1', inputShape: [8, 8, 1], filters: 4, kernelSize: 3 }),
        tfl.layers.batchNormalization({ name: 'bn' }),
        tfl.layers.flatten({ name: 'flat' }),
        tfl.layers.dense({ name: 'fc', units: 5 }),
        tfl.layers.layerNormalization({ name: 'ln' }),
      ],
    });
    expect(summary(conv)).toEqual([
      ['c1/kernel', 'conv-kernel', [3, 3, 1, 4]],
      ['c1/bias', 'bias', [4]],
      ['bn/gamma', 'norm', [4]],
      ['bn/beta', 'norm', [4]],
      ['fc/kernel', 'dense-kernel', [144, 5]],
      ['fc/bias', 'bias', [5]],
      ['ln/gamma', 'norm', [5]],
      ['ln/beta', 'norm', [5]],
    ]);
    expect(prunableParameters(conv).map((p) => p.name)).toEqual(['c1/kernel', 'fc/kernel']);
    const text = tfl.sequential({
      layers: [tfl.layers.embedding({ name: 'emb', inputDim: 50, outputDim: 6, inputLength: 4 }), tfl.layers.flatten(), tfl.layers.dense({ name: 'out', units: 2, useBias: false })],
    });
    expect(summary(text)).toEqual([
      ['emb/embeddings', 'embedding', [50, 6]],
      ['out/kernel', 'dense-kernel', [24, 2]],
    ]);
    expect(prunableParameters(text, { roles: ['embedding'] }).map((p) => p.name)).toEqual(['emb/embeddings']);
    conv.dispose();
    text.dispose();
  });

  it('maps a functional model with a nested Sequential and a shared layer, once each', () => {
    const inner = tfl.sequential({ name: 'inner', layers: [tfl.layers.dense({ name: 'h1', inputShape: [6], units: 6 })] });
    const input = tfl.input({ shape: [6] });
    const shared = tfl.layers.dense({ name: 'shared', units: 7 });
    const a = inner.apply(input) as tfl.SymbolicTensor;
    const b = shared.apply(input) as tfl.SymbolicTensor;
    const c = shared.apply(a) as tfl.SymbolicTensor;
    const merged = tfl.layers.add().apply([b, c]) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'head', units: 2 }).apply(merged) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const names = modelParameters(model).map((p) => p.name);
    expect(names).toEqual(['h1/kernel', 'h1/bias', 'shared/kernel', 'shared/bias', 'head/kernel', 'head/bias']);
    expect(prunableParameters(model, { filter: (p) => p.name !== 'head/kernel' }).map((p) => p.name)).toEqual(['h1/kernel', 'shared/kernel']);
    model.dispose();
  });

  it('gives the same names to two models built alike in one process, and returns the live variables', () => {
    const build = () =>
      tfl.sequential({ layers: [tfl.layers.dense({ name: 'fc1', inputShape: [3], units: 2 }), tfl.layers.dense({ name: 'fc2', units: 1 })] });
    const first = build();
    const second = build();
    expect(modelParameters(second).map((p) => p.name)).toEqual(modelParameters(first).map((p) => p.name));
    // the tfjs variable names differ (process-wide de-duplication), ours do not
    expect(second.getLayer('fc1').trainableWeights[0]!.name).not.toBe(first.getLayer('fc1').trainableWeights[0]!.name);
    const [kernel] = prunableParameters(first);
    kernel!.variable.assign(tf.zeros([3, 2]));
    const prediction = first.predict(tf.ones([1, 3])) as tf.Tensor;
    const bias2 = first.getLayer('fc2').getWeights()[1]!; // the live variable, not a copy: do not dispose
    expect(Array.from(prediction.dataSync())).toEqual(Array.from(bias2.dataSync()));
    prediction.dispose();
    first.dispose();
    second.dispose();
  });

  it('leaves out frozen layers', () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ name: 'frozen', inputShape: [3], units: 2, trainable: false }), tfl.layers.dense({ name: 'free', units: 1 })],
    });
    expect(modelParameters(model).map((p) => p.name)).toEqual(['free/kernel', 'free/bias']);
    model.dispose();
  });

  it('rejects two weights that would share a name', () => {
    const input = tfl.input({ shape: [3] });
    // two nested models whose layers carry the same name
    const make = (name: string) => tfl.sequential({ name, layers: [tfl.layers.dense({ name: 'same', inputShape: [3], units: 3 })] });
    const x = make('m1').apply(input) as tfl.SymbolicTensor;
    const y = make('m2').apply(x) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: y });
    let caught: unknown;
    try {
      modelParameters(model);
    } catch (error) {
      caught = error;
    }
    expect(isSparseError(caught, 'E_ARGUMENT')).toBe(true);
    expect((caught as Error).message).toMatch(/both be named 'same\/kernel'/);
    model.dispose();
  });
});
