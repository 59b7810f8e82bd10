import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { applyMasks, createRuntime, isSparseError, Random } from '@sparse/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { modelParameters } from '../model-parameters.js';
import { compactModel } from './compact-model.js';
import { modelFlops } from './model-flops.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

const models: tfl.LayersModel[] = [];
afterEach(() => {
  for (const m of models.splice(0)) m.dispose();
});
const keep = <T extends tfl.LayersModel>(m: T): T => {
  models.push(m);
  return m;
};

const init = (seed: number) => tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed });

/** Zeroes output unit `j` of a layer's kernel (the last axis), and its bias unless `keepBias`. */
function killUnits(layer: tfl.layers.Layer, units: readonly number[], keepBias = false): void {
  const [kernel, bias] = layer.getWeights();
  if (kernel === undefined) throw new Error('no kernel');
  const out = kernel.shape[kernel.shape.length - 1] as number;
  const k = kernel.dataSync().slice();
  for (let e = 0; e < k.length; e++) if (units.includes(e % out)) k[e] = 0;
  const replaced = [tf.tensor(k, kernel.shape)];
  if (bias !== undefined) {
    const b = bias.dataSync().slice();
    if (!keepBias) for (const j of units) b[j] = 0;
    replaced.push(tf.tensor(b, bias.shape));
  }
  layer.setWeights(replaced);
  tf.dispose(replaced);
}

function expectSameOutputs(a: tfl.LayersModel, b: tfl.LayersModel, shape: number[], seed = 1): void {
  const x = tf.tensor(new Random(seed).fillUniform(new Float32Array(shape.reduce((p, q) => p * q, 1)), -1, 1), shape);
  const ya = a.predict(x) as tf.Tensor;
  const yb = b.predict(x) as tf.Tensor;
  expect(yb.shape).toEqual(ya.shape);
  const da = ya.dataSync();
  const db = yb.dataSync();
  let worst = 0;
  for (let i = 0; i < da.length; i++) worst = Math.max(worst, Math.abs((da[i] as number) - (db[i] as number)));
  expect(worst).toBeLessThanOrEqual(1e-5);
  tf.dispose([x, ya, yb]);
}

describe('compactModel: Dense chains', () => {
  it('removes masked neurons (kernel column and bias) and the next layer\'s rows; outputs equal the masked model\'s', () => {
    const model = keep(
      tfl.sequential({
        layers: [
          tfl.layers.dense({ name: 'c1', inputShape: [20], units: 16, activation: 'relu', kernelInitializer: init(1), biasInitializer: init(2) }),
          tfl.layers.dense({ name: 'c2', units: 12, activation: 'relu', kernelInitializer: init(3), biasInitializer: init(4) }),
          tfl.layers.dense({ name: 'c3', units: 5, kernelInitializer: init(5), biasInitializer: init(6) }),
        ],
      }),
    );
    const masks = new Map<string, tf.Tensor>();
    const neuronMask = (units: number, inputs: number, removed: readonly number[]) => [
      tf.tidy(() => tf.tile(tf.tensor2d([Array.from({ length: units }, (_, j) => (removed.includes(j) ? 0 : 1))]), [inputs, 1])),
      tf.tensor1d(Array.from({ length: units }, (_, j) => (removed.includes(j) ? 0 : 1))),
    ];
    const removed1 = [0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 13, 15];
    const removed2 = [0, 2, 3, 4, 5, 6, 8, 9, 10];
    const [k1, b1] = neuronMask(16, 20, removed1);
    const [k2, b2] = neuronMask(12, 16, removed2);
    masks.set('c1/kernel', k1!).set('c1/bias', b1!).set('c2/kernel', k2!).set('c2/bias', b2!);

    const before = tf.memory().numTensors;
    const result = compactModel(model, { masks });
    keep(result.model);
    expect(result.layers.map((l) => [l.name, l.unitsBefore, l.unitsAfter, l.deadIncoming, l.unusedOutgoing])).toEqual([
      ['c1', 16, 4, 12, 0],
      ['c2', 12, 3, 9, 0],
      ['c3', 5, 5, 0, 0],
    ]);
    expect(result.parameters).toEqual({ before: 20 * 16 + 16 + 16 * 12 + 12 + 12 * 5 + 5, after: 20 * 4 + 4 + 4 * 3 + 3 + 3 * 5 + 5 });
    expect(result.flops).toEqual({ before: 2 * (20 * 16 + 16 * 12 + 12 * 5), after: 2 * (20 * 4 + 4 * 3 + 3 * 5) });
    expect(modelFlops(result.model)).toBe(result.flops.after);
    expect(tf.memory().numTensors - before).toBe(result.model.weights.length);
    applyMasks(modelParameters(model), masks);
    expectSameOutputs(model, result.model, [7, 20]);
    expect(modelParameters(result.model).map((p) => `${p.name} ${p.variable.shape.join('x')}`)).toEqual([
      'c1/kernel 20x4',
      'c1/bias 4',
      'c2/kernel 4x3',
      'c2/bias 3',
      'c3/kernel 3x5',
      'c3/bias 5',
    ]);
    tf.dispose([...masks.values()]);
  });

  it('folds the constant output of a dead neuron with a nonzero bias into the next bias (any elementwise activation)', () => {
    for (const activation of ['sigmoid', 'tanh', 'elu'] as const) {
      const model = keep(
        tfl.sequential({
          layers: [
            tfl.layers.dense({ inputShape: [6], units: 8, activation, kernelInitializer: init(7), biasInitializer: init(8) }),
            tfl.layers.dropout({ rate: 0.5 }),
            tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(9), biasInitializer: init(10) }),
          ],
        }),
      );
      killUnits(model.layers[0]!, [1, 4, 6], true);
      const { model: small, layers } = compactModel(model);
      keep(small);
      expect(layers[0]).toMatchObject({ unitsAfter: 5, deadIncoming: 3 });
      expectSameOutputs(model, small, [5, 6], 2);
    }
  });

  it('removes neurons whose outgoing weights are zero, and cascades', () => {
    const model = keep(
      tfl.sequential({
        layers: [
          tfl.layers.dense({ inputShape: [5], units: 6, activation: 'relu', kernelInitializer: init(11), biasInitializer: init(12) }),
          tfl.layers.dense({ units: 4, activation: 'relu', kernelInitializer: init(13), biasInitializer: init(14) }),
          tfl.layers.dense({ units: 2, kernelInitializer: init(15) }),
        ],
      }),
    );
    // Layer 3 ignores unit 1 of layer 2 (zero row); unit 1 of layer 2 is the only reader of unit 0 of layer 1.
    const [k2, b2] = model.layers[1]!.getWeights() as [tf.Tensor, tf.Tensor];
    const w2 = k2.dataSync().slice();
    for (let r = 0; r < 6; r++) for (let o = 0; o < 4; o++) if (r === 0 && o !== 1) w2[r * 4 + o] = 0;
    const replaced2 = [tf.tensor(w2, [6, 4]), tf.clone(b2)];
    model.layers[1]!.setWeights(replaced2);
    const [k3] = model.layers[2]!.getWeights() as [tf.Tensor, tf.Tensor];
    const w3 = k3.dataSync().slice();
    w3[1 * 2] = 0;
    w3[1 * 2 + 1] = 0;
    const replaced3 = [tf.tensor(w3, [4, 2]), ...model.layers[2]!.getWeights().slice(1).map((t) => tf.clone(t))];
    model.layers[2]!.setWeights(replaced3);
    tf.dispose([...replaced2, ...replaced3]);
    const { model: small, layers } = compactModel(model);
    keep(small);
    expect(layers.map((l) => [l.unitsAfter, l.unusedOutgoing])).toEqual([
      [5, 1],
      [3, 1],
      [2, 0],
    ]);
    expectSameOutputs(model, small, [4, 5], 3);
  });
});

