import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSparseError } from '../errors.js';
import { deriveSeed } from '../random/derive-seed.js';
import { Random } from '../random/random.js';
import { createRuntime } from '../create-runtime.js';
import { optimizerEngine } from '../training/optimizer-engine.js';
import { topOneAccuracy } from './accuracy.js';
import { createDenseMlp, type DenseMlp, type DenseMlpOps } from './dense-mlp.js';
import { denseMlpLayers, glorotNormal, glorotUniform, heNormal, initialDenseMlpWeights } from './initializers.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

const SIZES = [12, 9, 7, 4] as const;

/** Inputs `[rows, SIZES[0]]` and one-hot labels from a seeded stream. */
function batchOf(rows: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D; xs: Float32Array; labels: Int32Array } {
  const random = new Random(seed);
  const xs = random.fillUniform(new Float32Array(rows * SIZES[0]), -1, 1);
  const labels = Int32Array.from({ length: rows }, () => random.nextInt(SIZES[3]));
  return tf.tidy(() => ({ x: tf.tensor2d(xs, [rows, SIZES[0]]), y: tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), SIZES[3]), 'float32') as tf.Tensor2D, xs, labels }));
}

/** The network by hand on the host, in float64: `relu(x·W + b)` per hidden layer, logits last. */
function referenceForward(weights: ReadonlyMap<string, Float32Array>, names: readonly string[], xs: Float32Array, rows: number): { inputs: Float64Array[]; logits: Float64Array } {
  let h = Float64Array.from(xs);
  const inputs: Float64Array[] = [];
  names.forEach((name, l) => {
    inputs.push(h);
    const fanIn = SIZES[l] as number;
    const fanOut = SIZES[l + 1] as number;
    const w = weights.get(`${name}/kernel`) as Float32Array;
    const b = weights.get(`${name}/bias`) as Float32Array;
    const out = new Float64Array(rows * fanOut);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < fanOut; j++) {
        let sum = b[j] as number;
        for (let i = 0; i < fanIn; i++) sum += (h[r * fanIn + i] as number) * (w[i * fanOut + j] as number);
        out[r * fanOut + j] = l < names.length - 1 ? Math.max(0, sum) : sum;
      }
    }
    h = out;
  });
  return { inputs, logits: h };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThan(tolerance * Math.max(1, Math.abs(expected[i] as number)));
}

/** Weights with non-zero biases, so a missing bias would show. */
function randomWeights(seed: number, names: readonly string[] = ['fc1', 'fc2', 'fc3']): Map<string, Float32Array> {
  const random = new Random(seed);
  const weights = new Map<string, Float32Array>();
  names.forEach((name, l) => {
    weights.set(`${name}/kernel`, random.fillNormal(new Float32Array((SIZES[l] as number) * (SIZES[l + 1] as number)), 0, 0.5));
    weights.set(`${name}/bias`, random.fillNormal(new Float32Array(SIZES[l + 1] as number), 0, 0.2));
  });
  return weights;
}

