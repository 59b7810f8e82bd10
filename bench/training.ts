/**
 * Training throughput of LeNet-300-100 (784-300-100-10, ReLU, softmax cross-entropy, Adam
 * lr 1.2e-3) on one tfjs backend, with and without masks, side by side with PyTorch
 * (bench/python/train_lenet.py) on the same shapes.
 *
 *   pnpm exec tsx --import ./bench/lib/register.mjs bench/training.ts [--backend wasm|cpu]
 *        [--batches 60,512] [--rounds 7] [--round-ms 300] [--quick]
 *
 * Our arms all run through core's `train()` loop (so masked = MaskedOptimizer), on the
 * parameters of `createMlp` from @sparse/lth, on 8 cycled batches of uniform inputs and random
 * labels; masks keep a seeded 50 % of each kernel (biases unmasked), as on the PyTorch side:
 *
 *   stock        the stock-kernel path: createMlp's loss (tf.fused.matMul + tf.losses.softmaxCrossEntropy),
 *                tf.train.adam, MaskedOptimizer masking around it
 *   fast         the fused path (LTH's default): fusedDense + meanSoftmaxCrossEntropy (fewer kernels, hand
 *                gradients), fusedAdam (one SIMD pass per variable, in place, masks folded in),
 *                and MaskedOptimizer handing its masks to fusedAdam
 *   trainer×1/×2 @sparse/backend-wasm's createDenseTrainer on 1 and 2 threads: whole steps on
 *                core's SIMD kernels in the trainer's own WebAssembly memory (shared by the
 *                threads), whatever the tfjs backend; fresh batch tensors every step; checked
 *                against the fused path after 5 masked steps
 *   torch ×1/×2  PyTorch 1 and 2 threads: backward, grad *= mask, Adam step, weight *= mask
 *
 * Rounds interleave every arm (the order rotates each round); each arm's time per round is
 * `steps` steps, sized in the warm-up so that a round of one arm takes about `--round-ms`. Our
 * rounds are one `train()` call of `steps + 1` steps timed from the end of its first step (the
 * per-call set-up is not part of a training step); PyTorch's are `steps` steps of a warm loop.
 * Reported: the median ms/step over rounds, and ratios as medians of per-round ratios (both sides
 * of a ratio measured back to back, under the same machine load).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, fusedAdam, fusedDense, meanSoftmaxCrossEntropy, simdKernelsFor, train, withMasks, type Batch, type NamedParameter } from '@sparse/core';
import { createDenseTrainer, wasmBackend, type DenseTrainer } from '@sparse/backend-wasm';
import { createMlp, type LthModel } from '@sparse/lth';
import './lib/fail.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { findTorchPython, PeerProcess, torchMissingReason } from './lib/peer.js';
import { writeResults } from './lib/results.js';
import { fmt, median, medianRatio, printTable } from './lib/stats.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const quick = process.argv.includes('--quick');
const backendName = option('backend', 'wasm');
const batchSizes = option('batches', '60,512').split(',').map(Number);
const rounds = Number(option('rounds', quick ? '3' : backendName === 'cpu' ? '3' : '15'));
const roundMs = Number(option('round-ms', quick ? '150' : backendName === 'cpu' ? '2500' : '300'));
const POOL = 8;
const LR = 1.2e-3;

const runtime = await createRuntime({ backend: backendName, plugins: backendName === 'wasm' ? [wasmBackend()] : [], onWarning: () => {} });
if (runtime.backend !== backendName) throw new Error(`backend ${backendName} unavailable (got ${runtime.backend})`);

/** One of our configurations. */
interface OurArm {
  readonly kind: 'ours';
  readonly name: string;
  /** Runs `steps` + 1 steps in one `train()` call; resolves to the ms per step after the first. */
  readonly run: (steps: number) => Promise<number>;
  readonly dispose: () => void;
}

/** One PyTorch configuration. */
interface PeerArm {
  readonly kind: 'peer';
  readonly name: string;
  readonly threads: number;
  readonly masked: boolean;
}

type Arm = OurArm | PeerArm;

