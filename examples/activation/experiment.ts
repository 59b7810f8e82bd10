/**
 * Activation-sparsity experiments of @sparse/activation on Fashion-MNIST (issue #6), and the
 * report docs/results/activation.md (+ SVG plots) they produce.
 *
 *   pnpm --filter @sparse/activation experiment                 # full run, writes docs/results/activation.md
 *   pnpm --filter @sparse/activation experiment -- --quick      # smoke test on the bundled subset, writes to a temp folder
 *
 * Options: --data DIR|bundled (default /work/shared/datasets/fashion-mnist, or $FASHION_MNIST_DIR),
 * --out FILE.md, --seed N, --backend wasm|cpu, --thresholds DIR (where threshold files are saved;
 * default a temp folder).
 *
 * 1. Gated MLP (SwiGLU, d=128, hidden 512, 3 blocks), trained dense; CATS / CHESS calibrated on
 *    2,000 training images at 50/70/90 %; accuracy, realized sparsity per layer, block-output
 *    error and skippable FLOPs on the 10,000 test images; CATS fine-tuning for one epoch.
 * 2. Vision transformer (16 patches of 7x7, d=64, 2 layers, 4 heads, SwiGLU 128), trained dense;
 *    CATS and CHESS on the MLPs, CHESS+ (plus the attention's q and o inputs).
 * 3. Lazy neurons: a 2-layer ReLU MLP at widths 256 and 1024, % nonzero hidden activations per
 *    epoch; top-k at inference on the wide one.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { Random, createRuntime, deriveSeed, train } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { createBatchLoader, loadFashionMnist, selectExamples, type ImageSet } from '@sparse/datasets';
import { writeMarkdownReport } from '@sparse/experiments';
import {
  ActivationRecorder,
  computeThresholds,
  createGatedMlp,
  createReluMlp,
  createSparsityMeter,
  createVisionTransformer,
  denseHook,
  evaluateModel,
  fineTuneWithThresholds,
  saveThresholds,
  skippableFlops,
  thresholdHook,
  type ActivationHook,
  type ActivationModel,
  type ThresholdOptions,
} from '@sparse/activation';
import { buildReport, type ExperimentResults, type MethodResult, type PhaseTime } from './report.js';

const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'), // pnpm passes the -- through
  options: {
    data: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string', default: '0' },
    backend: { type: 'string', default: 'wasm' },
    thresholds: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const quick = flags.quick === true;
const seed = Number(flags.seed);
const dataDir = flags.data ?? (quick ? 'bundled' : (process.env['FASHION_MNIST_DIR'] ?? '/work/shared/datasets/fashion-mnist'));
const repoRoot = resolve(new URL('../..', import.meta.url).pathname);
const out = resolve(flags.out ?? (quick ? join(await mkdtemp(join(tmpdir(), 'activation-quick-')), 'activation.md') : join(repoRoot, 'docs/results/activation.md')));
const thresholdsDir = flags.thresholds === undefined ? await mkdtemp(join(tmpdir(), 'activation-thresholds-')) : resolve(flags.thresholds);
await mkdir(thresholdsDir, { recursive: true });

const settings = {
  batchSize: 128,
  calibrationSize: quick ? 500 : 2000,
  calibrationBatch: 100,
  targets: [0.5, 0.7, 0.9],
  mlp: { dModel: 128, hidden: 512, blocks: 3, epochs: quick ? 1 : 6, lr: 1e-3 },
  vit: { patch: 7, dModel: 64, heads: 4, layers: 2, hidden: 128, epochs: quick ? 1 : 5, lr: 2e-3 },
  lazy: { widths: [256, 1024], epochs: quick ? 2 : 10, lr: 1e-3, topK: [128, 64, 32, 16] },
  fineTune: { epochs: 1, lrs: [5e-5, 2e-4] },
};

const phases: PhaseTime[] = [];
async function phase<T>(name: string, run: () => Promise<T> | T): Promise<T> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  console.log(`▶ ${name}`);
  const result = await run();
  const used = process.cpuUsage(cpu);
  const time = { name, cpuSeconds: (used.user + used.system) / 1e6, wallSeconds: (performance.now() - wall) / 1000 };
  phases.push(time);
  console.log(`  done in ${time.cpuSeconds.toFixed(1)} s CPU, ${time.wallSeconds.toFixed(1)} s wall`);
  return result;
}

const runtime = await createRuntime({ backend: flags.backend ?? 'wasm', plugins: [wasmBackend()] });
const data = await loadFashionMnist(dataDir === 'bundled' ? {} : { source: { dir: dataDir } });
const order = new Random(deriveSeed(seed, 'calibration-subset')).shuffle(Int32Array.from({ length: data.train.count }, (_, i) => i));
const calibration = selectExamples(data.train, order.subarray(0, settings.calibrationSize));
console.log(`backend ${runtime.backend}; ${data.train.count} training and ${data.test.count} test images; calibration: ${calibration.count} training images`);

function setLearningRate(optimizer: tf.Optimizer, value: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = value;
}

/** Trains a model dense with Adam and a cosine learning rate; test accuracy after each epoch. */
async function trainDense(name: string, model: ActivationModel, epochs: number, lr: number, perEpoch?: (epoch: number) => void): Promise<{ epoch: number; accuracy: number }[]> {
  const loader = createBatchLoader(data.train, { batchSize: settings.batchSize, seed: deriveSeed(seed, 'batches', name) });
  const optimizer = tf.train.adam(lr);
  const total = epochs * loader.stepsPerEpoch;
  const history: { epoch: number; accuracy: number }[] = [];
  await train({
    parameters: model.parameters,
    loss: ({ x, y }) => tf.losses.softmaxCrossEntropy(y, model.forward(x)) as tf.Scalar,
    optimizer,
    batches: (epoch) => loader.epoch(epoch),
    epochs,
    disposeBatches: true,
    hooks: {
      onStepEnd: ({ step }) => setLearningRate(optimizer, lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * Math.min(step + 1, total)) / total)))),
      onEpochEnd: ({ epoch }) => {
        const accuracy = evaluateModel(model, data.test).accuracy;
        history.push({ epoch: epoch + 1, accuracy });
        console.log(`  ${name} epoch ${epoch + 1}/${epochs}: test accuracy ${(100 * accuracy).toFixed(2)} %`);
        perEpoch?.(epoch + 1);
      },
    },
  });
  optimizer.dispose();
  loader.dispose();
  return history;
}

