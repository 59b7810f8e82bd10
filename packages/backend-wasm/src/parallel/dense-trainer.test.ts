import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, fusedAdam, fusedDense, isSparseError, meanSoftmaxCrossEntropy, withMasks } from '@sparse/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend } from '../index.js';
import { createDenseTrainer, type DenseTrainerLayer } from './dense-trainer.js';

const LR = 1e-2;
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const distIndex = `${packageRoot}dist/index.js`;
const distWorker = `${packageRoot}dist/parallel/trainer-worker.js`;

function network(sizes: readonly number[], seed: number): DenseTrainerLayer[] {
  return sizes.slice(1).map((out, l) => ({
    kernel: tf.variable(tf.randomNormal([sizes[l] as number, out], 0, 0.3, 'float32', seed + 2 * l)),
    bias: tf.variable(tf.randomNormal([out], 0, 0.1, 'float32', seed + 2 * l + 1)),
  }));
}

function masksFor(layers: readonly DenseTrainerLayer[], seed: number): tf.Tensor[] {
  return layers.map((layer, l) => tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(layer.kernel.shape, 0, 1, 'float32', seed + l), 0.4), 'float32')));
}

function batches(sizes: readonly number[], batch: number, count: number): { x: tf.Tensor2D; y: tf.Tensor2D }[] {
  const classes = sizes[sizes.length - 1] as number;
  return Array.from({ length: count }, (_, i) =>
    tf.tidy(() => ({
      x: tf.randomUniform([batch, sizes[0] as number], 0, 1, 'float32', 100 + i) as tf.Tensor2D,
      y: tf.cast(tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32', 200 + i), classes), 'float32') as tf.Tensor2D,
    })),
  );
}

/** The reference: core's masked fused Adam on the same network, on this thread, one whole step at a time. */
function referenceTraining(layers: readonly DenseTrainerLayer[], masks: readonly tf.Tensor[], data: readonly { x: tf.Tensor2D; y: tf.Tensor2D }[]): Float32Array[] {
  const copies = layers.map((layer) => ({ kernel: tf.variable(layer.kernel.clone()), bias: tf.variable(layer.bias.clone()) }));
  const parameters = copies.flatMap((layer, l) => [
    { name: `k${l}`, role: 'dense-kernel' as const, variable: layer.kernel },
    { name: `b${l}`, role: 'bias' as const, variable: layer.bias },
  ]);
  const optimizer = withMasks(fusedAdam(LR), { parameters, masks: new Map(masks.map((mask, l) => [`k${l}`, mask])) });
  for (const { x, y } of data) {
    optimizer.minimize(() => {
      let h: tf.Tensor = x;
      copies.forEach((layer, l) => {
        h = fusedDense(h, layer.kernel, layer.bias, { activation: l < copies.length - 1 ? 'relu' : 'linear', inputGradient: l > 0 });
      });
      return meanSoftmaxCrossEntropy(y, h);
    }, false, parameters.map((p) => p.variable));
  }
  const values = copies.flatMap((layer) => [layer.kernel.dataSync() as Float32Array, layer.bias.dataSync() as Float32Array]);
  optimizer.dispose();
  tf.dispose(copies.flatMap((layer) => [layer.kernel, layer.bias]));
  return values;
}

/** max |a − e| / max |e| over all entries. */
function relativeDifference(actual: readonly Float32Array[], expected: readonly Float32Array[]): number {
  let largest = 0;
  let difference = 0;
  expected.forEach((e, i) => {
    const a = actual[i] as Float32Array;
    for (let j = 0; j < e.length; j++) {
      largest = Math.max(largest, Math.abs(e[j] as number));
      difference = Math.max(difference, Math.abs((a[j] as number) - (e[j] as number)));
    }
  });
  return difference / largest;
}

const values = (layers: readonly DenseTrainerLayer[]) => layers.flatMap((layer) => [layer.kernel.dataSync() as Float32Array, layer.bias.dataSync() as Float32Array]);
const owned: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(tensor: T): T => {
  owned.push(tensor);
  return tensor;
};

beforeAll(async () => {
  await createRuntime({ backend: 'wasm', plugins: [wasmBackend()], onWarning: () => {} });
});
afterEach(() => {
  tf.dispose(owned.splice(0));
});

describe('createDenseTrainer', () => {
  it.each([
    { sizes: [30, 12, 8, 4], threads: 2, batch: 6 },
    { sizes: [30, 11, 8, 5, 4], threads: 3, batch: 5 },
    { sizes: [25, 9, 3], threads: 2, batch: 4 },
    { sizes: [25, 9, 6, 3], threads: 1, batch: 4 },
  ])('trains like masked fusedAdam on one thread, to float32 rounding ($sizes on $threads threads)', async ({ sizes, threads, batch }) => {
    const layers = network(sizes, 7);
    const masks = masksFor(layers, 50);
    const data = batches(sizes, batch, 6);
    owned.push(...layers.flatMap((layer) => [layer.kernel, layer.bias]), ...masks, ...data.flatMap(({ x, y }) => [x, y]));
    const expected = referenceTraining(layers, masks, data);
    const trainer = await createDenseTrainer({ layers, masks, learningRate: LR, batchSize: batch, threads });
    try {
      for (const { x, y } of data) trainer.step(x, y);
      trainer.syncWeights();
    } finally {
      await trainer.dispose();
    }
    expect(trainer.steps).toBe(data.length);
    const trained = values(layers);
    expect(relativeDifference(trained, expected)).toBeLessThan(1e-4);
    // It did train: the weights moved by far more than the rounding above.
    const start = network(sizes, 7);
    owned.push(...start.flatMap((layer) => [layer.kernel, layer.bias]));
    expect(relativeDifference(trained, values(start))).toBeGreaterThan(1e-2);
  });

  it('computes the same bits on 1, 2 and 3 threads (every output has one owner and one summation order)', async () => {
    const sizes = [37, 21, 12, 5];
    const results: Float32Array[][] = [];
    for (const threads of [1, 2, 3]) {
      const layers = network(sizes, 11);
      const masks = masksFor(layers, 12);
      const data = batches(sizes, 7, 4);
      owned.push(...layers.flatMap((layer) => [layer.kernel, layer.bias]), ...masks, ...data.flatMap(({ x, y }) => [x, y]));
      const trainer = await createDenseTrainer({ layers, masks, learningRate: LR, batchSize: 7, threads });
      try {
        for (const { x, y } of data) trainer.step(x, y);
        trainer.syncWeights();
      } finally {
        await trainer.dispose();
      }
      results.push(values(layers));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('continues bit for bit from adamState() in a new trainer (a checkpoint and a resume)', async () => {
    const sizes = [30, 12, 8, 4];
    const straight = network(sizes, 21);
    const split = network(sizes, 21);
    const masks = masksFor(straight, 22);
    const data = batches(sizes, 6, 6);
    owned.push(...[...straight, ...split].flatMap((layer) => [layer.kernel, layer.bias]), ...masks, ...data.flatMap(({ x, y }) => [x, y]));
    const whole = await createDenseTrainer({ layers: straight, masks, learningRate: LR, batchSize: 6 });
    for (const { x, y } of data) whole.step(x, y);
    whole.syncWeights();
    await whole.dispose();
    const first = await createDenseTrainer({ layers: split, masks, learningRate: LR, batchSize: 6, threads: 2 });
    for (const { x, y } of data.slice(0, 3)) first.step(x, y);
    first.syncWeights();
    const state = first.adamState();
    await first.dispose();
    expect(state.steps).toBe(3);
    expect(state.accBeta1).toBe(Math.fround(Math.fround(Math.fround(Math.fround(0.9) * Math.fround(0.9)) * Math.fround(0.9)) * Math.fround(0.9)));
    expect(state.layers[0]?.kernelM.length).toBe(30 * 12);
    const second = await createDenseTrainer({ layers: split, masks, learningRate: LR, batchSize: 6, adam: state });
    expect(second.steps).toBe(3);
    for (const { x, y } of data.slice(3)) second.step(x, y);
    second.syncWeights();
    await second.dispose();
    expect(values(split)).toEqual(values(straight));
  });

  it('takes batches shorter than batchSize (an epoch\'s last), the loss a mean over their rows', async () => {
    const sizes = [26, 10, 7, 3];
    const layers = network(sizes, 31);
    const masks = masksFor(layers, 32);
    const data = [...batches(sizes, 6, 3), ...batches(sizes, 2, 1), ...batches(sizes, 5, 2)];
    owned.push(...layers.flatMap((layer) => [layer.kernel, layer.bias]), ...masks, ...data.flatMap(({ x, y }) => [x, y]));
    const expected = referenceTraining(layers, masks, data);
    const trainer = await createDenseTrainer({ layers, masks, learningRate: LR, batchSize: 6, threads: 2 });
    try {
      for (const { x, y } of data) trainer.step(x, y);
      trainer.syncWeights();
    } finally {
      await trainer.dispose();
    }
    expect(relativeDifference(values(layers), expected)).toBeLessThan(1e-4);
  });

  it('keeps masked weights exactly zero and leaks no tensor per step', async () => {
    const sizes = [40, 16, 10, 5];
    const layers = network(sizes, 3);
    const masks = masksFor(layers, 9);
    const data = batches(sizes, 8, 3);
    owned.push(...layers.flatMap((layer) => [layer.kernel, layer.bias]), ...masks, ...data.flatMap(({ x, y }) => [x, y]));
    const trainer = await createDenseTrainer({ layers, masks, learningRate: LR, batchSize: 8, threads: 2 });
    try {
      trainer.step(data[0]?.x as tf.Tensor2D, data[0]?.y as tf.Tensor2D);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) for (const { x, y } of data) trainer.step(x, y);
      expect(tf.memory().numTensors).toBe(before);
      trainer.syncWeights();
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await trainer.dispose();
    }
    layers.forEach((layer, l) => {
      const w = layer.kernel.dataSync();
      const m = (masks[l] as tf.Tensor).dataSync();
      for (let i = 0; i < w.length; i++) if (m[i] === 0) expect(Math.abs(w[i] as number)).toBe(0);
    });
  });

  it('rejects bad options before starting any thread, naming the field', async () => {
    const layers = network([10, 6, 3], 1);
    owned.push(...layers.flatMap((layer) => [layer.kernel, layer.bias]));
    const [first] = layers as [DenseTrainerLayer];
    const cases: [Parameters<typeof createDenseTrainer>[0], string][] = [
      [{ layers: [first], learningRate: LR, batchSize: 4 }, 'layers'],
      [{ layers: [first, { kernel: keep(tf.variable(tf.zeros([5, 3]))), bias: keep(tf.variable(tf.zeros([3]))) }], learningRate: LR, batchSize: 4 }, 'layers[1].kernel'],
      [{ layers: [first, { kernel: layers[1]?.kernel as tf.Variable, bias: keep(tf.variable(tf.zeros([4]))) }], learningRate: LR, batchSize: 4 }, 'layers[1].bias'],
      [{ layers, masks: [keep(tf.ones([6, 10]))], learningRate: LR, batchSize: 4 }, 'masks[0]'],
      [{ layers, learningRate: 0, batchSize: 4 }, 'learningRate'],
      [{ layers, learningRate: LR, batchSize: 2.5 }, 'batchSize'],
      [{ layers, learningRate: LR, batchSize: 4, threads: 0 }, 'threads'],
      [{ layers, learningRate: LR, batchSize: 4, threads: 7 }, 'threads'],
      [{ layers, learningRate: LR, batchSize: 4, adam: { steps: -1, accBeta1: 0.9, accBeta2: 0.999, layers: [] } }, 'adam.steps'],
      [{ layers, learningRate: LR, batchSize: 4, adam: { steps: 1, accBeta1: 1.5, accBeta2: 0.999, layers: [] } }, 'adam.accBeta1'],
      [{ layers, learningRate: LR, batchSize: 4, adam: { steps: 1, accBeta1: 0.81, accBeta2: 0.998, layers: [] } }, 'adam.layers'],
      [
        {
          layers,
          learningRate: LR,
          batchSize: 4,
          adam: {
            steps: 1,
            accBeta1: 0.81,
            accBeta2: 0.998,
            layers: [
              { kernelM: new Float32Array(60), kernelV: new Float32Array(60), biasM: new Float32Array(6), biasV: new Float32Array(6) },
              { kernelM: new Float32Array(18), kernelV: new Float32Array(17), biasM: new Float32Array(3), biasV: new Float32Array(3) },
            ],
          },
        },
        'adam.layers[1].kernelV',
      ],
    ];
    for (const [options, field] of cases) {
      const error = await createDenseTrainer(options).catch((e: unknown) => e);
      expect(isSparseError(error) && error.code === 'E_ARGUMENT' && error.details?.field).toBe(field);
    }
    // 30,000 × 40,000 floats, five copies: over 4 GiB, refused before any variable is read (stand-ins, not allocated).
    const standIn = (shape: number[]) => Object.setPrototypeOf({ shape, rank: shape.length, dtype: 'float32' }, tf.Variable.prototype) as tf.Variable;
    const layer = (inputs: number, outputs: number): DenseTrainerLayer => ({ kernel: standIn([inputs, outputs]), bias: standIn([outputs]) });
    const tooLarge = await createDenseTrainer({ layers: [layer(30_000, 40_000), layer(40_000, 3)], learningRate: LR, batchSize: 4 }).catch((e: unknown) => e);
    expect(isSparseError(tooLarge) && tooLarge.code === 'E_ARGUMENT' && tooLarge.details?.field).toBe('layers');
    expect(String(tooLarge)).toMatch(/GiB.*at most 4 GiB/);
  });

  it('rejects a batch of the wrong shape, and any use after dispose', async () => {
    const layers = network([10, 6, 3], 2);
    owned.push(...layers.flatMap((layer) => [layer.kernel, layer.bias]));
    const trainer = await createDenseTrainer({ layers, learningRate: LR, batchSize: 4, threads: 2 });
    const x = keep(tf.zeros([5, 10]));
    const y = keep(tf.zeros([4, 3]));
    expect(() => trainer.step(x, y)).toThrow(/wrong shape.*\[5, 10\]/);
    expect(() => trainer.step(keep(tf.zeros([4, 10])), keep(tf.zeros([4, 3], 'bool')))).toThrow(/targets have the wrong shape.*bool/);
    trainer.step(keep(tf.zeros([4, 10])), keep(tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3))));
    expect(trainer.steps).toBe(1);
    await trainer.dispose();
    await trainer.dispose();
    expect(() => trainer.step(keep(tf.zeros([4, 10])), y)).toThrow(/disposed/);
  });

  it('needs nothing of the wasm backend: trains the same under the cpu backend', async () => {
    const sizes = [20, 9, 4];
    const layers = network(sizes, 4);
    const data = batches(sizes, 5, 4);
    owned.push(...layers.flatMap((layer) => [layer.kernel, layer.bias]), ...data.flatMap(({ x, y }) => [x, y]));
    const expected = referenceTraining(layers, [], data);
    await createRuntime({ backend: 'cpu', onWarning: () => {} });
    try {
      const trainer = await createDenseTrainer({ layers, learningRate: LR, batchSize: 5 });
      for (const { x, y } of data) trainer.step(x, y);
      trainer.syncWeights();
      await trainer.dispose();
      expect(relativeDifference(values(layers), expected)).toBeLessThan(1e-4);
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it.skipIf(!existsSync(distIndex) || !existsSync(distWorker))('runs its worker threads from the build in plain Node (ESM, no TypeScript)', async () => {
    const script = [
      `import * as tf from '@tensorflow/tfjs-core';`,
      `import { createRuntime } from '@sparse/core';`,
      `import { createDenseTrainer, wasmBackend } from ${JSON.stringify(distIndex)};`,
      `await createRuntime({ backend: 'wasm', plugins: [wasmBackend()], onWarning: () => {} });`,
      `const layers = [[12, 6], [6, 3]].map(([i, o], l) => ({ kernel: tf.variable(tf.randomNormal([i, o], 0, 0.5, 'float32', l)), bias: tf.variable(tf.zeros([o])) }));`,
      `const before = layers[0].kernel.dataSync().slice();`,
      `const trainer = await createDenseTrainer({ layers, learningRate: 0.05, batchSize: 4, threads: 2 });`,
      `const x = tf.randomUniform([4, 12], 0, 1, 'float32', 9);`,
      `const y = tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3), 'float32');`,
      `for (let i = 0; i < 5; i++) trainer.step(x, y);`,
      `trainer.syncWeights();`,
      `await trainer.dispose();`,
      `const after = layers[0].kernel.dataSync();`,
      `console.log(JSON.stringify({ steps: trainer.steps, moved: after.some((v, i) => v !== before[i]), finite: after.every(Number.isFinite) }));`,
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: packageRoot });
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual({ steps: 5, moved: true, finite: true });
  });
});