function makeBatches(batch: number): Batch[] {
  return Array.from({ length: POOL }, (_, i) =>
    tf.tidy(() => ({
      x: tf.randomUniform([batch, 784], 0, 1, 'float32', 1000 + i),
      y: tf.cast(tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 2000 + i), 10), 'float32'),
    })),
  );
}

function makeMasks(model: LthModel): Map<string, tf.Tensor> {
  return new Map(
    model.parameters
      .filter((p) => p.role === 'dense-kernel')
      .map((p, i) => [p.name, tf.tidy(() => tf.cast(tf.greater(tf.randomUniform(p.variable.shape, 0, 1, 'float32', 3000 + i), 0.5), 'float32'))]),
  );
}

/** The fused training loss on createMlp's parameters: fused dense layers, hand-written gradients. */
function leanLoss(parameters: readonly NamedParameter[]): (batch: Batch) => tf.Scalar {
  const variables = parameters.map((p) => p.variable);
  const layers = variables.length / 2;
  return ({ x, y }) => {
    let h: tf.Tensor = x;
    for (let layer = 0; layer < layers; layer++) {
      h = fusedDense(h, variables[2 * layer] as tf.Variable, variables[2 * layer + 1] as tf.Variable, {
        activation: layer + 1 < layers ? 'relu' : 'linear',
        inputGradient: layer > 0,
      });
    }
    return meanSoftmaxCrossEntropy(y, h);
  };
}

function ourArm(name: string, batches: Batch[], masked: boolean, fast: boolean): OurArm {
  const model = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
  const masks = masked ? makeMasks(model) : undefined;
  const optimizer = fast ? fusedAdam(LR) : tf.train.adam(LR);
  const loss = fast ? leanLoss(model.parameters) : model.loss;
  let step = 0;
  return {
    kind: 'ours',
    name,
    run: async (steps) => {
      // Steady state: time from the end of the first step to the end of the last, so that the
      // per-call set-up (withMasks re-applying the masks, the first in-place write) that only the
      // benchmark's interleaving repeats is not counted.
      let firstDone = 0;
      let lastDone = 0;
      const result = await train({
        parameters: model.parameters,
        loss,
        optimizer,
        batches,
        steps: steps + 1,
        initialStep: step,
        ...(masks === undefined ? {} : { masks }),
        onProgress: ({ stepsDone }) => {
          lastDone = performance.now();
          if (stepsDone === 1) firstDone = lastDone;
        },
      });
      step = result.nextStep;
      return (lastDone - firstDone) / steps;
    },
    dispose: () => {
      optimizer.dispose();
      tf.dispose([...(masks?.values() ?? [])]);
      model.dispose();
    },
  };
}

/** max |a − b| / max |a| over all parameters of two models of the same shapes. */
function relativeDifference(reference: LthModel, other: LthModel): number {
  let difference = 0;
  let largest = 0;
  reference.parameters.forEach((p, i) => {
    const a = p.variable.dataSync();
    const b = (other.parameters[i] as NamedParameter).variable.dataSync();
    for (let j = 0; j < a.length; j++) {
      difference = Math.max(difference, Math.abs((a[j] as number) - (b[j] as number)));
      largest = Math.max(largest, Math.abs(a[j] as number));
    }
  });
  return difference / largest;
}

/** Layers and masks of createMlp's parameters, as createDenseTrainer takes them. */
function trainerInputs(model: LthModel, masks: Map<string, tf.Tensor>): { layers: { kernel: tf.Variable; bias: tf.Variable }[]; masks: tf.Tensor[] } {
  const kernels = model.parameters.filter((p) => p.role === 'dense-kernel');
  const biases = model.parameters.filter((p) => p.role === 'bias');
  return {
    layers: kernels.map((kernel, l) => ({ kernel: kernel.variable, bias: (biases[l] as NamedParameter).variable })),
    masks: kernels.map((kernel) => masks.get(kernel.name) as tf.Tensor),
  };
}