describe('compactModel: Conv2D chains', () => {
  it('removes dead filters with batch norm, pooling, Flatten and Dense, folding what it can', () => {
    const input = tfl.input({ shape: [10, 10, 3] });
    let x = tfl.layers.conv2d({ name: 'k1', filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(21), biasInitializer: init(22) }).apply(input) as tfl.SymbolicTensor;
    x = tfl.layers.batchNormalization({ name: 'bn1', betaInitializer: init(23), gammaInitializer: tfl.initializers.ones(), movingMeanInitializer: init(24) }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.conv2d({ name: 'k2', filters: 5, kernelSize: 3, padding: 'valid', activation: 'tanh', kernelInitializer: init(25), biasInitializer: init(26) }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.conv2d({ name: 'k3', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(27), biasInitializer: init(28) }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ name: 'k4', units: 3, kernelInitializer: init(29) }).apply(x) as tfl.SymbolicTensor;
    const model = keep(tfl.model({ inputs: input, outputs: x }));
    const layer = (name: string) => model.getLayer(name);
    killUnits(layer('k1'), [0, 3], true); // constant through BN + max pool, into a 'valid' conv: folded
    killUnits(layer('k2'), [1], true); // tanh(b) ≠ 0 into a 'same' conv: kept
    killUnits(layer('k2'), [4]); // tanh(0) = 0: removed
    killUnits(layer('k3'), [2], true); // relu(b) into Flatten + Dense: folded
    const { model: small, layers } = compactModel(model);
    keep(small);
    expect(layers.map((l) => [l.name, l.unitsAfter, l.deadIncoming, l.keptConstant])).toEqual([
      ['k1', 4, 2, 0],
      ['k2', 4, 1, 1],
      ['k3', 3, 1, 0],
      ['k4', 3, 0, 0],
    ]);
    expect(small.getLayer('bn1').getWeights()[0]?.shape).toEqual([4]);
    expectSameOutputs(model, small, [2, 10, 10, 3], 4);
    expect(result(small)).toBeLessThan(result(model));
  });
});

const result = (m: tfl.LayersModel): number => modelFlops(m);

describe('compactModel: what it refuses', () => {
  it('branches, unsupported layers and coupling activations are E_ARGUMENT errors naming the layer', () => {
    const input = tfl.input({ shape: [4] });
    const a = tfl.layers.dense({ name: 'ra', units: 3 }).apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.dense({ name: 'rb', units: 3 }).apply(input) as tfl.SymbolicTensor;
    const branchy = keep(tfl.model({ inputs: input, outputs: tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor }));
    const softmaxHidden = keep(tfl.sequential({ layers: [tfl.layers.dense({ name: 'sm', inputShape: [4], units: 3, activation: 'softmax' }), tfl.layers.dense({ units: 2 })] }));
    const reshape = keep(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 6 }), tfl.layers.reshape({ name: 'rs', targetShape: [2, 3] })] }));
    for (const [model, message] of [
      [branchy, /'rb' is not fed by the layer before it alone/],
      [softmaxHidden, /'sm' has activation 'softmax'/],
      [reshape, /'rs' is a Reshape/],
    ] as const) {
      let error: unknown;
      try {
        compactModel(model);
      } catch (caught) {
        error = caught;
      }
      expect(isSparseError(error) && error.code === 'E_ARGUMENT').toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});
