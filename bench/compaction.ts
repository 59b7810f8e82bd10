/**
 * Compacted vs dense inference latency ("Performance" item 5, the models of
 * docs/results/group-envelope.md "Compaction and latency"), side by side with PyTorch
 * (bench/python/compaction_latency.py, 1 thread: the wasm backend in Node runs one thread too).
 *
 *   pnpm exec tsx --import ./bench/lib/register.mjs bench/compaction.ts [--reps 7] [--batches 1,256] [--calls 200,40] [--quick]
 *
 * Models, on the wasm backend:
 *   dense       a tfjs-layers MLP 784-512-256-10 (ReLU, linear head), seeded Glorot-uniform
 *               kernels and small nonzero biases, with a seeded choice of neurons zeroed (kernel
 *               column and bias, as a neuron-masked model has them) so that 128 of 512 and 64 of
 *               256 stay alive: it still has the dense shapes, so it costs what a dense model costs
 *   compacted   compactModel (@sparse/layers) of it: 784-128-64-10, the code path under test
 * Before timing, the compacted model's outputs are checked against the dense model's on a random
 * batch of 256 (max |difference| ≤ 1e-5, else the benchmark fails), and so are the outputs of
 * `fastPredict` (@sparse/layers, ADR 0016) of each model against that model's `predict`.
 *
 * One call is `model.predict(x, { batchSize: batch })` and `dataSync()` of the result (so the
 * result is really computed), in `tf.tidy`; `batchSize` makes batch 256 one forward pass, as
 * the peer's `model(x)` is (predict's default would split it into 8 passes of 32). The fast path
 * is timed the same way: `fastPredict(model).predict(x)` (a new tensor) + `dataSync`, in `tf.tidy`.
 * The peer
 * times `model(x)` under `torch.no_grad()` on the same widths (its compacted model sliced from
 * its own masked one, and checked against it the same way).
 *
 * Repetitions interleave ours and the peer (the order alternates); in each repetition each side
 * makes N calls per model and batch (200 at batch 1, 40 at batch 256; 50 / 10 with --quick)
 * after a warm-up, and each figure is the median over repetitions of the repetition's median
 * call. Ratios are medians of per-repetition ratios: torch / ours (> 1 = ours faster) and the
 * speed-up dense / compacted of each side. The tensor count must not grow across the timing, nor
 * from start to end (models and inputs disposed).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRuntime, Random } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { compactModel, fastPredict, type FastPredictor } from '@sparse/layers';
import { exitOnError } from './lib/fail.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { findTorchPython, PeerProcess, torchMissingReason } from './lib/peer.js';
import { writeResults } from './lib/results.js';
import { fmt, median, medianRatio, printTable } from './lib/stats.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const quick = process.argv.includes('--quick');
const reps = Number(option('reps', quick ? '3' : '7'));
const batches = option('batches', '1,256').split(',').map(Number);
const callsList = option('calls', quick ? '50,10' : '200,40').split(',').map(Number);
/** Calls per repetition at each batch size (the last count given applies to the further sizes). */
const callsAt = (index: number): number => callsList[Math.min(index, callsList.length - 1)] ?? 1;
if (!(Number.isInteger(reps) && reps >= 1) || batches.some((b) => !(Number.isInteger(b) && b >= 1)) || callsList.some((c) => !(Number.isInteger(c) && c >= 1))) {
  exitOnError(new Error(`--reps, --batches and --calls take positive integers; got ${reps}, ${batches.join(',')}, ${callsList.join(',')}`));
}

const DENSE_WIDTHS = [784, 512, 256, 10] as const;
const ALIVE = [128, 64] as const;
const COMPACTED_WIDTHS = [DENSE_WIDTHS[0], ...ALIVE, DENSE_WIDTHS[3]];
const SEED = 1;
const TOLERANCE = 1e-5;

const python = findTorchPython();
const machineBefore = machineInfo();
console.log(`compaction benchmark; ${describeMachine(machineBefore)}`);
if (python === null) console.log(`PyTorch peer skipped: ${torchMissingReason}`);
const peer = python === null ? null : new PeerProcess(python, 'compaction_latency.py');

const runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()], onWarning: () => {} });
const tensorsAtStart = tf.memory().numTensors;

/** `count` distinct indices of `0 … n-1`, sorted (a seeded partial Fisher–Yates shuffle). */
function chooseAlive(random: Random, n: number, count: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + random.nextInt(n - i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order.slice(0, count).sort((a, b) => a - b);
}

/**
 * The dense MLP with seeded weights; in each hidden layer only the `ALIVE` chosen neurons keep
 * their kernel column and bias (the others are zero, as a neuron-masked model has them).
 */
function maskedDenseModel(): { model: tfl.Sequential; alive: number[][] } {
  const random = new Random(SEED);
  const model = tfl.sequential({
    name: 'dense',
    layers: DENSE_WIDTHS.slice(1).map((units, i) =>
      tfl.layers.dense({
        name: `fc${i + 1}`,
        units,
        ...(i === 0 ? { inputShape: [DENSE_WIDTHS[0]] } : {}),
        ...(i + 1 < DENSE_WIDTHS.length - 1 ? { activation: 'relu' as const } : {}),
      }),
    ),
  });
  const alive: number[][] = [];
  model.layers.forEach((layer, i) => {
    const inputs = DENSE_WIDTHS[i] as number;
    const outputs = DENSE_WIDTHS[i + 1] as number;
    const bound = Math.sqrt(6 / (inputs + outputs));
    const kernel = random.fillUniform(new Float32Array(inputs * outputs), -bound, bound);
    const bias = random.fillUniform(new Float32Array(outputs), -0.1, 0.1);
    const keep = ALIVE[i];
    if (keep !== undefined) {
      const chosen = chooseAlive(random, outputs, keep);
      alive.push(chosen);
      const live = new Uint8Array(outputs);
      for (const j of chosen) live[j] = 1;
      for (let e = 0; e < kernel.length; e++) if (live[e % outputs] === 0) kernel[e] = 0;
      for (let j = 0; j < outputs; j++) if (live[j] === 0) bias[j] = 0;
    }
    const values = [tf.tensor2d(kernel, [inputs, outputs]), tf.tensor1d(bias)];
    layer.setWeights(values);
    tf.dispose(values);
  });
  return { model, alive };
}

const { model: dense, alive } = maskedDenseModel();
const compaction = compactModel(dense);
const compacted = compaction.model;
const compactedWidths = [DENSE_WIDTHS[0], ...compaction.layers.map((l) => l.unitsAfter)];
console.log(
  `compactModel: ${compaction.layers.map((l) => `${l.name} ${l.unitsBefore} → ${l.unitsAfter}`).join(', ')}; ` +
    `parameters ${compaction.parameters.before} → ${compaction.parameters.after}, FLOPs/example ${compaction.flops.before} → ${compaction.flops.after}`,
);
if (compactedWidths.join('-') !== COMPACTED_WIDTHS.join('-')) {
  exitOnError(new Error(`compactModel gave ${compactedWidths.join('-')}, expected ${COMPACTED_WIDTHS.join('-')}`));
}

/** The largest |compacted − dense| output over a random batch of 256. */
function maxAbsDifference(): number {
  return tf.tidy(() => {
    const x = tf.tensor2d(new Random(SEED + 1).fillNormal(new Float32Array(256 * DENSE_WIDTHS[0])), [256, DENSE_WIDTHS[0]]);
    const a = (dense.predict(x, { batchSize: 256 }) as tf.Tensor).dataSync();
    const b = (compacted.predict(x, { batchSize: 256 }) as tf.Tensor).dataSync();
    if (a.length !== b.length) return Number.POSITIVE_INFINITY;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
    return worst;
  });
}
const maxAbsDiff = maxAbsDifference();
console.log(`max |compacted − dense masked| over 256 N(0,1) inputs: ${maxAbsDiff.toExponential(1)} (tolerance ${TOLERANCE.toExponential(0)})`);
if (!(maxAbsDiff <= TOLERANCE)) exitOnError(new Error(`the compacted model's outputs differ from the dense masked model's by ${maxAbsDiff}`));

interface PeerBuild {
  readonly maxAbsDiff: number;
  readonly dense: number[];
  readonly compacted: number[];
  readonly torch: string;
}
const peerBuild = await peer?.request<PeerBuild>({ cmd: 'build', dense: DENSE_WIDTHS, alive: ALIVE, seed: SEED });
if (peerBuild !== undefined) {
  console.log(`peer: torch ${peerBuild.torch}, ${peerBuild.dense.join('-')} → ${peerBuild.compacted.join('-')}, max |compacted − dense masked| ${peerBuild.maxAbsDiff.toExponential(1)}`);
  if (peerBuild.compacted.join('-') !== COMPACTED_WIDTHS.join('-') || !(peerBuild.maxAbsDiff <= TOLERANCE)) {
    exitOnError(new Error(`the peer's compacted model is wrong: ${peerBuild.compacted.join('-')}, max difference ${peerBuild.maxAbsDiff}`));
  }
}

const models = { dense, compacted } as const;
type ModelName = keyof typeof models;
const fastModels: Record<ModelName, FastPredictor> = { dense: fastPredict(dense), compacted: fastPredict(compacted) };

/** The largest |fastPredict − predict| of `name` over a random batch of 256. */
function fastDifference(name: ModelName): number {
  return tf.tidy(() => {
    const x = tf.tensor2d(new Random(SEED + 2).fillNormal(new Float32Array(256 * DENSE_WIDTHS[0])), [256, DENSE_WIDTHS[0]]);
    const a = (models[name].predict(x, { batchSize: 256 }) as tf.Tensor).dataSync();
    const b = fastModels[name].predict(x).dataSync();
    let worst = a.length === b.length ? 0 : Number.POSITIVE_INFINITY;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
    return worst;
  });
}
const fastMaxAbsDiff = { dense: fastDifference('dense'), compacted: fastDifference('compacted') };
console.log(`max |fastPredict − predict| over 256 N(0,1) inputs: dense ${fastMaxAbsDiff.dense.toExponential(1)}, compacted ${fastMaxAbsDiff.compacted.toExponential(1)}`);
if (!(fastMaxAbsDiff.dense <= TOLERANCE && fastMaxAbsDiff.compacted <= TOLERANCE)) {
  exitOnError(new Error(`fastPredict differs from predict by ${fastMaxAbsDiff.dense} (dense), ${fastMaxAbsDiff.compacted} (compacted)`));
}
const widthsOf: Record<ModelName, readonly number[]> = { dense: DENSE_WIDTHS, compacted: COMPACTED_WIDTHS };
const inputs = batches.map((batch) => tf.tensor2d(new Random(batch).fillNormal(new Float32Array(batch * DENSE_WIDTHS[0])), [batch, DENSE_WIDTHS[0]]));

/** Milliseconds of each of `calls` calls of predict + dataSync. */
function timeCalls(model: tfl.LayersModel, x: tf.Tensor2D, calls: number): number[] {
  const ms: number[] = [];
  const batchSize = x.shape[0];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    tf.tidy(() => {
      (model.predict(x, { batchSize }) as tf.Tensor).dataSync();
    });
    ms.push(performance.now() - start);
  }
  return ms;
}