/** The library's dense trainer (@sparse/backend-wasm's createDenseTrainer) on `threads` threads. */
async function trainerArm(name: string, batches: Batch[], batch: number, threads: number): Promise<OurArm> {
  const model = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
  const masks = makeMasks(model);
  const trainer: DenseTrainer = await createDenseTrainer({ ...trainerInputs(model, masks), learningRate: LR, batchSize: batch, threads });
  // Each step gets new batch tensors, as from a data provider (the trainer copies each batch in).
  const data = batches.map(({ x, y }) => ({ x: x.dataSync() as Float32Array, y: y.dataSync() as Float32Array }));
  let step = 0;
  return {
    kind: 'ours',
    name,
    run: async (steps) => {
      // As for train(): the first step untimed, then `steps` steps.
      let firstDone = 0;
      for (let i = 0; i <= steps; i++) {
        const values = data[step++ % data.length] as { x: Float32Array; y: Float32Array };
        const x = tf.tensor2d(values.x, [batch, 784]);
        const y = tf.tensor2d(values.y, [batch, 10]);
        try {
          trainer.step(x, y);
        } finally {
          tf.dispose([x, y]);
        }
        if (i === 0) firstDone = performance.now();
      }
      return (performance.now() - firstDone) / steps;
    },
    dispose: () => {
      void trainer.dispose();
      tf.dispose([...masks.values()]);
      model.dispose();
    },
  };
}

/**
 * Checks that the dense trainer (2 threads) computes what the fused path computes through `train()`: both
 * masked, same start, masks and batches, 5 steps; largest weight difference / largest weight.
 */
async function verifyTrainer(batches: Batch[], batch: number): Promise<number> {
  const fused = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
  const split = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
  const fusedMasks = makeMasks(fused);
  const splitMasks = makeMasks(split);
  const adam = fusedAdam(LR);
  await train({ parameters: fused.parameters, loss: leanLoss(fused.parameters), optimizer: adam, batches, steps: 5, masks: fusedMasks });
  const trainer = await createDenseTrainer({ ...trainerInputs(split, splitMasks), learningRate: LR, batchSize: batch, threads: 2 });
  for (let i = 0; i < 5; i++) trainer.step((batches[i % batches.length] as Batch).x, (batches[i % batches.length] as Batch).y);
  trainer.syncWeights();
  await trainer.dispose();
  const relative = relativeDifference(fused, split);
  adam.dispose();
  tf.dispose([...fusedMasks.values(), ...splitMasks.values()]);
  fused.dispose();
  split.dispose();
  return relative;
}

const python = findTorchPython();
const machineBefore = machineInfo();
console.log(`training benchmark, backend ${runtime.backend}${runtime.backend === 'wasm' ? ' (fast kernels)' : ''}; ${describeMachine(machineBefore)}`);
if (python === null) console.log(`PyTorch peer skipped: ${torchMissingReason}`);

const peer = python === null ? null : new PeerProcess(python, 'train_lenet.py');

interface ArmResult {
  readonly name: string;
  readonly msPerStep: number;
  readonly samplesPerSecond: number;
  /** The fastest round: the least disturbed by other processes. */
  readonly bestMsPerStep: number;
  readonly steps: number;
  readonly rounds: readonly number[];
}

interface BatchResult {
  readonly batch: number;
  readonly fastPathError: number;
  /** The dense trainer's weights after 5 masked steps against the fused path's. */
  readonly trainerError: number;
  readonly tensorsLeaked: number;
  /** Median ms of one optimizer update alone, plain and masked (see isolatedUpdateCost, trainerUpdateCost). */
  readonly updates: Record<'stock' | 'fast' | 'trainer', { readonly plainMs: number; readonly maskedMs: number }>;
  readonly arms: readonly ArmResult[];
  readonly ratios: Record<string, number>;
}

async function runArm(arm: Arm, batch: number, steps: number): Promise<number> {
  if (arm.kind === 'ours') return arm.run(steps);
  if (peer === null) return Number.NaN;
  const answer = await peer.request<{ ms_per_step: number }>({ batch, threads: arm.threads, masked: arm.masked, steps });
  return answer.ms_per_step;
}

/**
 * Checks that the fast path computes what the stock path computes: both masked, same initial
 * weights, masks and batches, 5 steps; returns the largest weight difference relative to the
 * largest weight (float32 rounding differs: ~1e-6).
 */
