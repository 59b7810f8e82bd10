/**
 * One worker of bench/parallel-training.ts's layer-split arm: LeNet-300-100 with masks, the hidden
 * units of the first layer split across W workers (tensor parallelism, as Megatron splits an MLP):
 * worker w owns its block of W1's columns and b1 and the same block of W2's rows, and computes
 * layer 3 and the loss redundantly.
 *
 * Layers 1 and 2 are ~99 % of a step's arithmetic. With the first layer split by columns and the
 * second by rows, worker w's block of the first layer's output only ever meets its own rows of
 * W2, so the workers exchange one thing per step: their partial products `h1_w · W2_w`
 * (`[B, 100]`, 24 KB at batch 60) through a SharedArrayBuffer, a barrier, and every worker sums
 * them in the same order (so the redundant copies of b2, W3, b3 stay bit-identical). Backward
 * needs no exchange: `dW2_w = h1_wᵀ · dz2`, `dh1_w = dz2 · W2_wᵀ`, `dW1_w = xᵀ · dz1_w` are all
 * local. Each worker updates its blocks with the masked fusedAdam (element-wise, so a block's
 * update is the block of the whole update).
 *
 * W1's block is stored transposed, `[300/W, 784]`, so both of its products keep the small
 * operand in XNNPACK's packed (second) position: `z1ᵀ = W1ᵀ_w · xᵀ` and `dW1ᵀ_w = dz1ᵀ_w · x`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, fusedAdam, withMasks, type NamedParameter } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { createMlp } from '@sparse/lth';
import { barrier } from './barrier.js';

interface Job {
  readonly index: number;
  readonly workers: number;
  readonly batch: number;
  readonly pool: number;
  readonly learningRate: number;
  /** `[2 parities][workers][batch][100]` float32: each worker's partial second-layer product. */
  readonly exchange: SharedArrayBuffer;
  readonly control: SharedArrayBuffer;
}

const job = workerData as Job;
await createRuntime({ backend: 'wasm', plugins: [wasmBackend()], onWarning: () => {} });
const model = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
const [w1, b1, w2, b2, w3, b3] = model.parameters.map((p) => p.variable) as tf.Variable[] as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
const fullMasks = model.parameters
  .filter((p) => p.role === 'dense-kernel')
  .map((p, i) => tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(p.variable.shape, 0, 1, 'float32', 3000 + i), 0.5), 'float32')));
const units = 300 / job.workers;
const first = job.index * units;
const w1Block = tf.variable(tf.tidy(() => tf.transpose(tf.slice(w1, [0, first], [784, units]))), true, 'split/w1t');
const b1Block = tf.variable(tf.tidy(() => tf.slice(b1, [first], [units])), true, 'split/b1');
const w2Block = tf.variable(tf.tidy(() => tf.slice(w2, [first, 0], [units, 100])), true, 'split/w2');
const parameters: NamedParameter[] = [
  { name: 'w1t', role: 'dense-kernel', variable: w1Block },
  { name: 'b1', role: 'bias', variable: b1Block },
  { name: 'w2', role: 'dense-kernel', variable: w2Block },
  { name: 'b2', role: 'bias', variable: b2 },
  { name: 'w3', role: 'dense-kernel', variable: w3 },
  { name: 'b3', role: 'bias', variable: b3 },
];
const masks = new Map<string, tf.Tensor>([
  ['w1t', tf.tidy(() => tf.transpose(tf.slice(fullMasks[0] as tf.Tensor, [0, first], [784, units])))],
  ['w2', tf.tidy(() => tf.slice(fullMasks[1] as tf.Tensor, [first, 0], [units, 100]))],
  ['w3', fullMasks[2] as tf.Tensor],
]);
tf.dispose([fullMasks[0] as tf.Tensor, fullMasks[1] as tf.Tensor]);
const batches = Array.from({ length: job.pool }, (_, i) =>
  tf.tidy(() => ({
    x: tf.randomUniform([job.batch, 784], 0, 1, 'float32', 1000 + i),
    y: tf.cast(tf.oneHot(tf.randomUniform([job.batch], 0, 10, 'int32', 2000 + i), 10), 'float32'),
  })),
);
const optimizer = withMasks(fusedAdam(job.learningRate), { parameters, masks });
const exchange = new Float32Array(job.exchange);
const control = new Int32Array(job.control);
const partial = job.batch * 100;

function step(iteration: number): void {
  const { x, y } = batches[iteration % job.pool] as { x: tf.Tensor2D; y: tf.Tensor2D };
  const slots = (iteration & 1) * job.workers * partial;
  const grads = tf.tidy(() => {
    const h1Block = tf.relu(tf.add(tf.matMul(w1Block, tf.transpose(x)), tf.reshape(b1Block, [units, 1])));
    exchange.set(tf.matMul(h1Block, w2Block, true, false).dataSync() as Float32Array, slots + job.index * partial);
    barrier(control, job.workers);
    const sum = exchange.slice(slots, slots + partial);
    for (let w = 1; w < job.workers; w++) {
      const offset = slots + w * partial;
      for (let i = 0; i < partial; i++) sum[i] = (sum[i] as number) + (exchange[offset + i] as number);
    }
    const h2 = tf.relu(tf.add(tf.tensor2d(sum, [job.batch, 100]), b2));
    const logits = tf.fused.matMul({ a: h2, b: w3, bias: b3 });
    const dz3 = tf.div(tf.sub(tf.softmax(logits), y), job.batch);
    const dz2 = tf.mul(tf.matMul(dz3, w3, false, true), tf.step(h2));
    const dz1Block = tf.mul(tf.matMul(w2Block, dz2, false, true), tf.step(h1Block));
    return {
      w1t: tf.matMul(dz1Block, x),
      b1: tf.sum(dz1Block, 1),
      w2: tf.matMul(h1Block, dz2),
      b2: tf.sum(dz2, 0),
      w3: tf.matMul(h2, dz3, true, false),
      b3: tf.sum(dz3, 0),
    };
  });
  optimizer.applyGradients({
    [w1Block.name]: grads.w1t,
    [b1Block.name]: grads.b1,
    [w2Block.name]: grads.w2,
    [b2.name]: grads.b2,
    [w3.name]: grads.w3,
    [b3.name]: grads.b3,
  });
  tf.dispose(Object.values(grads));
}

/** This worker's weights in the standard layout: its column block of W1 and b1, its row block of W2, all of b2, W3, b3. */
function weights(): { first: number; units: number; weights: Float32Array[]; tensors: number } {
  const w1Columns = tf.tidy(() => tf.transpose(w1Block));
  const values = [w1Columns, b1Block, w2Block, b2, w3, b3].map((t) => t.dataSync() as Float32Array);
  w1Columns.dispose();
  return { first, units, weights: values, tensors: tf.memory().numTensors };
}

let iteration = 0;
parentPort?.on('message', (message: { steps: number } | 'weights' | 'exit') => {
  if (message === 'exit') process.exit(0);
  if (message === 'weights') {
    parentPort?.postMessage(weights());
    return;
  }
  const start = performance.now();
  for (let s = 0; s < message.steps; s++) step(iteration++);
  parentPort?.postMessage({ ms: performance.now() - start });
});
parentPort?.postMessage('ready');