/** Accuracy, realized sparsity per site, block errors and skippable FLOPs of a hook on a set. */
function measure(model: ActivationModel, hook: ActivationHook, set: ImageSet, blockErrors: boolean) {
  const meter = createSparsityMeter(hook, { blockErrors });
  const evaluation = evaluateModel(model, set, { hook: meter });
  const report = meter.report();
  return { accuracy: evaluation.accuracy, sites: report.sites, blocks: report.blocks, flops: skippableFlops(model.sites, report, model.flopsPerExample) };
}

interface Variant {
  readonly label: string;
  readonly options: Omit<ThresholdOptions, 'target'>;
}

/** Calibrates each variant at each target and measures it on the test set (and on the calibration set). */
async function sparsityGrid(prefix: string, model: ActivationModel, recorder: ActivationRecorder, variants: readonly Variant[], denseAccuracy: number): Promise<MethodResult[]> {
  const results: MethodResult[] = [];
  for (const variant of variants) {
    for (const target of settings.targets) {
      const file = computeThresholds(recorder, { ...variant.options, target, samples: calibration.count });
      await saveThresholds(join(thresholdsDir, `${prefix}-${variant.label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${Math.round(100 * target)}.json`), file);
      const hook = thresholdHook(file);
      const test = measure(model, hook, data.test, true);
      const calib = measure(model, hook, calibration, false);
      hook.dispose();
      results.push({
        method: variant.label,
        target,
        accuracy: test.accuracy,
        drop: denseAccuracy - test.accuracy,
        testSparsity: test.sites.filter((s) => s.site in file.layers).map((s) => ({ site: s.site, sparsity: s.sparsity })),
        calibrationSparsity: calib.sites.filter((s) => s.site in file.layers).map((s) => ({ site: s.site, sparsity: s.sparsity })),
        blockErrors: test.blocks.map((b) => ({ block: b.block, relativeError: b.relativeError })),
        skippableFraction: test.flops.skippableFraction,
      });
      console.log(`  ${prefix} ${variant.label} @ ${target}: accuracy ${(100 * test.accuracy).toFixed(2)} %, sparsity ${test.sites.map((s) => s.sparsity.toFixed(3)).join(' ')}`);
    }
  }
  return results;
}