/** Milliseconds of each of `calls` calls of fastPredict's predict + dataSync. */
function timeFastCalls(fast: FastPredictor, x: tf.Tensor2D, calls: number): number[] {
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    tf.tidy(() => {
      fast.predict(x).dataSync();
    });
    ms.push(performance.now() - start);
  }
  return ms;
}

async function peerCalls(model: ModelName, batch: number, calls: number): Promise<number[]> {
  const answer = await peer?.request<{ ms: number[] }>({ model, batch, calls, threads: 1 });
  return answer?.ms ?? [];
}

interface Case {
  readonly model: ModelName;
  readonly batch: number;
  readonly batchIndex: number;
  readonly calls: number;
  /** Per repetition, the median call (ms): model.predict, fastPredict, the peer. */
  readonly ours: number[];
  readonly fast: number[];
  readonly torch: number[];
}
const cases: Case[] = batches.flatMap((batch, batchIndex) =>
  (['dense', 'compacted'] as const).map((model) => ({ model, batch, batchIndex, calls: callsAt(batchIndex), ours: [], fast: [], torch: [] })),
);

/** One repetition of a case on one side (`record` false: a warm-up). */
async function measure(c: Case, side: 'ours' | 'fast' | 'torch', calls: number, record: boolean): Promise<void> {
  if (side === 'ours') {
    const ms = timeCalls(models[c.model], inputs[c.batchIndex] as tf.Tensor2D, calls);
    if (record) c.ours.push(median(ms));
  } else if (side === 'fast') {
    const ms = timeFastCalls(fastModels[c.model], inputs[c.batchIndex] as tf.Tensor2D, calls);
    if (record) c.fast.push(median(ms));
  } else if (peer !== null) {
    const ms = await peerCalls(c.model, c.batch, calls);
    if (record) c.torch.push(median(ms));
  }
}

