/**
 * Spec D.6 on Fashion-MNIST: pretrain an MLP 784-256-256-10 on classes 0–4, fine-tune it on all
 * 10 classes with tiny (Adam 1e-5), small (Adam 1e-4) and large (Adam 1e-2) deltas and with AdamR-L2, then prune
 * the deltas: DARE, DropOnly, magnitude DPP over a grid of drop rates, and DAREx-q at p = 0.99
 * with q chosen three ways (labelled validation search, label-free output change, analytical
 * per-layer q). The head is kept dense (excluded). Writes docs/results/delta.md and its SVGs.
 *
 *   pnpm build && pnpm --filter @sparse/examples run delta-results     # on the packages' dist/
 *   pnpm tsx --tsconfig examples/delta/tsconfig.json examples/delta/experiment.ts   # on their sources, no build
 *
 * Options: --data DIR (the four Fashion-MNIST .gz files; default /work/shared/datasets/
 * fashion-mnist, or 'bundled' for the 6,000-image subset), --out FILE (default
 * docs/results/delta.md), --quick (1 epoch everywhere, 2 seeds: a smoke run, ~3 minutes).
 * About 5 minutes on one core with the wasm backend (the report records the time).
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { Random, createRuntime, deriveSeed } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { loadFashionMnist, selectExamples, splitValidation, type ImageSet } from '@sparse/datasets';
import { writeMarkdownReport } from '@sparse/experiments';
import {
  adamR,
  analyticalQMap,
  meanAbsoluteChange,
  outputChangeObjective,
  pruneDeltas,
  searchQ,
  sparsifyDeltas,
  type DeltaPruneOptions,
} from '@sparse/delta';
import { accuracy, createMlp, fit, hiddenOutput, initialWeights, inputMeans, onlyClasses, type Weights } from './mlp.js';
import { buildReport, type Results, type RegimeResult } from './report.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] !== undefined ? (argv[index + 1] as string) : fallback;
};
const quick = argv.includes('--quick');
const dataDir = flag('data', '/work/shared/datasets/fashion-mnist');
const outPath = flag('out', fileURLToPath(new URL('../../docs/results/delta.md', import.meta.url)));

const SEED = 0;
const DROP_SEEDS = quick ? [0, 1] : [0, 1, 2, 3];
const RATES = [0.5, 0.7, 0.9, 0.95, 0.99];
const BATCH = 128;
const PRETRAIN_EPOCHS = quick ? 1 : 3;
const Q_RATE = 0.99;

const started = performance.now();
const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);

const runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
const source = dataDir === 'bundled' ? 'bundled' : { dir: dataDir };
const { train: all, test } = await loadFashionMnist({ source });
const { train: fitSet, validation } = splitValidation(all, { validationSize: Math.round(all.count / 12), seed: SEED });
const calibration = selectExamples(fitSet, new Random(deriveSeed(SEED, 'calibration')).shuffle(Int32Array.from({ length: fitSet.count }, (_, i) => i)).subarray(0, 512));
const pretrainSet = onlyClasses(fitSet, [0, 1, 2, 3, 4]);
log(`backend ${runtime.backend}; ${fitSet.count} training, ${validation.count} validation, ${test.count} test images; pretraining on ${pretrainSet.count} (classes 0–4)`);

// One model to evaluate any weights with.
const evaluator = createMlp(initialWeights(SEED));
const testAccuracy = (weights: Weights, set: ImageSet = test) => {
  evaluator.write(weights);
  return accuracy(evaluator, set);
};

// Pretraining.
const pretrained = createMlp(initialWeights(SEED));
await fit(pretrained, pretrainSet, { optimizer: tf.train.adam(1e-3), epochs: PRETRAIN_EPOCHS, batchSize: BATCH, seed: deriveSeed(SEED, 'pretrain') });
const base = pretrained.read();
pretrained.dispose();
const baseAccuracy = testAccuracy(base);
const baseAccuracyOld = testAccuracy(base, onlyClasses(test, [0, 1, 2, 3, 4]));
log(`pretrained: ${(100 * baseAccuracyOld).toFixed(2)}% on classes 0–4, ${(100 * baseAccuracy).toFixed(2)}% on all 10`);

interface Regime {
  readonly id: string;
  readonly label: string;
  readonly epochs: number;
  readonly optimizer: (variables: readonly tf.Variable[]) => tf.Optimizer;
}

const REGIMES: readonly Regime[] = [
  { id: 'tiny', label: 'tiny deltas: Adam lr 1e-5', epochs: quick ? 1 : 2, optimizer: () => tf.train.adam(1e-5) },
  { id: 'small', label: 'small deltas: Adam lr 1e-4', epochs: quick ? 1 : 2, optimizer: () => tf.train.adam(1e-4) },
  { id: 'large', label: 'large deltas: Adam lr 1e-2', epochs: quick ? 1 : 3, optimizer: () => tf.train.adam(1e-2) },
  ...[1e-2, 1e-1].map((lambda) => ({
    id: `adamr-${lambda}`,
    label: `AdamR-L2 λ = ${lambda}: lr 1e-2`,
    epochs: quick ? 1 : 3,
    optimizer: (variables: readonly tf.Variable[]) => adamR({ learningRate: 1e-2, lambda, penalty: 'l2', reference: variables }),
  })),
];

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const std = (values: readonly number[]) => {
  const m = mean(values);
  return values.length < 2 ? 0 : Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
};

async function prunedAccuracy(tuned: Weights, options: Omit<DeltaPruneOptions, 'seed'>, seeds: readonly number[], set: ImageSet = test): Promise<number[]> {
  const out: number[] = [];
  for (const seed of seeds) out.push(testAccuracy((await pruneDeltas(base, tuned, { ...options, seed })).tensors, set));
  return out;
}

function deltaStats(tuned: Weights): { meanAbs: number; maxAbs: number; rms: number; headMeanAbs: number } {
  let sum = 0;
  let squares = 0;
  let max = 0;
  let count = 0;
  let head = 0;
  let headCount = 0;
  for (const [name, values] of tuned) {
    const b = base.get(name) as Float32Array;
    for (let i = 0; i < values.length; i++) {
      const d = Math.abs((values[i] as number) - (b[i] as number));
      if (name.startsWith('head')) {
        head += d;
        headCount++;
        continue;
      }
      sum += d;
      squares += d * d;
      max = Math.max(max, d);
      count++;
    }
  }
  return { meanAbs: sum / count, maxAbs: max, rms: Math.sqrt(squares / count), headMeanAbs: head / headCount };
}

async function chooseQ(tuned: Weights): Promise<RegimeResult['darex']> {
  const evaluator2 = createMlp(tuned);
  const reference = hiddenOutput(evaluator2, calibration);
  const means = inputMeans(evaluator2, calibration);
  evaluator2.dispose();
  const change = async (options: Omit<DeltaPruneOptions, 'seed'>, seed: number) => {
    evaluator.write((await pruneDeltas(base, tuned, { ...options, seed })).tensors);
    return meanAbsoluteChange(reference, hiddenOutput(evaluator, calibration));
  };
  // q from 1 − p (DARE itself is a candidate) to 0.5, steps of 0.01 then 0.001.
  const grid = { lower: 1 - Q_RATE, upper: 0.5, step: 0.01 };
  // 1. Labelled: validation accuracy of the pruned model, one drop seed (DAREx find_q_encoder).
  const byValidation = await searchQ({
    ...grid,
    objective: async (q) => (await prunedAccuracy(tuned, { rate: Q_RATE, rescale: { q } }, [0], validation))[0] as number,
  });
  // 2. Label-free: output change of the last hidden layer on 512 unlabeled images, 4 seeds without the outlier.
  const byOutputChange = await searchQ({ ...grid, objective: outputChangeObjective((q, seed) => change({ rate: Q_RATE, rescale: { q } }, seed), DROP_SEEDS) });
  // 3. Analytical per-layer q, η chosen by the same label-free objective.
  const layer = (name: 'fc1' | 'fc2', inputs: number, inputMean: Float32Array) => {
    const kernel = tuned.get(`${name}/kernel`) as Float32Array;
    const bias = tuned.get(`${name}/bias`) as Float32Array;
    const baseKernel = base.get(`${name}/kernel`) as Float32Array;
    const baseBias = base.get(`${name}/bias`) as Float32Array;
    return {
      name: `${name}/kernel`,
      delta: kernel.map((v, i) => v - (baseKernel[i] as number)),
      inputs,
      outputs: 256,
      inputMean,
      biasName: `${name}/bias`,
      biasDelta: bias.map((v, i) => v - (baseBias[i] as number)),
    };
  };
  const layers = [layer('fc1', 784, means.fc1), layer('fc2', 256, means.fc2)];
  const qMap = (eta: number) => analyticalQMap(layers, { rate: Q_RATE, eta });
  // η on a log grid: log10 η from -1 to 3 in steps of 0.25, then 0.025.
  const byEta = await searchQ({ lower: -1, upper: 3, step: 0.25, objective: outputChangeObjective((t, seed) => change({ rate: Q_RATE, rescale: { q: qMap(10 ** t) } }, seed), DROP_SEEDS) });
  const eta = 10 ** byEta.best;
  const analytical = qMap(eta);

  const evaluate = async (rescale: DeltaPruneOptions['rescale']) => prunedAccuracy(tuned, { rate: Q_RATE, ...(rescale === undefined ? {} : { rescale }) }, DROP_SEEDS);
  const dare = await evaluate('dare');
  const validationQ = await evaluate({ q: byValidation.best });
  const outputQ = await evaluate({ q: byOutputChange.best });
  const analyticalAcc = await evaluate({ q: analytical });
  const outputChangeOf = async (rescale: DeltaPruneOptions['rescale']) => {
    const changes: number[] = [];
    for (const seed of DROP_SEEDS) changes.push(await change({ rate: Q_RATE, ...(rescale === undefined ? {} : { rescale }) }, seed));
    return mean(changes);
  };
  return {
    rate: Q_RATE,
    rows: [
      { method: 'DARE (q = 1 − p = 0.01)', q: '0.01', accuracy: dare, outputChange: await outputChangeOf('dare'), evaluations: 0 },
      { method: 'DAREx-q, q by validation accuracy (labels)', q: byValidation.best.toFixed(3), accuracy: validationQ, outputChange: await outputChangeOf({ q: byValidation.best }), evaluations: byValidation.evaluations.length },
      { method: 'DAREx-q, q by output change (no labels)', q: byOutputChange.best.toFixed(3), accuracy: outputQ, outputChange: await outputChangeOf({ q: byOutputChange.best }), evaluations: byOutputChange.evaluations.length },
      {
        method: `DAREx-q, analytical per-layer q (η = ${+eta.toPrecision(3)} by output change)`,
        q: [...analytical].filter(([name]) => name.endsWith('kernel')).map(([name, q]) => `${name.split('/')[0]}: ${q.toFixed(3)}`).join(', '),
        accuracy: analyticalAcc,
        outputChange: await outputChangeOf({ q: analytical }),
        evaluations: byEta.evaluations.length,
      },
    ],
  };
}

/** Spec D.2 on the real delta: one hidden unit of fc2, Δh over many drop seeds vs the formulas. */
async function varianceCheck(tuned: Weights): Promise<Results['varianceCheck']> {
  const model = createMlp(tuned);
  const { fc2: x } = inputMeans(model, calibration);
  model.dispose();
  const kernel = tuned.get('fc2/kernel') as Float32Array;
  const baseKernel = base.get('fc2/kernel') as Float32Array;
  const unit = 7;
  const delta = Float32Array.from({ length: 256 }, (_, j) => (kernel[j * 256 + unit] as number) - (baseKernel[j * 256 + unit] as number));
  const c = delta.map((d, j) => d * (x[j] as number));
  const sumC = c.reduce((a, b) => a + b, 0);
  const sumC2 = c.reduce((a, b) => a + b * b, 0);
  const rows: Results['varianceCheck'][number][] = [];
  for (const [rate, q] of [[0.5, 0.5], [0.9, 0.1], [0.99, 0.01], [0.99, 0.1]] as const) {
    const changes: number[] = [];
    let dropped = 0;
    const seeds = 5000;
    for (let seed = 0; seed < seeds; seed++) {
      const { tensors, report } = await sparsifyDeltas(new Map([['fc2/unit7', delta]]), { rate, rescale: { q }, seed });
      const pruned = tensors.get('fc2/unit7') as Float32Array;
      let h = 0;
      for (let j = 0; j < 256; j++) h += (c[j] as number) - (pruned[j] as number) * (x[j] as number);
      changes.push(h);
      dropped += report.droppedElements;
    }
    rows.push({
      rate,
      q,
      realizedRate: dropped / (seeds * 256),
      mean: mean(changes),
      expectedMean: (1 - (1 - rate) / q) * sumC,
      variance: std(changes) ** 2,
      expectedVariance: (((1 - rate) * rate) / (q * q)) * sumC2,
      seeds,
    });
  }
  return rows;
}