function snapshot(model: ActivationModel): () => void {
  const saved = model.parameters.map((p) => tf.clone(p.variable));
  return () => {
    model.parameters.forEach((p, i) => p.variable.assign(saved[i] as tf.Tensor));
    for (const t of saved) t.dispose();
  };
}

// ---------------------------------------------------------------- 1. gated MLP
const mlp = createGatedMlp({ ...settings.mlp, seed: deriveSeed(seed, 'init', 'gated-mlp') });
const mlpHistory = await phase('gated MLP: dense training', () => trainDense('gated-mlp', mlp, settings.mlp.epochs, settings.mlp.lr));
const mlpDense = await phase('gated MLP: dense evaluation', () => measure(mlp, denseHook, data.test, false));
const mlpRecorder = new ActivationRecorder({ seed, histogram: true });
await phase('gated MLP: calibration pass', () => evaluateModel(mlp, calibration, { hook: mlpRecorder, batchSize: settings.calibrationBatch }));
const mlpVariants: Variant[] = [
  { label: 'CATS', options: { method: 'cats' } },
  { label: 'CATS histogram', options: { method: 'cats', quantile: 'histogram' } },
  { label: 'CATS per channel', options: { method: 'cats', granularity: 'channel' } },
  { label: 'CHESS', options: { method: 'chess' } },
  { label: 'CHESS mean of batches', options: { method: 'chess', aggregate: 'mean-of-batches' } },
];
const mlpResults = await phase('gated MLP: thresholds at 50/70/90 % and test evaluation', () => sparsityGrid('mlp', mlp, mlpRecorder, mlpVariants, mlpDense.accuracy));

const reluSwap = await phase('gated MLP: naive ReLU swap (no fine-tuning)', () => {
  const swapped = createGatedMlp({ ...settings.mlp, seed: 0, gateActivation: 'relu' });
  swapped.parameters.forEach((p, i) => p.variable.assign((mlp.parameters[i] as (typeof mlp.parameters)[number]).variable));
  const measured = measure(swapped, denseHook, data.test, false);
  swapped.dispose();
  console.log(`  ReLU swap: accuracy ${(100 * measured.accuracy).toFixed(2)} %, sparsity ${measured.sites.map((s) => s.sparsity.toFixed(3)).join(' ')}`);
  return { accuracy: measured.accuracy, sparsity: measured.sites.map((s) => s.sparsity), skippableFraction: measured.flops.skippableFraction };
});

const fineTuned = await phase('gated MLP: CATS fine-tuning (1 epoch per target and learning rate)', async () => {
  const rows: { target: number; lr: number; before: number; after: number; sparsity: number[] }[] = [];
  for (const lr of settings.fineTune.lrs) {
    for (const target of settings.targets) {
      const restore = snapshot(mlp);
      const file = computeThresholds(mlpRecorder, { method: 'cats', target, samples: calibration.count });
      const hook = thresholdHook(file);
      const before = evaluateModel(mlp, data.test, { hook }).accuracy;
      const loader = createBatchLoader(data.train, { batchSize: settings.batchSize, seed: deriveSeed(seed, 'batches', `fine-tune-${target}`) });
      const optimizer = tf.train.adam(lr);
      await fineTuneWithThresholds({ model: mlp, hook, optimizer, batches: (epoch) => loader.epoch(epoch), epochs: settings.fineTune.epochs, disposeBatches: true });
      const after = measure(mlp, hook, data.test, false);
      rows.push({ target, lr, before, after: after.accuracy, sparsity: after.sites.map((s) => s.sparsity) });
      console.log(`  fine-tuned CATS @ ${target}, lr ${lr}: ${(100 * before).toFixed(2)} → ${(100 * after.accuracy).toFixed(2)} %`);
      optimizer.dispose();
      loader.dispose();
      hook.dispose();
      restore();
    }
  }
  return rows;
});
mlpRecorder.reset();