describe('initializers', () => {
  it('draw each kernel from new Random(deriveSeed(seed, purpose, name)) with the documented distribution', () => {
    const fanIn = 300;
    const fanOut = 100;
    const stream = () => new Random(deriveSeed(3, 'init', 'fc2/kernel'));
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    expect(glorotUniform(stream(), fanIn, fanOut)).toEqual(stream().fillUniform(new Float32Array(fanIn * fanOut), -limit, limit));
    expect(glorotNormal(stream(), fanIn, fanOut)).toEqual(stream().fillNormal(new Float32Array(fanIn * fanOut), 0, Math.sqrt(2 / (fanIn + fanOut))));
    expect(heNormal(stream(), fanIn, fanOut)).toEqual(stream().fillNormal(new Float32Array(fanIn * fanOut), 0, Math.sqrt(2 / fanIn)));

    const std = (values: Float32Array) => Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    const uniform = glorotUniform(stream(), fanIn, fanOut);
    expect(Math.max(...uniform.map(Math.abs))).toBeLessThanOrEqual(limit);
    const near = (actual: number, expected: number) => expect(Math.abs(actual / expected - 1)).toBeLessThan(0.02);
    near(std(uniform), limit / Math.sqrt(3));
    near(std(glorotNormal(stream(), fanIn, fanOut)), Math.sqrt(2 / (fanIn + fanOut)));
    near(std(heNormal(stream(), fanIn, fanOut)), Math.sqrt(2 / fanIn));
  });

  it('initialDenseMlpWeights is deterministic per seed and purpose, per kernel, with zero biases', () => {
    const architecture = { layerSizes: SIZES };
    const a = initialDenseMlpWeights(architecture, { initializer: heNormal, seed: 5 });
    const b = initialDenseMlpWeights(architecture, { initializer: heNormal, seed: 5, purpose: 'init' });
    expect([...a.keys()]).toEqual(['fc1/kernel', 'fc1/bias', 'fc2/kernel', 'fc2/bias', 'fc3/kernel', 'fc3/bias']);
    expect(a).toEqual(b);
    expect(a.get('fc2/bias')).toEqual(new Float32Array(7));
    const otherSeed = initialDenseMlpWeights(architecture, { initializer: heNormal, seed: 6 });
    const reinit = initialDenseMlpWeights(architecture, { initializer: heNormal, seed: 5, purpose: 'reinit' });
    for (const name of ['fc1/kernel', 'fc2/kernel', 'fc3/kernel']) {
      expect(otherSeed.get(name)).not.toEqual(a.get(name));
      expect(reinit.get(name)).not.toEqual(a.get(name));
    }
    // a kernel depends on its own name and widths only, not on the other layers
    const wider = initialDenseMlpWeights({ layerSizes: [12, 9, 7, 30, 4] }, { initializer: heNormal, seed: 5 });
    expect(wider.get('fc1/kernel')).toEqual(a.get('fc1/kernel'));
    expect(wider.get('fc2/kernel')).toEqual(a.get('fc2/kernel'));
  });

  it('denseMlpLayers names layers fc1… by default and checks sizes and names', () => {
    expect(denseMlpLayers({ layerSizes: [784, 300, 10] })).toEqual([
      { name: 'fc1', inputs: 784, outputs: 300 },
      { name: 'fc2', inputs: 300, outputs: 10 },
    ]);
    expect(denseMlpLayers({ layerSizes: [4, 2], layerNames: ['head'] })).toEqual([{ name: 'head', inputs: 4, outputs: 2 }]);
    for (const bad of [{ layerSizes: [784] }, { layerSizes: [784, 0] }, { layerSizes: [784, 1.5] }, { layerSizes: [4, 3, 2], layerNames: ['a'] }, { layerSizes: [4, 3, 2], layerNames: ['a', 'a'] }, { layerSizes: [4, 3], layerNames: [''] }]) {
      expect(() => denseMlpLayers(bad)).toThrow(expect.objectContaining({ code: 'E_ARGUMENT' }));
    }
  });
});