const regimes: RegimeResult[] = [];
let variance: Results['varianceCheck'] = [];
for (const regime of REGIMES) {
  const model = createMlp(base);
  const variables = model.parameters.map((p) => p.variable);
  const optimizer = regime.optimizer(variables);
  await fit(model, fitSet, {
    optimizer,
    epochs: regime.epochs,
    batchSize: BATCH,
    seed: deriveSeed(SEED, 'finetune'),
    onEpoch: (epoch, loss) => log(`${regime.id}: epoch ${epoch + 1}/${regime.epochs}, loss ${loss.toFixed(4)}`),
  });
  optimizer.dispose();
  const tuned = model.read();
  model.dispose();
  const tunedAccuracy = testAccuracy(tuned);
  const stats = deltaStats(tuned);
  log(`${regime.id}: fine-tuned ${(100 * tunedAccuracy).toFixed(2)}%, mean |δ| ${stats.meanAbs.toExponential(2)}, max |δ| ${stats.maxAbs.toFixed(4)}`);
  const curves: RegimeResult['curves'] = { dare: [], dropOnly: [], magnitude: [], magnitudeDare: [] };
  for (const rate of RATES) {
    curves.dare.push({ rate, accuracy: await prunedAccuracy(tuned, { rate }, DROP_SEEDS) });
    curves.dropOnly.push({ rate, accuracy: await prunedAccuracy(tuned, { rate, rescale: 'none' }, DROP_SEEDS) });
    curves.magnitude.push({ rate, accuracy: await prunedAccuracy(tuned, { rate, method: 'magnitude' }, [0]) });
    curves.magnitudeDare.push({ rate, accuracy: await prunedAccuracy(tuned, { rate, method: 'magnitude', rescale: 'dare' }, [0]) });
    const last = (curve: RegimeResult['curves']['dare']) => mean(curve.at(-1)?.accuracy ?? [Number.NaN]);
    log(`${regime.id}: p=${rate} DARE ${(100 * last(curves.dare)).toFixed(2)}%, DropOnly ${(100 * last(curves.dropOnly)).toFixed(2)}%, magnitude ${(100 * last(curves.magnitude)).toFixed(2)}%`);
  }
  const darex = await chooseQ(tuned);
  for (const row of darex.rows) log(`${regime.id}: p=0.99 ${row.method}: q ${row.q}, ${(100 * mean(row.accuracy)).toFixed(2)}%`);
  if (regime.id === 'small') variance = await varianceCheck(tuned);
  regimes.push({ id: regime.id, label: regime.label, epochs: regime.epochs, tunedAccuracy, stats, curves, darex });
}
evaluator.dispose();

const results: Results = {
  quick,
  data: dataDir,
  trainCount: fitSet.count,
  validationCount: validation.count,
  testCount: test.count,
  pretrainCount: pretrainSet.count,
  pretrainEpochs: PRETRAIN_EPOCHS,
  baseAccuracy,
  baseAccuracyOld,
  seeds: DROP_SEEDS,
  regimes,
  varianceCheck: variance,
  seconds: (performance.now() - started) / 1000,
  backend: runtime.backend,
};
const written = await writeMarkdownReport(outPath, buildReport(results));
log(`wrote ${written.map((file) => relative(process.cwd(), file)).join(', ')}`);