// ---------------------------------------------------------------- 2. vision transformer
const vit = createVisionTransformer({ ...settings.vit, seed: deriveSeed(seed, 'init', 'vit') });
const vitHistory = await phase('ViT: dense training', () => trainDense('vit', vit, settings.vit.epochs, settings.vit.lr));
const vitDense = await phase('ViT: dense evaluation', () => measure(vit, denseHook, data.test, false));
const vitRecorder = new ActivationRecorder({ seed });
await phase('ViT: calibration pass', () => evaluateModel(vit, calibration, { hook: vitRecorder, batchSize: settings.calibrationBatch }));
const gateSites = vit.sites.filter((s) => s.kind === 'gate').map((s) => s.name);
const vitResults = await phase('ViT: thresholds at 50/70/90 % and test evaluation', () =>
  sparsityGrid(
    'vit',
    vit,
    vitRecorder,
    [
      { label: 'CATS (MLP)', options: { method: 'cats', sites: gateSites } },
      { label: 'CHESS (MLP)', options: { method: 'chess', sites: gateSites } },
      { label: 'CATS (MLP + attention)', options: { method: 'cats' } },
      { label: 'CHESS+', options: { method: 'chess-plus' } },
    ],
    vitDense.accuracy,
  ),
);
vitRecorder.reset();

// ---------------------------------------------------------------- 3. lazy neurons
const lazy = await phase('lazy neurons: ReLU MLPs at two widths', async () => {
  const trainProbe = selectExamples(data.train, order.subarray(settings.calibrationSize, settings.calibrationSize + Math.min(5000, data.train.count - settings.calibrationSize)));
  const series: { width: number; points: { epoch: number; testNonzero: number; trainNonzero: number; accuracy: number }[]; topK: { k: number; accuracy: number }[] }[] = [];
  for (const width of settings.lazy.widths) {
    const model = createReluMlp({ hidden: [width], seed: deriveSeed(seed, 'init', `relu-${width}`) });
    const nonzero = (set: ImageSet) => 1 - measure(model, denseHook, set, false).sites.reduce((s, site) => s + site.sparsity, 0) / model.sites.length;
    const points = [{ epoch: 0, testNonzero: nonzero(data.test), trainNonzero: nonzero(trainProbe), accuracy: evaluateModel(model, data.test).accuracy }];
    await trainDense(`relu-${width}`, model, settings.lazy.epochs, settings.lazy.lr, (epoch) => {
      points.push({ epoch, testNonzero: nonzero(data.test), trainNonzero: nonzero(trainProbe), accuracy: evaluateModel(model, data.test).accuracy });
      console.log(`  width ${width} epoch ${epoch}: ${(100 * (points.at(-1)?.testNonzero ?? 0)).toFixed(1)} % nonzero`);
    });
    const topK = width === Math.max(...settings.lazy.widths)
      ? settings.lazy.topK.map((k) => {
          const hook = thresholdHook({ hidden0: { k } });
          const accuracy = evaluateModel(model, data.test, { hook }).accuracy;
          hook.dispose();
          return { k, accuracy };
        })
      : [];
    series.push({ width, points, topK });
    model.dispose();
  }
  return series;
});

const results: ExperimentResults = {
  settings: { ...settings, seed, data: dataDir, backend: runtime.backend, calibrationCount: calibration.count, trainCount: data.train.count, testCount: data.test.count, quick },
  mlp: { history: mlpHistory, denseAccuracy: mlpDense.accuracy, naturalSparsity: mlpDense.sites.map((s) => s.sparsity), results: mlpResults, reluSwap, fineTuned, flopsPerExample: mlp.flopsPerExample },
  vit: { history: vitHistory, denseAccuracy: vitDense.accuracy, results: vitResults, flopsPerExample: vit.flopsPerExample },
  lazy,
  phases,
};
await writeFile(join(thresholdsDir, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
const written = await writeMarkdownReport(out, buildReport(results));
console.log(`wrote ${written.join(', ')}`);
console.log(`threshold files and results.json (the raw numbers) in ${thresholdsDir}`);
mlp.dispose();
vit.dispose();
