import * as tf from '@tensorflow/tfjs-core';
import { TrainingEngines, createRuntime, type NamedParameter, type SparseRuntime, type TrainableModel } from '@sparse/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend } from '../index.js';

const SIZES = [12, 16, 8, 4] as const;
type Activation = 'relu' | 'gelu' | 'silu';
type Loss = NonNullable<TrainableModel['denseLoss']>;

/** A dense model with `activation` after its hidden layers and `loss`, its loss written with tfjs ops (tfjs-layers' GELU and swish). */
function model(seed: number, activation: Activation, loss: Loss): TrainableModel & { dispose(): void } {
  const layers = SIZES.slice(1).map((out, l) => ({
    kernel: { name: `fc${l + 1}/kernel`, role: 'dense-kernel' as const, variable: tf.tidy(() => tf.variable(tf.randomNormal([SIZES[l] as number, out], 0, 0.3, 'float32', seed + 2 * l))) },
    bias: { name: `fc${l + 1}/bias`, role: 'bias' as const, variable: tf.tidy(() => tf.variable(tf.randomNormal([out], 0, 0.1, 'float32', seed + 2 * l + 1))) },
    ...(l < SIZES.length - 2 ? { activation } : {}),
  }));
  const parameters: NamedParameter[] = layers.flatMap((layer) => [layer.kernel, layer.bias]);
  const act = (h: tf.Tensor) => {
    if (activation === 'relu') return tf.relu(h);
    if (activation === 'gelu') return tf.mul(h, tf.mul(0.5, tf.add(1, tf.erf(tf.div(h, Math.sqrt(2))))));
    return tf.mul(tf.sigmoid(h), h);
  };
  const forward = (x: tf.Tensor) => {
    let h = x;
    layers.forEach((layer, l) => {
      h = tf.add(tf.matMul(h, layer.kernel.variable), layer.bias.variable);
      if (l < layers.length - 1) h = act(h);
    });
    return h;
  };
  return {
    parameters,
    denseLayers: layers,
    denseLoss: loss,
    loss: ({ x, y }) => (loss === 'mean-squared-error' ? tf.losses.meanSquaredError(y, forward(x)) : tf.losses.softmaxCrossEntropy(y, forward(x))) as tf.Scalar,
    dispose: () => tf.dispose(parameters.map((p) => p.variable)),
  };
}

function batches(count: number, loss: Loss): { x: tf.Tensor2D; y: tf.Tensor2D }[] {
  return Array.from({ length: count }, (_, i) =>
    tf.tidy(() => ({
      x: tf.randomNormal([6, SIZES[0]], 0, 1, 'float32', 100 + i) as tf.Tensor2D,
      y: (loss === 'mean-squared-error' ? tf.randomNormal([6, 4], 0, 1, 'float32', 200 + i) : tf.cast(tf.oneHot(tf.randomUniform([6], 0, 4, 'int32', 200 + i), 4), 'float32')) as tf.Tensor2D,
    })),
  );
}

async function train(runtime: SparseRuntime, engineName: string, activation: Activation, loss: Loss): Promise<Float32Array[]> {
  const net = model(1, activation, loss);
  const masks = new Map([['fc1/kernel', tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([SIZES[0], SIZES[1]], 0, 1, 'float32', 7), 0.5), 'float32'))]]);
  const data = batches(20, loss);
  const engine = runtime.create(TrainingEngines, engineName);
  expect(engine.refusal(net, masks.keys())).toBeUndefined();
  const stepper = await engine.start(net, masks, { learningRate: 1e-2, initialStep: 0, batchSize: 6 });
  for (const batch of data) await stepper.step(batch);
  stepper.sync();
  await stepper.dispose();
  const values = net.parameters.map((p) => p.variable.dataSync().slice() as Float32Array);
  net.dispose();
  tf.dispose([...masks.values(), ...data.flatMap((b) => [b.x, b.y])]);
  return values;
}

describe('the dense-trainer engine with GELU, SiLU and mean squared error', () => {
  let runtime: SparseRuntime;
  beforeAll(async () => {
    runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
  });

  // 20 steps, masked first layer. Tolerance as dense-trainer-activations.test.ts: measured differences
  // are one or two float32 ulps of the largest weight; 2e-6 leaves a factor 10.
  it.each([
    ['gelu', 'softmax-cross-entropy'],
    ['silu', 'softmax-cross-entropy'],
    ['gelu', 'mean-squared-error'],
    ['silu', 'mean-squared-error'],
    ['relu', 'mean-squared-error'],
  ] as const)('trains a %s model under %s as the stock engine does, to float32 rounding, leaking no tensor', async (activation, loss) => {
    const before = tf.memory().numTensors;
    const dense = await train(runtime, 'dense-trainer', activation, loss);
    expect(tf.memory().numTensors).toBe(before);
    const stock = await train(runtime, 'stock', activation, loss);
    expect(tf.memory().numTensors).toBe(before);
    let error = 0;
    let scale = 0;
    dense.forEach((values, i) => {
      const reference = stock[i] as Float32Array;
      values.forEach((v, j) => {
        scale = Math.max(scale, Math.abs(reference[j] as number));
        error = Math.max(error, Math.abs(v - (reference[j] as number)));
      });
    });
    expect(error / scale).toBeLessThan(2e-6);
    expect(dense[0]?.some((v) => v === 0)).toBe(true);
  });

  it('refuses other activations and losses, naming the layer and what is allowed', () => {
    const engine = runtime.create(TrainingEngines, 'dense-trainer');
    const net = model(2, 'gelu', 'softmax-cross-entropy');
    const [first, second, third] = net.denseLayers as NonNullable<TrainableModel['denseLayers']>;
    const withLayers = (layers: unknown[], denseLoss: unknown = 'softmax-cross-entropy') => ({ ...net, denseLayers: layers, denseLoss }) as unknown as TrainableModel;

    const tanh = engine.refusal(withLayers([first, { ...second, activation: 'tanh' }, third]), []);
    expect(tanh?.code).toBe('E_CONFIG');
    expect(tanh?.message).toMatch(/layer 1 \('fc2\/kernel'\) with activation 'tanh' \(allowed hidden activations: relu, gelu, silu\)/);
    expect(tanh?.details).toMatchObject({ field: 'denseLayers[1].activation', received: 'tanh', allowed: ['relu', 'gelu', 'silu'] });

    const last = engine.refusal(withLayers([first, second, { ...third, activation: 'silu' }]), []);
    expect(last?.message).toMatch(/layer 2 \('fc3\/kernel'\) with activation 'silu' \(the last layer is linear: no activation allowed\)/);

    const hinge = engine.refusal(withLayers([first, second, third], 'hinge'), []);
    expect(hinge?.message).toMatch(/the loss 'hinge' \(allowed: softmax-cross-entropy, mean-squared-error\)/);
    expect(hinge?.details).toMatchObject({ field: 'denseLoss', received: 'hinge' });

    expect(engine.refusal(net, ['fc1/kernel'])).toBeUndefined();
    net.dispose();
  });
});