for (const c of cases) {
  const warmup = Math.max(3, Math.ceil(c.calls / 10));
  await measure(c, 'ours', warmup, false);
  await measure(c, 'fast', warmup, false);
  await measure(c, 'torch', warmup, false);
}
const tensorsBeforeTiming = tf.memory().numTensors;
for (let rep = 0; rep < reps; rep++) {
  for (const [index, c] of cases.entries()) {
    const order = (rep + index) % 2 === 0 ? (['ours', 'fast', 'torch'] as const) : (['torch', 'fast', 'ours'] as const);
    for (const side of order) await measure(c, side, c.calls, true);
  }
  process.stdout.write(`\r  repetition ${rep + 1}/${reps}`);
}
process.stdout.write('\n');
const tensorsAfterTiming = tf.memory().numTensors;
peer?.close();

interface CaseResult {
  readonly model: ModelName;
  readonly widths: string;
  readonly batch: number;
  readonly calls: number;
  readonly oursMs: number;
  readonly torchMs: number | null;
  /** Median of per-repetition torch / ours (> 1 = ours faster). */
  readonly ratio: number | null;
  /** fastPredict's median call, and torch / fastPredict. */
  readonly fastMs: number;
  readonly fastRatio: number | null;
  /** predict / fastPredict (> 1 = the fast path is faster). */
  readonly fastSpeedUp: number;
  readonly repsOursMs: readonly number[];
  readonly repsFastMs: readonly number[];
  readonly repsTorchMs: readonly number[];
}
const hasPeer = peer !== null;
const results: CaseResult[] = cases.map((c) => ({
  model: c.model,
  widths: widthsOf[c.model].join('-'),
  batch: c.batch,
  calls: c.calls,
  oursMs: median(c.ours),
  torchMs: hasPeer ? median(c.torch) : null,
  ratio: hasPeer ? medianRatio(c.torch, c.ours) : null,
  fastMs: median(c.fast),
  fastRatio: hasPeer ? medianRatio(c.torch, c.fast) : null,
  fastSpeedUp: medianRatio(c.ours, c.fast),
  repsOursMs: c.ours,
  repsFastMs: c.fast,
  repsTorchMs: c.torch,
}));
const caseOf = (model: ModelName, batch: number): Case | undefined => cases.find((c) => c.model === model && c.batch === batch);
/** Speed-up dense / compacted per batch size: medians of per-repetition ratios. */
const speedUps = batches.map((batch) => {
  const d = caseOf('dense', batch);
  const s = caseOf('compacted', batch);
  return {
    batch,
    ours: medianRatio(d?.ours ?? [], s?.ours ?? []),
    torch: hasPeer ? medianRatio(d?.torch ?? [], s?.torch ?? []) : null,
  };
});

