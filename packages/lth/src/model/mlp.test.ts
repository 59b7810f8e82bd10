import * as tf from '@tensorflow/tfjs-core';
import { glorotNormal, initialDenseMlpWeights } from '@sparse/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../test/support.js';
import { createMlp } from './mlp.js';

beforeAll(useCpu);

describe('createMlp (LeNet-300-100)', () => {
  it('has three [in, out] dense kernels and three zero biases, Gaussian Glorot from the seed', () => {
    const model = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
    expect(model.parameters.map((p) => [p.name, p.role, p.variable.shape])).toEqual([
      ['fc1/kernel', 'dense-kernel', [784, 300]],
      ['fc1/bias', 'bias', [300]],
      ['fc2/kernel', 'dense-kernel', [300, 100]],
      ['fc2/bias', 'bias', [100]],
      ['fc3/kernel', 'dense-kernel', [100, 10]],
      ['fc3/bias', 'bias', [10]],
    ]);
    expect(model.outputParameter).toBe('fc3/kernel');
    const w1 = Float32Array.from(model.parameters[0]!.variable.dataSync());
    const mean = w1.reduce((a, b) => a + b, 0) / w1.length;
    const std = Math.sqrt(w1.reduce((a, b) => a + (b - mean) ** 2, 0) / w1.length);
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(std / Math.sqrt(2 / (784 + 300))).toBeCloseTo(1, 2);
    expect(w1).toEqual(initialDenseMlpWeights({ layerSizes: [784, 300, 100, 10] }, { initializer: glorotNormal, seed: 0 }).get('fc1/kernel'));
    expect(model.parameters[1]!.variable.dataSync().every((v) => v === 0)).toBe(true);
    const again = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
    expect(again.parameters[4]!.variable.dataSync()).toEqual(model.parameters[4]!.variable.dataSync());
    const reinit = model.initialValues(0, 'reinit').get('fc1/kernel')!;
    expect(reinit[0]).not.toBe(w1[0]);
    model.dispose();
    again.dispose();
  });

  it("names layers <prefix><i>, draws initialValues(seed, purpose) per name, and rejects bad sizes with core's message", () => {
    const model = createMlp({ layerSizes: [4, 3, 2], seed: 5, prefix: 'dense' });
    expect(model.parameters.map((p) => p.name)).toEqual(['dense1/kernel', 'dense1/bias', 'dense2/kernel', 'dense2/bias']);
    expect(model.outputParameter).toBe('dense2/kernel');
    expect(model.denseLayers?.map((l) => [l.kernel.name, l.bias.name])).toEqual([['dense1/kernel', 'dense1/bias'], ['dense2/kernel', 'dense2/bias']]);
    const architecture = { layerSizes: [4, 3, 2], layerNames: ['dense1', 'dense2'] };
    expect(model.initialValues(5, 'reinit')).toEqual(initialDenseMlpWeights(architecture, { initializer: glorotNormal, seed: 5, purpose: 'reinit' }));
    expect(Float32Array.from(model.parameters[2]!.variable.dataSync())).toEqual(model.initialValues(5, 'init').get('dense2/kernel'));
    model.dispose();
    expect(() => createMlp({ layerSizes: [784], seed: 0 })).toThrow('layerSizes must list at least two positive integers (input first), got [784].');
    expect(() => createMlp({ layerSizes: [784, 0, 10], seed: 0 })).toThrow(/positive integers/);
  });

  it('computes relu(xW + b) layers and a softmax cross-entropy, with gradients, without leaks', () => {
    const model = createMlp({ layerSizes: [3, 4, 2], seed: 1 });
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([[1, -2, 0.5]]);
    const y = tf.tensor2d([[0, 1]]);
    const [w1, b1, w2, b2] = model.parameters.map((p) => p.variable);
    const expected = tf.tidy(() => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1!), b1!)), w2!), b2!));
    const logits = model.forward(x);
    expect(logits.dataSync()).toEqual(expected.dataSync());
    const { value, grads } = tf.variableGrads(() => model.loss({ x, y }));
    expect(Object.keys(grads)).toHaveLength(4);
    expect(value.dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([x, y, expected, logits, value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('has the same gradients as plain fused matMul layers (the input layer just skips dL/dx)', () => {
    const model = createMlp({ layerSizes: [6, 5, 4, 3], seed: 2 });
    const vars = model.parameters.map((p) => p.variable);
    const x = tf.randomUniform([7, 6], 0, 1, 'float32', 3);
    const y = tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0], 'int32'), 3), 'float32');
    const reference = () =>
      tf.tidy(() => {
        const [w1, b1, w2, b2, w3, b3] = vars;
        const h1 = tf.fused.matMul({ a: x, b: w1!, bias: b1!, activation: 'relu' });
        const h2 = tf.fused.matMul({ a: h1, b: w2!, bias: b2!, activation: 'relu' });
        return tf.losses.softmaxCrossEntropy(y, tf.fused.matMul({ a: h2, b: w3!, bias: b3! })) as tf.Scalar;
      });
    const ours = tf.variableGrads(() => model.loss({ x, y }), vars);
    const theirs = tf.variableGrads(reference, vars);
    expect(ours.value.dataSync()).toEqual(theirs.value.dataSync());
    for (const v of vars) expect(ours.grads[v.name]!.dataSync()).toEqual(theirs.grads[v.name]!.dataSync());
    tf.dispose([x, y, ours.value, theirs.value, ...Object.values(ours.grads), ...Object.values(theirs.grads)]);
    model.dispose();
  });
});
