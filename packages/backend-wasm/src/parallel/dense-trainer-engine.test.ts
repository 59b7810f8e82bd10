import * as tf from '@tensorflow/tfjs-core';
import { TrainingEngines, createDenseMlp, createRuntime, fusedDense, heNormal, meanSoftmaxCrossEntropy, type NamedParameter, type SparseRuntime, type TrainableModel } from '@sparse/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDenseTrainerEngine, wasmBackend, type DenseTrainerEngine } from '../index.js';

const SIZES = [12, 16, 8, 4] as const;

function model(seed: number): TrainableModel & { dispose(): void } {
  const layers = SIZES.slice(1).map((out, l) => ({
    kernel: { name: `fc${l + 1}/kernel`, role: 'dense-kernel' as const, variable: tf.tidy(() => tf.variable(tf.randomNormal([SIZES[l] as number, out], 0, 0.3, 'float32', seed + 2 * l))) },
    bias: { name: `fc${l + 1}/bias`, role: 'bias' as const, variable: tf.tidy(() => tf.variable(tf.randomNormal([out], 0, 0.1, 'float32', seed + 2 * l + 1))) },
  }));
  const parameters: NamedParameter[] = layers.flatMap((layer) => [layer.kernel, layer.bias]);
  const forward = (x: tf.Tensor) => {
    let h = x;
    layers.forEach((layer, l) => {
      h = fusedDense(h, layer.kernel.variable, layer.bias.variable, { activation: l < layers.length - 1 ? 'relu' : 'linear', inputGradient: l > 0 });
    });
    return h;
  };
  return {
    parameters,
    denseLayers: layers,
    loss: ({ x, y }) => meanSoftmaxCrossEntropy(y, forward(x)),
    dispose: () => tf.dispose(parameters.map((p) => p.variable)),
  };
}

function batches(count: number): { x: tf.Tensor2D; y: tf.Tensor2D }[] {
  return Array.from({ length: count }, (_, i) =>
    tf.tidy(() => ({
      x: tf.randomUniform([6, SIZES[0]], 0, 1, 'float32', 100 + i) as tf.Tensor2D,
      y: tf.cast(tf.oneHot(tf.randomUniform([6], 0, 4, 'int32', 200 + i), 4), 'float32') as tf.Tensor2D,
    })),
  );
}

async function train(runtime: SparseRuntime, engineName: string, seed: number): Promise<Float32Array[]> {
  const net = model(seed);
  const masks = new Map([['fc1/kernel', tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([SIZES[0], SIZES[1]], 0, 1, 'float32', 7), 0.5), 'float32'))]]);
  const data = batches(5);
  const stepper = await runtime.create(TrainingEngines, engineName).start(net, masks, { learningRate: 1e-2, initialStep: 0, batchSize: 6 });
  for (const batch of data) await stepper.step(batch);
  stepper.sync();
  await stepper.dispose();
  const values = net.parameters.map((p) => p.variable.dataSync() as Float32Array);
  net.dispose();
  tf.dispose([...masks.values(), ...data.flatMap((b) => [b.x, b.y])]);
  return values;
}

describe('the dense-trainer engine', () => {
  let runtime: SparseRuntime;
  beforeAll(async () => {
    runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
  });

  it("is registered by the wasm backend's plugin beside core's engines", () => {
    expect(runtime.names(TrainingEngines)).toEqual(['dense-trainer', 'fused', 'stock']);
    expect(runtime.describe(TrainingEngines, 'dense-trainer')?.pluginId).toBe('@sparse/backend-wasm');
  });

  it('trains as the fused engine does, to float32 rounding, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const dense = await train(runtime, 'dense-trainer', 1);
    expect(tf.memory().numTensors).toBe(before);
    const fused = await train(runtime, 'fused', 1);
    expect(tf.memory().numTensors).toBe(before);
    dense.forEach((values, i) => {
      const reference = fused[i] as Float32Array;
      const scale = Math.max(...reference.map(Math.abs));
      const error = Math.max(...values.map((v, j) => Math.abs(v - (reference[j] as number))));
      expect(error / scale).toBeLessThan(1e-4);
    });
    expect(dense[0]?.some((v) => v === 0)).toBe(true);
  });

  it("shares each step between the plugin's denseTrainerThreads threads, to the same bits as one thread", async () => {
    const threaded = await createRuntime({ backend: 'wasm', plugins: [wasmBackend({ denseTrainerThreads: 2 })] });
    expect((runtime.create(TrainingEngines, 'dense-trainer') as DenseTrainerEngine).threads).toBe(1);
    expect((threaded.create(TrainingEngines, 'dense-trainer') as DenseTrainerEngine).threads).toBe(2);
    const one = await train(runtime, 'dense-trainer', 4);
    const two = await train(threaded, 'dense-trainer', 4);
    two.forEach((values, i) => expect(Buffer.from(values.buffer).equals(Buffer.from((one[i] as Float32Array).buffer)), `parameter ${i}`).toBe(true));
    expect(() => createDenseTrainerEngine({ threads: 0 })).toThrowError(expect.objectContaining({ code: 'E_CONFIG', message: expect.stringMatching(/threads must be a positive integer/) }));
    expect(() => wasmBackend({ denseTrainerThreads: 1.5 })).toThrowError(/'denseTrainerThreads' must be a positive integer/);
  });

  it('refuses a model without dense layers, naming the engines that train it', () => {
    const net = model(2);
    const { denseLayers: _layers, ...plain } = net;
    const refusal = runtime.create(TrainingEngines, 'dense-trainer').refusal(plain, []);
    expect(refusal?.code).toBe('E_CONFIG');
    expect(refusal?.message).toMatch(/Use the engine 'fused' or 'stock'/);
    expect(runtime.create(TrainingEngines, 'dense-trainer').refusal(net, ['fc1/bias'])?.message).toMatch(/masks kernels only/);
    net.dispose();
  });

  it("trains core's createDenseMlp as it is (its denseLayers), as the fused engine does", async () => {
    const trained: Float32Array[][] = [];
    for (const engineName of ['dense-trainer', 'fused']) {
      const net = createDenseMlp({ layerSizes: SIZES, initializer: heNormal, seed: 3 });
      const engine = runtime.create(TrainingEngines, engineName);
      expect(engine.refusal(net, ['fc1/kernel'])).toBeUndefined();
      const masks = new Map([['fc1/kernel', tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([SIZES[0], SIZES[1]], 0, 1, 'float32', 7), 0.5), 'float32'))]]);
      const data = batches(5);
      const before = tf.memory().numTensors;
      const stepper = await engine.start(net, masks, { learningRate: 1e-2, initialStep: 0, batchSize: 6 });
      for (const batch of data) await stepper.step(batch);
      stepper.sync();
      await stepper.dispose();
      expect(tf.memory().numTensors).toBe(before);
      trained.push(net.parameters.map((p) => p.variable.dataSync().slice() as Float32Array));
      net.dispose();
      tf.dispose([...masks.values(), ...data.flatMap((b) => [b.x, b.y])]);
    }
    const [dense, fused] = trained as [Float32Array[], Float32Array[]];
    expect(dense[0]?.some((v) => v === 0)).toBe(true);
    dense.forEach((values, i) => {
      const reference = fused[i] as Float32Array;
      const scale = Math.max(...reference.map(Math.abs));
      const error = Math.max(...values.map((v, j) => Math.abs(v - (reference[j] as number))));
      expect(error / scale).toBeLessThan(1e-4);
    });
  });
});