printTable(
  `predict latency on ${runtime.backend} vs torch (1 thread): median over ${reps} repetitions of the repetition's median call, ms`,
  ['model', 'widths', 'batch', 'calls', 'predict ms', 'fastPredict ms', 'torch ms', 'torch/predict', 'torch/fast', 'predict/fast'],
  results.map((r) => [
    r.model,
    r.widths,
    String(r.batch),
    String(r.calls),
    fmt(r.oursMs),
    fmt(r.fastMs),
    fmt(r.torchMs ?? undefined),
    r.ratio === null ? 'n/a' : `${fmt(r.ratio)}x`,
    r.fastRatio === null ? 'n/a' : `${fmt(r.fastRatio)}x`,
    `${fmt(r.fastSpeedUp)}x`,
  ]),
);
printTable(
  'speed-up of the compacted model (dense ms / compacted ms, median of per-repetition ratios)',
  ['batch', 'ours', 'torch'],
  speedUps.map((s) => [String(s.batch), `${fmt(s.ours)}x`, s.torch === null ? 'n/a' : `${fmt(s.torch)}x`]),
);

// Disposal: nothing may remain from the models, the inputs or the calls.
for (const x of inputs) x.dispose();
fastModels.dense.dispose();
fastModels.compacted.dispose();
compacted.dispose();
dense.dispose();
const tensorsAtEnd = tf.memory().numTensors;
console.log(
  `\ntensors: ${tensorsBeforeTiming} before timing, ${tensorsAfterTiming} after; ${tensorsAtStart} at start, ${tensorsAtEnd} at end (models and inputs disposed)`,
);
if (tensorsAfterTiming > tensorsBeforeTiming || tensorsAtEnd > tensorsAtStart) {
  exitOnError(new Error(`tensors leaked: ${tensorsBeforeTiming} → ${tensorsAfterTiming} across the timing, ${tensorsAtStart} → ${tensorsAtEnd} overall`));
}

/** Rows for `pnpm bench`'s summary (ratio = peer time / our time). */
const summary = [
  ...results.map((r) => ({
    name: `predict ${r.model} ${r.widths}, batch ${r.batch}`,
    ours: r.oursMs,
    ...(r.torchMs === null ? {} : { peer: r.torchMs }),
    unit: 'ms',
    ...(r.ratio === null ? {} : { ratio: r.ratio }),
  })),
  ...results.map((r) => ({
    name: `fastPredict ${r.model} ${r.widths}, batch ${r.batch}`,
    ours: r.fastMs,
    ...(r.torchMs === null ? {} : { peer: r.torchMs }),
    unit: 'ms',
    ...(r.fastRatio === null ? {} : { ratio: r.fastRatio }),
  })),
  ...speedUps.map((s) => ({
    name: `speed-up compacted vs dense, batch ${s.batch} (dense / compacted)`,
    ours: s.ours,
    ...(s.torch === null ? {} : { peer: s.torch }),
    unit: 'x',
  })),
];

const machineAfter = machineInfo();
const path = writeResults('compaction', {
  benchmark: 'compaction',
  date: new Date().toISOString(),
  machine: { ...machineAfter, loadAverageBefore: machineBefore.loadAverage },
  backend: runtime.backend,
  method:
    'predict(x, { batchSize: batch }) + dataSync in tf.tidy, and fastPredict(model).predict(x) + dataSync in tf.tidy, vs torch model(x) under no_grad, 1 thread; ' +
    'per repetition the median of N calls, figure = median over repetitions; ratios = medians of per-repetition ratios',
  config: { reps, batches, calls: batches.map((_, i) => callsAt(i)), seed: SEED, quick },
  models: {
    dense: { widths: DENSE_WIDTHS, alive, parameters: compaction.parameters.before, flopsPerExample: compaction.flops.before },
    compacted: { widths: compactedWidths, parameters: compaction.parameters.after, flopsPerExample: compaction.flops.after, layers: compaction.layers },
  },
  check: { maxAbsDiff, fastMaxAbsDiff, tolerance: TOLERANCE, peerMaxAbsDiff: peerBuild?.maxAbsDiff ?? null },
  tensors: { atStart: tensorsAtStart, beforeTiming: tensorsBeforeTiming, afterTiming: tensorsAfterTiming, atEnd: tensorsAtEnd },
  peer: python === null ? { skipped: torchMissingReason } : { python: python.executable, torch: python.torchVersion },
  results,
  speedUps,
  summary,
});
console.log(`\nload average after: ${machineAfter.loadAverage.join(' ')}; results: ${path}`);
