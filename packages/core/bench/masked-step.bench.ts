/**
 * Overhead of a masked training step (withMasks) over a plain one, and of the train() loop over
 * a hand-written loop, for LeNet-300-100 (784-300-100-10, ReLU, softmax cross-entropy) at
 * batch 60 on the active backend (default cpu).
 *
 *   pnpm exec tsx packages/core/bench/masked-step.bench.ts [steps=60] [rounds=5] [backend=cpu]
 *
 * Arms, each timed over `steps` steps per round, interleaved round by round (the machine may be
 * shared), reporting the median per-step time over rounds:
 *   plain    tf.tidy(() => adam.minimize(loss, false, variables))
 *   masked   the same through withMasks(adam, …) with 90 %-sparse masks on the three kernels
 *            (mask gradients, update, w ← m ⊙ w)
 *   train    train({ … masks }) without hooks: the loop around the masked step
 *   mask ops the extra work alone: m ⊙ g for the three kernel gradients and w ← m ⊙ w
 * Masks do not change the arithmetic of the dense kernels; sparsity only changes the values.
 * On a shared machine the step times are noisy: compare the min columns, and the mask-ops time
 * (which does not depend on the rest of the step) with the plain step.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, train, withMasks, type Batch, type NamedParameter } from '../src/index.js';

// Gradients: tfjs-core registers none and its ESM build cannot be loaded by plain Node; the Node
// build of tfjs-layers registers them into the shared tfjs-core (see registerGradients). It is a
// dependency of @sparse/layers, not of core, so it is resolved from there.
createRequire(new URL('../../layers/package.json', import.meta.url))('@tensorflow/tfjs-layers');

const steps = Number(process.argv[2] ?? 60);
const rounds = Number(process.argv[3] ?? 5);
const backend = process.argv[4] ?? 'cpu';
const runtime = await createRuntime({ backend, onWarning: () => {} });

const SIZES = [784, 300, 100, 10] as const;
const BATCH = 60;

function network(seed: number) {
  const parameters: NamedParameter[] = [];
  for (let layer = 0; layer + 1 < SIZES.length; layer++) {
    const inputs = SIZES[layer] ?? 0;
    const units = SIZES[layer + 1] ?? 0;
    const limit = Math.sqrt(6 / (inputs + units));
    const kernel = tf.variable(tf.randomUniform([inputs, units], -limit, limit, 'float32', seed + layer));
    parameters.push({ name: `fc${layer + 1}/kernel`, role: 'dense-kernel', variable: kernel });
    parameters.push({ name: `fc${layer + 1}/bias`, role: 'bias', variable: tf.variable(tf.zeros([units])) });
  }
  const v = parameters.map((p) => p.variable);
  const loss = ({ x, y }: Batch): tf.Scalar => {
    let h: tf.Tensor = x;
    for (let layer = 0; layer < 3; layer++) {
      h = tf.add(tf.matMul(h, v[2 * layer] as tf.Variable), v[2 * layer + 1] as tf.Variable);
      if (layer < 2) h = tf.relu(h);
    }
    return tf.losses.softmaxCrossEntropy(y, h) as tf.Scalar;
  };
  return { parameters, variables: v, loss };
}

const batch: Batch = {
  x: tf.randomUniform([BATCH, 784], 0, 1, 'float32', 7),
  y: tf.oneHot(tf.randomUniform([BATCH], 0, 10, 'int32', 8), 10),
};
const batches = Array.from({ length: steps }, () => batch);

const plainNet = network(1);
const plainOptimizer = tf.train.adam(1.2e-3);
const maskedNet = network(1);
const masks = new Map(
  maskedNet.parameters
    .filter((p) => p.role === 'dense-kernel')
    .map((p, i) => [p.name, tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(p.variable.shape, 0, 1, 'float32', 20 + i), 0.9), 'float32'))]),
);
const maskedOptimizer = withMasks(tf.train.adam(1.2e-3), { parameters: maskedNet.parameters, masks });
const loopNet = network(1);
const loopMasks = new Map([...masks].map(([name, mask]) => [name, tf.clone(mask)] as const));
const loopOptimizer = tf.train.adam(1.2e-3);

function timePlain(): number {
  const start = performance.now();
  for (let i = 0; i < steps; i++) tf.tidy(() => void plainOptimizer.minimize(() => plainNet.loss(batch), false, plainNet.variables));
  return (performance.now() - start) / steps;
}

function timeMasked(): number {
  const start = performance.now();
  for (let i = 0; i < steps; i++) tf.tidy(() => void maskedOptimizer.minimize(() => maskedNet.loss(batch), false, maskedNet.variables));
  return (performance.now() - start) / steps;
}

const kernelEntries = maskedNet.parameters.filter((p) => masks.has(p.name)).map((p) => ({ variable: p.variable, mask: masks.get(p.name) as tf.Tensor }));
const fakeGradients = kernelEntries.map(({ variable }) => tf.randomNormal(variable.shape, 0, 1, 'float32', 30));
function timeMaskOps(): number {
  const start = performance.now();
  for (let i = 0; i < steps; i++) {
    tf.tidy(() => {
      kernelEntries.forEach(({ mask }, k) => void tf.mul(fakeGradients[k] as tf.Tensor, mask));
      for (const { variable, mask } of kernelEntries) variable.assign(tf.mul(variable, mask));
    });
  }
  return (performance.now() - start) / steps;
}

let loopStep = 0;
async function timeTrain(): Promise<number> {
  const start = performance.now();
  const result = await train({
    parameters: loopNet.parameters,
    loss: loopNet.loss,
    optimizer: loopOptimizer,
    batches,
    steps,
    masks: loopMasks,
    initialStep: loopStep,
  });
  loopStep = result.nextStep;
  return (performance.now() - start) / steps;
}

// warm-up: first steps allocate Adam's moments and warm the JIT
timePlain();
timeMasked();
await timeTrain();
timeMaskOps();
const tensorsBefore = tf.memory().numTensors;

const samples = { plain: [] as number[], masked: [] as number[], train: [] as number[], maskOps: [] as number[] };
for (let round = 0; round < rounds; round++) {
  samples.plain.push(timePlain());
  samples.masked.push(timeMasked());
  samples.train.push(await timeTrain());
  samples.maskOps.push(timeMaskOps());
}
const leaked = tf.memory().numTensors - tensorsBefore;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const row = (label: string, values: number[], base?: number[]) => {
  const ratio = base === undefined ? '' : `   ×${(median(values) / median(base)).toFixed(3)} median, ×${(Math.min(...values) / Math.min(...base)).toFixed(3)} min`;
  console.log(`  ${label.padEnd(8)} median ${median(values).toFixed(2)} ms  min ${Math.min(...values).toFixed(2)} ms  [${values.map((v) => v.toFixed(1)).join(', ')}]${ratio}`);
};
console.log(`backend ${runtime.backend}, LeNet-300-100, batch ${BATCH}, Adam, ${rounds} rounds × ${steps} steps (per step)`);
row('plain', samples.plain);
row('masked', samples.masked, samples.plain);
row('train()', samples.train, samples.plain);
row('mask ops', samples.maskOps);
console.log(`  mask ops / plain step: ${((100 * median(samples.maskOps)) / median(samples.plain)).toFixed(1)} % (median), ${((100 * Math.min(...samples.maskOps)) / Math.min(...samples.plain)).toFixed(1)} % (min)`);
console.log(`  tensors leaked over all timed steps: ${leaked}`);