async function verifyFastPath(batches: Batch[]): Promise<number> {
  const stock = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
  const fast = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
  const stockMasks = makeMasks(stock);
  const fastMasks = makeMasks(fast);
  const stockAdam = tf.train.adam(LR);
  const fastAdam = fusedAdam(LR);
  await train({ parameters: stock.parameters, loss: stock.loss, optimizer: stockAdam, batches, steps: 5, masks: stockMasks });
  await train({ parameters: fast.parameters, loss: leanLoss(fast.parameters), optimizer: fastAdam, batches, steps: 5, masks: fastMasks });
  const relative = relativeDifference(stock, fast);
  stockAdam.dispose();
  fastAdam.dispose();
  tf.dispose([...stockMasks.values(), ...fastMasks.values()]);
  stock.dispose();
  fast.dispose();
  return relative;
}

/**
 * The masked step's extra work, measured alone: the masked and the plain step differ only in the
 * optimizer update (the dense forward and backward do not depend on the mask values), so the
 * overhead is (masked update − plain update) / plain step. Updates are timed in interleaved
 * repetitions on fixed gradients; far less noisy than the difference of two whole steps.
 */
function isolatedUpdateCost(batches: Batch[], fast: boolean, repetitions: number): { plainMs: number; maskedMs: number } {
  const model = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
  const masks = makeMasks(model);
  const loss = fast ? leanLoss(model.parameters) : model.loss;
  const variables = model.parameters.map((p) => p.variable);
  const gradients = tf.tidy(() => tf.variableGrads(() => loss(batches[0] as Batch), variables).grads);
  const plain = fast ? fusedAdam(LR) : tf.train.adam(LR);
  const masked = withMasks(fast ? fusedAdam(LR) : tf.train.adam(LR), { parameters: model.parameters, masks });
  const update = (optimizer: tf.Optimizer) => () => tf.tidy(() => optimizer.applyGradients(gradients));
  const cost = interleavedMedians(update(plain), update(masked), repetitions);
  plain.dispose();
  masked.dispose();
  tf.dispose([...Object.values(gradients), ...masks.values()]);
  model.dispose();
  return cost;
}

/**
 * Median ms of one call of `plain` and of `masked`, each timed over 20 calls, after one untimed
 * round of each, in `repetitions` interleaved rounds (so both see the same machine load).
 */
function interleavedMedians(plain: () => void, masked: () => void, repetitions: number): { plainMs: number; maskedMs: number } {
  const calls = 20;
  const time = (update: () => void) => {
    const start = performance.now();
    for (let i = 0; i < calls; i++) update();
    return (performance.now() - start) / calls;
  };
  time(plain);
  time(masked);
  const plainTimes: number[] = [];
  const maskedTimes: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    plainTimes.push(time(plain));
    maskedTimes.push(time(masked));
  }
  return { plainMs: median(plainTimes), maskedMs: median(maskedTimes) };
}

/**
 * The dense trainer's masked update alone: its Adam pass (core's SIMD `adam` / `adam_masked`, the
 * functions the trainer calls, once per kernel on one thread) over LeNet-300-100's kernels in the
 * trainer's padded layout, with and without a 50 % mask, in interleaved repetitions. Everything
 * else in the trainer's step is the same with and without masks.
 */
function trainerUpdateCost(repetitions: number): { plainMs: number; maskedMs: number } {
  const shapes = [[784, 304], [304, 104], [104, 16]] as const;
  const sizes = shapes.map(([rows, columns]) => rows * columns);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const memory = new WebAssembly.Memory({ initial: Math.ceil((5 * total * 4) / 65536) + 1 });
  const simd = simdKernelsFor(memory);
  if (simd === undefined) throw new Error('no WebAssembly SIMD: the dense trainer cannot run here');
  const floats = new Float32Array(memory.buffer);
  let state = 7;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  // Per kernel: w, g, m, v, mask, back to back.
  let offset = 0;
  const kernels = sizes.map((size) => {
    const [w, g, m, v, mask] = [0, 1, 2, 3, 4].map((i) => offset + i * size * 4) as [number, number, number, number, number];
    offset += 5 * size * 4;
    for (let i = 0; i < size; i++) {
      floats[w / 4 + i] = random() - 0.5;
      floats[g / 4 + i] = (random() - 0.5) * 1e-2;
      floats[mask / 4 + i] = random() < 0.5 ? 1 : 0;
    }
    return { size, w, g, m, v, mask };
  });
  return interleavedMedians(
    () => {
      for (const k of kernels) simd.adam(k.w, k.g, k.m, k.v, k.size, 0.9, 0.1, 0.999, 0.001, LR, 1, 1e-7);
    },
    () => {
      for (const k of kernels) simd.adam_masked(k.w, k.g, k.m, k.v, k.mask, k.size, 0.9, 0.1, 0.999, 0.001, LR, 1, 1e-7);
    },
    repetitions,
  );
}

