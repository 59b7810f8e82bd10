/**
 * LeNet-300-100 on Fashion-MNIST with @sparse/backend-wasm's `createDenseTrainer`: masked Adam,
 * the whole step in WebAssembly SIMD, on one or more threads. Prints samples/s per epoch and the
 * test accuracy, and checks that the masked weights stayed zero.
 *
 *   pnpm tsx --tsconfig examples/training/tsconfig.json examples/training/dense-trainer.ts \
 *     [--threads 2] [--epochs 3] [--keep 0.2] [--data DIR]
 *
 * `--keep` is the fraction of each kernel's weights kept (a seeded random mask; 1 = dense);
 * `--data` the folder of the four official `.gz` files (default: the bundled 6,000 / 1,000 subset).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createDenseMlp, createRuntime, reportFatalErrors, topOneAccuracy } from '@sparse/core';
import { createDenseTrainer, wasmBackend } from '@sparse/backend-wasm';
import { createBatchLoader, loadFashionMnist, type ImageSet } from '@sparse/datasets';

// A SparseError nothing caught is one line (exit code 2 or 1), not a stack trace or the wasm module's code.
reportFatalErrors('dense-trainer');

const option = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
};
const threads = Number(option('threads', '1'));
const epochs = Number(option('epochs', '3'));
const keep = Number(option('keep', '0.2'));
const dataDir = option('data', '');
const BATCH = 60;
const SIZES = [784, 300, 100, 10];

await createRuntime({ backend: 'wasm', plugins: [wasmBackend()], onWarning: () => {} });
const data = await loadFashionMnist(dataDir === '' ? {} : { source: { dir: dataDir } });
const loader = createBatchLoader(data.train, { batchSize: BATCH, seed: 0, dropLast: true });

// Gaussian Glorot kernels from tfjs's seeded stream (seeds 10, 11, 12), zero biases: core's dense
// ReLU MLP (fc1–fc3; matMul, add and ReLU as separate ops in its forward pass) holds them.
const weights = new Map<string, Float32Array>();
SIZES.slice(1).forEach((out, l) => {
  const fanIn = SIZES[l] as number;
  const kernel = tf.randomNormal([fanIn, out], 0, Math.sqrt(2 / (fanIn + out)), 'float32', 10 + l);
  weights.set(`fc${l + 1}/kernel`, kernel.dataSync() as Float32Array);
  weights.set(`fc${l + 1}/bias`, new Float32Array(out));
  kernel.dispose();
});
const model = createDenseMlp({ layerSizes: SIZES, weights, ops: 'separate' });
const layers = model.denseLayers.map(({ kernel, bias }) => ({ kernel: kernel.variable, bias: bias.variable }));
const masks = layers.map((layer, l) => tf.tidy(() => tf.cast(tf.less(tf.randomUniform(layer.kernel.shape, 0, 1, 'float32', 20 + l), keep), 'float32')));

/** Test accuracy of the network as its variables hold it (core's `topOneAccuracy`, the whole set in one chunk). */
const accuracy = (set: ImageSet<Float32Array>): number => topOneAccuracy(model.forward, set, { chunkSize: set.count });

console.log(`LeNet-300-100, ${data.train.count} training images, batch ${BATCH}, ${Math.round(keep * 100)} % of each kernel kept, ${threads} thread(s)`);
const trainer = await createDenseTrainer({ layers, masks, learningRate: 1.2e-3, batchSize: BATCH, threads });
try {
  for (let epoch = 0; epoch < epochs; epoch++) {
    const started = performance.now();
    for (let step = 0; step < loader.stepsPerEpoch; step++) {
      const { x, y } = loader.batch(epoch, step);
      try {
        trainer.step(x, y);
      } finally {
        tf.dispose([x, y]);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    trainer.syncWeights();
    const samples = loader.stepsPerEpoch * BATCH;
    console.log(`epoch ${epoch + 1}: ${Math.round(samples / seconds)} samples/s (batches included), test accuracy ${(100 * accuracy(data.test)).toFixed(2)} %`);
  }
} finally {
  await trainer.dispose();
}
const pruned = layers.reduce((count, { kernel }, l) => {
  const w = kernel.dataSync();
  const m = (masks[l] as tf.Tensor).dataSync();
  return count + w.filter((value, i) => m[i] === 0 && value !== 0).length;
}, 0);
console.log(pruned === 0 ? 'every masked weight is zero' : `${pruned} masked weights are not zero`);
if (pruned !== 0) process.exitCode = 1;
loader.dispose();
model.dispose();
