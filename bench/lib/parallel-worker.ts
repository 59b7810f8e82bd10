/**
 * One worker of bench/parallel-training.ts: trains LeNet-300-100 with masks on its share of each
 * batch and keeps its own copy of the weights in step with the other workers.
 *
 * Per step: gradients of the fused loss on rows [w·b/W, (w+1)·b/W) of the batch, copied into this
 * worker's slot of a SharedArrayBuffer (two sets of slots, by step parity); a barrier; then every
 * worker averages all slots and applies the same masked fusedAdam update, so the copies stay
 * identical without sending weights.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, fusedAdam, fusedDense, meanSoftmaxCrossEntropy, withMasks, type Batch } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { createMlp } from '@sparse/lth';
import { barrier } from '../../packages/backend-wasm/src/parallel/barrier.js';

interface Job {
  readonly index: number;
  readonly workers: number;
  readonly batch: number;
  readonly pool: number;
  readonly learningRate: number;
  readonly gradients: SharedArrayBuffer;
  readonly control: SharedArrayBuffer;
}

const job = workerData as Job;
await createRuntime({ backend: 'wasm', plugins: [wasmBackend()], onWarning: () => {} });
const model = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
const variables = model.parameters.map((p) => p.variable);
const sizes = variables.map((v) => v.size);
const total = sizes.reduce((a, b) => a + b, 0);
const masks = new Map(
  model.parameters
    .filter((p) => p.role === 'dense-kernel')
    .map((p, i) => [p.name, tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(p.variable.shape, 0, 1, 'float32', 3000 + i), 0.5), 'float32'))]),
);
const share = job.batch / job.workers;
const batches: Batch[] = Array.from({ length: job.pool }, (_, i) =>
  tf.tidy(() => {
    const x = tf.randomUniform([job.batch, 784], 0, 1, 'float32', 1000 + i);
    const y = tf.cast(tf.oneHot(tf.randomUniform([job.batch], 0, 10, 'int32', 2000 + i), 10), 'float32');
    return { x: tf.slice(x, [job.index * share, 0], [share, 784]), y: tf.slice(y, [job.index * share, 0], [share, 10]) };
  }),
);
const optimizer = withMasks(fusedAdam(job.learningRate), { parameters: model.parameters, masks });
const slots = new Float32Array(job.gradients); // [parity][worker][total]
const control = new Int32Array(job.control); // the slots of CONTROL in that barrier.ts
const average = new Float32Array(total);

function loss({ x, y }: Batch): tf.Scalar {
  let h: tf.Tensor = x;
  for (let layer = 0; layer < 3; layer++) {
    h = fusedDense(h, variables[2 * layer] as tf.Variable, variables[2 * layer + 1] as tf.Variable, {
      activation: layer < 2 ? 'relu' : 'linear',
      inputGradient: layer > 0,
    });
  }
  return meanSoftmaxCrossEntropy(y, h);
}

function step(iteration: number): void {
  const parity = iteration & 1;
  const own = (parity * job.workers + job.index) * total;
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => loss(batches[iteration % job.pool] as Batch), variables);
    let offset = own;
    for (const variable of variables) {
      slots.set((grads[variable.name] as tf.Tensor).dataSync() as Float32Array, offset);
      offset += variable.size;
    }
  });
  barrier(control, job.workers);
  const first = parity * job.workers * total;
  average.set(slots.subarray(first, first + total));
  for (let w = 1; w < job.workers; w++) {
    const start = first + w * total;
    for (let i = 0; i < total; i++) average[i] = (average[i] as number) + (slots[start + i] as number);
  }
  const scale = 1 / job.workers;
  for (let i = 0; i < total; i++) average[i] = (average[i] as number) * scale;
  tf.tidy(() => {
    const named: Record<string, tf.Tensor> = {};
    let offset = 0;
    variables.forEach((variable, i) => {
      named[variable.name] = tf.tensor(average.subarray(offset, offset + (sizes[i] as number)), variable.shape);
      offset += sizes[i] as number;
    });
    optimizer.applyGradients(named);
  });
}

let iteration = 0;
parentPort?.on('message', (message: { steps: number } | 'weights' | 'exit') => {
  if (message === 'exit') {
    optimizer.dispose();
    model.dispose();
    process.exit(0);
  }
  if (message === 'weights') {
    parentPort?.postMessage({ weights: variables.map((v) => v.dataSync() as Float32Array), tensors: tf.memory().numTensors });
    return;
  }
  const start = performance.now();
  for (let s = 0; s < message.steps; s++) step(iteration++);
  parentPort?.postMessage({ ms: performance.now() - start });
});
parentPort?.postMessage('ready');