describe('createDenseMlp', () => {
  for (const ops of ['fused', 'separate'] as const satisfies readonly DenseMlpOps[]) {
    it(`forward equals a hand-written reference, intermediates included (${ops})`, () => {
      const names = ['fc1', 'fc2', 'head'];
      const weights = randomWeights(1, names);
      const model = createDenseMlp({ layerSizes: SIZES, layerNames: names, weights, ops });
      const { x, y, xs } = batchOf(5, 2);
      const reference = referenceForward(weights, names, xs, 5);
      const logits = model.forward(x);
      expect(logits.shape).toEqual([5, 4]);
      expectClose(logits.dataSync(), reference.logits);
      const out = model.forwardWithIntermediates(x);
      expect(out.inputs[0]).toBe(x);
      expect(out.hidden).toBe(out.inputs[2]);
      out.inputs.forEach((input, l) => expectClose(input.dataSync(), reference.inputs[l] as Float64Array));
      expectClose(out.logits.dataSync(), reference.logits);
      // the loss is tfjs's softmax cross-entropy of the logits; the fused loss agrees in value and gradients
      const expectedLoss = tf.tidy(() => tf.losses.softmaxCrossEntropy(y, tf.tensor2d(Float32Array.from(reference.logits), [5, 4])));
      const variables = model.parameters.map((p) => p.variable);
      const plain = tf.variableGrads(() => model.loss({ x, y }), variables);
      const fused = tf.variableGrads(() => model.fusedLoss({ x, y }), variables);
      expectClose(plain.value.dataSync(), expectedLoss.dataSync());
      expectClose(fused.value.dataSync(), expectedLoss.dataSync());
      for (const v of variables) expectClose(fused.grads[v.name]!.dataSync(), plain.grads[v.name]!.dataSync(), 1e-4);
      tf.dispose([logits, out.logits, ...out.inputs.slice(1), expectedLoss, plain.value, fused.value, ...Object.values(plain.grads), ...Object.values(fused.grads), x, y]);
      model.dispose();
    });
  }

  it("'separate' runs exactly matMul, add and relu per layer", () => {
    const weights = randomWeights(3);
    const model = createDenseMlp({ layerSizes: SIZES, weights, ops: 'separate' });
    const { x, y } = batchOf(6, 4);
    const byHand = tf.tidy(() => {
      let h: tf.Tensor = x;
      ['fc1', 'fc2', 'fc3'].forEach((name, l) => {
        h = tf.add(tf.matMul(h as tf.Tensor2D, tf.tensor2d(weights.get(`${name}/kernel`) as Float32Array, [SIZES[l] as number, SIZES[l + 1] as number])), tf.tensor1d(weights.get(`${name}/bias`) as Float32Array));
        if (l < 2) h = tf.relu(h);
      });
      return h;
    });
    const logits = model.forward(x);
    expect(Array.from(logits.dataSync())).toEqual(Array.from(byHand.dataSync()));
    tf.dispose([logits, byHand, x, y]);
    model.dispose();
  });

  it('starts from the seeded draw: the same seed gives the same variables, another seed others', () => {
    const a = createDenseMlp({ layerSizes: SIZES, initializer: glorotUniform, seed: 11 });
    const b = createDenseMlp({ layerSizes: SIZES, initializer: glorotUniform, seed: 11 });
    const c = createDenseMlp({ layerSizes: SIZES, initializer: glorotUniform, seed: 12 });
    expect(a.read()).toEqual(b.read());
    expect(a.read()).toEqual(initialDenseMlpWeights({ layerSizes: SIZES }, { initializer: glorotUniform, seed: 11 }));
    expect(a.read().get('fc1/kernel')).not.toEqual(c.read().get('fc1/kernel'));
    const reinit = createDenseMlp({ layerSizes: SIZES, initializer: glorotUniform, seed: 11, purpose: 'reinit' });
    expect(reinit.read()).toEqual(initialDenseMlpWeights({ layerSizes: SIZES }, { initializer: glorotUniform, seed: 11, purpose: 'reinit' }));
    for (const model of [a, b, c, reinit]) model.dispose();
  });

  it('describes its dense layers as training engines need them, and trains under the stock and fused engines alike', async () => {
    const trained: Float32Array[][] = [];
    for (const engine of [optimizerEngine('stock'), optimizerEngine('fused')]) {
      const model: DenseMlp = createDenseMlp({ layerSizes: SIZES, initializer: heNormal, seed: 2 });
      expect(model.parameters).toEqual(model.denseLayers.flatMap(({ kernel, bias }) => [kernel, bias]));
      model.denseLayers.forEach(({ kernel, bias }, l) => {
        expect(kernel.role).toBe('dense-kernel');
        expect(bias.role).toBe('bias');
        expect(kernel.variable.shape).toEqual([SIZES[l], SIZES[l + 1]]);
        expect(bias.variable.shape).toEqual([SIZES[l + 1]]);
        expect(kernel.variable.trainable && bias.variable.trainable).toBe(true);
      });
      expect(engine.refusal(model, ['fc1/kernel'])).toBeUndefined();
      const masks = new Map([['fc1/kernel', tf.tidy(() => tf.cast(tf.greater(tf.tensor(new Random(9).fillUniform(new Float32Array(12 * 9)), [12, 9]), 0.5), 'float32'))]]);
      const before = tf.memory().numTensors;
      const stepper = await engine.start(model, masks, { learningRate: 1e-2, initialStep: 0, batchSize: 6 });
      for (let step = 0; step < 4; step++) {
        const { x, y } = batchOf(6, 20 + step);
        await stepper.step({ x, y });
        tf.dispose([x, y]);
      }
      stepper.sync();
      await stepper.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const values = model.parameters.map((p) => p.variable.dataSync().slice() as Float32Array);
      const mask = masks.get('fc1/kernel')?.dataSync() as Float32Array;
      expect((values[0] as Float32Array).every((w, i) => mask[i] === 1 || w === 0)).toBe(true);
      trained.push(values);
      tf.dispose([...masks.values()]);
      model.dispose();
    }
    (trained[0] as Float32Array[]).forEach((values, i) => expectClose(values, (trained[1] as Float32Array[])[i] as Float32Array, 1e-4));
  });

  it('reads and writes its weights by name; a bad write changes nothing', () => {
    const model = createDenseMlp({ layerSizes: SIZES, initializer: glorotNormal, seed: 1 });
    const target = randomWeights(8);
    model.write(target);
    expect(model.read()).toEqual(target);
    const changed = new Map([...target].map(([name, values]) => [name, values.map((v) => v + 1)]));
    changed.delete('fc3/bias');
    expect(() => model.write(changed)).toThrow(expect.objectContaining({ code: 'E_ARGUMENT', message: 'The weights lack fc3/bias.' }));
    expect(() => model.write(new Map([...target, ['fc2/kernel', new Float32Array(3)]]))).toThrow(expect.objectContaining({ code: 'E_ARGUMENT' }));
    expect(model.read()).toEqual(target);
    model.dispose();
  });

  it('names its variables <scope>/<parameter> when given a scope, and leaves tfjs names otherwise', () => {
    const scoped = createDenseMlp({ layerSizes: [3, 2], initializer: heNormal, seed: 0, variableScope: 'dense-mlp-test' });
    expect(scoped.parameters.map((p) => p.variable.name)).toEqual(['dense-mlp-test/fc1/kernel', 'dense-mlp-test/fc1/bias']);
    const a = createDenseMlp({ layerSizes: [3, 2], initializer: heNormal, seed: 0 });
    const b = createDenseMlp({ layerSizes: [3, 2], initializer: heNormal, seed: 0 });
    expect(a.parameters.map((p) => p.name)).toEqual(b.parameters.map((p) => p.name));
    expect(new Set([...a.parameters, ...b.parameters].map((p) => p.variable.name)).size).toBe(4);
    expect(scoped.scoringModel.inputShape).toEqual([3]);
    expect(scoped.scoringModel.variables).toEqual(scoped.parameters.map((p) => p.variable));
    for (const model of [scoped, a, b]) model.dispose();
  });

  it('leaks no tensor: building, forward passes, losses, gradients, reads, writes and disposing', () => {
    const before = tf.memory().numTensors;
    const model = createDenseMlp({ layerSizes: SIZES, initializer: glorotNormal, seed: 4 });
    expect(tf.memory().numTensors).toBe(before + 6);
    const { x, y } = batchOf(3, 5);
    const inside = tf.memory().numTensors;
    tf.tidy(() => {
      model.forward(x);
      model.forwardWithIntermediates(x);
      model.scoringModel.forward(x);
    });
    for (const lossOf of [model.loss, model.fusedLoss]) {
      const { value, grads } = tf.variableGrads(() => lossOf({ x, y }), model.parameters.map((p) => p.variable));
      tf.dispose([value, ...Object.values(grads)]);
    }
    model.write(model.read());
    expect(tf.memory().numTensors).toBe(inside);
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // a failed build frees what it made
    const broken = initialDenseMlpWeights({ layerSizes: SIZES }, { initializer: heNormal, seed: 0 });
    broken.delete('fc3/kernel');
    expect(() => createDenseMlp({ layerSizes: SIZES, weights: broken })).toThrow(expect.objectContaining({ code: 'E_ARGUMENT', message: 'The weights lack fc3/kernel.' }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('needs exactly one of weights and an initializer, and a known ops', () => {
    const weights = initialDenseMlpWeights({ layerSizes: [3, 2] }, { initializer: heNormal, seed: 0 });
    const attempts = [
      () => createDenseMlp({ layerSizes: [3, 2] } as never),
      () => createDenseMlp({ layerSizes: [3, 2], weights, initializer: heNormal, seed: 0 } as never),
      () => createDenseMlp({ layerSizes: [3, 2], weights, ops: 'unfused' as never }),
    ];
    for (const attempt of attempts) {
      let error: unknown;
      try {
        attempt().dispose();
      } catch (caught) {
        error = caught;
      }
      expect(isSparseError(error, 'E_ARGUMENT')).toBe(true);
    }
  });
});

describe('topOneAccuracy', () => {
  it('counts the examples whose largest output is at the label, whatever the chunk size', () => {
    const weights = randomWeights(6);
    const model = createDenseMlp({ layerSizes: SIZES, weights });
    const { xs, labels, x, y } = batchOf(37, 7);
    const predicted = referenceForward(weights, ['fc1', 'fc2', 'fc3'], xs, 37).logits;
    let correct = 0;
    for (let r = 0; r < 37; r++) {
      const row = Array.from(predicted.subarray(r * 4, (r + 1) * 4));
      if (row.indexOf(Math.max(...row)) === labels[r]) correct++;
    }
    const set = { images: xs, labels: Uint8Array.from(labels), count: 37, shape: [3, 4] };
    const before = tf.memory().numTensors;
    for (const chunkSize of [1, 5, 37, 1000]) expect(topOneAccuracy(model.forward, set, { chunkSize })).toBe(correct / 37);
    expect(topOneAccuracy(model.forward, set)).toBe(correct / 37);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => topOneAccuracy(model.forward, set, { chunkSize: 0 })).toThrow(expect.objectContaining({ code: 'E_ARGUMENT' }));
    expect(() => topOneAccuracy(model.forward, { ...set, count: 0 })).toThrow(expect.objectContaining({ code: 'E_ARGUMENT' }));
    tf.dispose([x, y]);
    model.dispose();
  });
});