const results: BatchResult[] = [];
for (const batch of batchSizes) {
  const batches = makeBatches(batch);
  const fastPathError = await verifyFastPath(batches);
  console.log(`  batch ${batch}: fast path vs stock path after 5 masked steps: max |Δw| / max |w| = ${fastPathError.toExponential(1)}`);
  if (!(fastPathError < 1e-4)) throw new Error(`the fast path diverges from the stock path (${fastPathError})`);
  const trainerError = await verifyTrainer(batches, batch);
  console.log(`  batch ${batch}: dense trainer (2 threads) vs fused path after 5 masked steps: max |Δw| / max |w| = ${trainerError.toExponential(1)}`);
  if (!(trainerError < 1e-4)) throw new Error(`the dense trainer diverges from the fused path (${trainerError})`);
  const ours: OurArm[] = [
    ourArm('stock plain', batches, false, false),
    ourArm('stock masked', batches, true, false),
    ourArm('fast plain', batches, false, true),
    ourArm('fast masked', batches, true, true),
    await trainerArm('trainer×1 masked', batches, batch, 1),
    await trainerArm('trainer×2 masked', batches, batch, 2),
  ];
  const peers: PeerArm[] =
    peer === null
      ? []
      : [
          { kind: 'peer', name: 'torch×1 plain', threads: 1, masked: false },
          { kind: 'peer', name: 'torch×1 masked', threads: 1, masked: true },
          { kind: 'peer', name: 'torch×2 plain', threads: 2, masked: false },
          { kind: 'peer', name: 'torch×2 masked', threads: 2, masked: true },
        ];
  const arms: Arm[] = [...ours, ...peers];

  // Warm-up (JIT, Adam state, XNNPACK operators, torch allocator), then size each arm's round.
  const stepsOf = new Map<Arm, number>();
  const cpu = runtime.backend === 'cpu';
  for (const arm of arms) {
    await runArm(arm, batch, cpu ? 2 : 10);
    const ms = await runArm(arm, batch, cpu ? 2 : 5);
    // PyTorch with 2 threads can be 50x slower on a loaded machine: fewer steps, not longer rounds.
    const minSteps = arm.kind === 'peer' ? 3 : cpu ? 3 : 10;
    stepsOf.set(arm, Math.max(minSteps, Math.min(300, Math.round(roundMs / Math.max(ms, 0.01)))));
  }
  const tensorsBefore = tf.memory().numTensors;
  const times = new Map<Arm, number[]>(arms.map((arm) => [arm, []]));
  for (let round = 0; round < rounds; round++) {
    const order = arms.map((_, i) => arms[(i + round) % arms.length] as Arm);
    for (const arm of order) times.get(arm)?.push(await runArm(arm, batch, stepsOf.get(arm) ?? 3));
    process.stdout.write(`\r  batch ${batch}: round ${round + 1}/${rounds}`);
  }
  process.stdout.write('\n');
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) console.log(`  warning: ${leaked} tensors leaked over the timed rounds`);
  const series = (name: string) => times.get(arms.find((arm) => arm.name === name) as Arm) ?? [];
  const armResults: ArmResult[] = arms.map((arm) => {
    const values = times.get(arm) ?? [];
    const ms = median(values);
    return {
      name: arm.name,
      msPerStep: ms,
      samplesPerSecond: (batch * 1000) / ms,
      bestMsPerStep: Math.min(...values),
      steps: stepsOf.get(arm) ?? 0,
      rounds: values,
    };
  });
  const ratios: Record<string, number> = {
    'stock masked overhead': medianRatio(series('stock masked'), series('stock plain')) - 1,
    'fast masked overhead': medianRatio(series('fast masked'), series('fast plain')) - 1,
    'fast / stock speed-up (masked)': medianRatio(series('stock masked'), series('fast masked')),
  };
  if (peer !== null) {
    for (const threads of [1, 2]) {
      ratios[`fast masked vs torch×${threads} masked`] = medianRatio(series(`torch×${threads} masked`), series('fast masked'));
      ratios[`stock masked vs torch×${threads} masked`] = medianRatio(series(`torch×${threads} masked`), series('stock masked'));
      ratios[`fast plain vs torch×${threads} plain`] = medianRatio(series(`torch×${threads} plain`), series('fast plain'));
    }
    const bestOf = (name: string) => armResults.find((a) => a.name === name)?.bestMsPerStep ?? Number.NaN;
    ratios['fast masked vs torch×1 masked, best rounds'] = bestOf('torch×1 masked') / bestOf('fast masked');
    for (const threads of [1, 2]) {
      ratios[`trainer×${threads} masked vs torch×1 masked`] = medianRatio(series('torch×1 masked'), series(`trainer×${threads} masked`));
      ratios[`trainer×${threads} masked vs torch×1 masked, best rounds`] = bestOf('torch×1 masked') / bestOf(`trainer×${threads} masked`);
      ratios[`trainer×${threads} / fast speed-up (masked)`] = medianRatio(series('fast masked'), series(`trainer×${threads} masked`));
    }
    const best = armResults.filter((a) => a.name.startsWith('torch') && a.name.endsWith('masked')).sort((a, b) => a.msPerStep - b.msPerStep)[0];
    if (best !== undefined) ratios[`fast masked vs best torch masked (${best.name})`] = medianRatio(series(best.name), series('fast masked'));
  }
  const updates = {
    stock: isolatedUpdateCost(batches, false, cpu ? 3 : 15),
    fast: isolatedUpdateCost(batches, true, cpu ? 3 : 15),
    trainer: trainerUpdateCost(15),
  };
  const stepOf = (name: string) => armResults.find((a) => a.name === name)?.msPerStep ?? Number.NaN;
  ratios['stock masked overhead, isolated'] = (updates.stock.maskedMs - updates.stock.plainMs) / stepOf('stock plain');
  ratios['fast masked overhead, isolated'] = (updates.fast.maskedMs - updates.fast.plainMs) / stepOf('fast plain');
  // The trainer's plain step is its masked step less the mask's extra update work.
  const trainerExtra = updates.trainer.maskedMs - updates.trainer.plainMs;
  ratios['trainer masked overhead, isolated'] = trainerExtra / (stepOf('trainer×1 masked') - trainerExtra);
  results.push({ batch, fastPathError, trainerError, tensorsLeaked: leaked, arms: armResults, updates, ratios });
  for (const arm of ours) arm.dispose();
  tf.dispose(batches.flatMap((b) => [b.x, b.y]));

  printTable(
    `LeNet-300-100 training step, ${runtime.backend}, batch ${batch} (median of ${rounds} interleaved rounds)`,
    ['arm', 'ms/step', 'samples/s', 'best round ms/step', 'steps/round'],
    armResults.map((a) => [a.name, fmt(a.msPerStep), fmt(a.samplesPerSecond), fmt(a.bestMsPerStep), String(a.steps)]),
  );
  printTable(
    `ratios, batch ${batch} (medians of per-round ratios; for "vs": >1 = ours faster)`,
    ['ratio', 'value'],
    Object.entries(ratios).map(([name, value]) => [name, name.includes('overhead') ? `${fmt(100 * value, 2)} %` : `${fmt(value)}x`]),
  );
}
peer?.close();

const machineAfter = machineInfo();
const path = writeResults(`training-${runtime.backend}`, {
  benchmark: 'training',
  backend: runtime.backend,
  date: new Date().toISOString(),
  machine: { ...machineAfter, loadAverageBefore: machineBefore.loadAverage },
  rounds,
  roundMs,
  model: 'LeNet-300-100 (784-300-100-10, ReLU), Adam lr 1.2e-3, masks keep 50 % of each kernel',
  results,
});
console.log(`\nload average after: ${machineAfter.loadAverage.join(' ')}; results: ${path}`);
