/**
 * Gradual magnitude pruning to 90 % inside core's training loop (Issue #3, script b): the
 * plain-variable MLP 784-300-100-10 trained by `train()` from @sparse/core, which wraps Adam with
 * `withMasks`, and prunes it with a magnitude scorer, an exact-count layerwise pruner and the
 * Zhu–Gupta cubic schedule (`cubicSparsity`, the same numbers as the tfmot PolynomialDecay of
 * gradual-fit.ts). The dense baseline is the same network and data order without pruning.
 *
 *   pnpm exec tsx examples/toolkit/gradual-core.ts [--epochs 3] [--seeds 2] [--data DIR | --quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import { createPruner, cubicSparsity, magnitudeScorer, type SparsityScope } from '@sparse/core';
import { formatTable } from '@sparse/experiments';
import { createContext, isMain, type Context } from './context.js';
import { runCore } from './core-run.js';
import { trainBatches } from './data.js';
import { log } from './log.js';
import { maskStats } from './mask-stats.js';
import { createMlp, initialWeights, type Mlp } from './mlp.js';
import type { RunSummary } from './run-summary.js';
import { gradualPlan } from './settings.js';

export const GRADUAL_SPARSITY = 0.9;

/** A dense run whose trained network and optimizer the caller keeps (one-shot pruning starts from them). */
export interface TrainedDense {
  readonly summary: RunSummary;
  readonly mlp: Mlp;
  readonly optimizer: tf.Optimizer;
  readonly nextStep: number;
  dispose(): void;
}

export async function coreDense(context: Context, seed: number, experiment = 'gradual-core'): Promise<TrainedDense> {
  const { settings, data } = context;
  const mlp = createMlp(initialWeights(seed));
  const optimizer = tf.train.adam(settings.learningRate);
  const run = await runCore({ label: `seed ${seed} · core dense`, data, mlp, seed, epochs: settings.epochs, batchSize: settings.batchSize, optimizer });
  return {
    summary: {
      experiment,
      method: 'dense',
      target: 0,
      seed,
      epochs: settings.epochs,
      testAccuracy: run.testAccuracy,
      validation: run.validation,
      stats: maskStats(mlp.kernels, new Map()),
      seconds: run.seconds,
    },
    mlp,
    optimizer,
    nextStep: run.nextStep,
    dispose() {
      mlp.dispose();
      optimizer.dispose();
    },
  };
}

/** Gradual magnitude pruning to `sparsity` with the cubic schedule of {@link gradualPlan}, inside `train()`. */
export async function coreGradual(context: Context, seed: number, options: { sparsity?: number; scope?: SparsityScope; experiment?: string } = {}): Promise<RunSummary> {
  const { settings, data } = context;
  const sparsity = options.sparsity ?? GRADUAL_SPARSITY;
  const scope = options.scope ?? 'layerwise';
  const stepsPerEpoch = trainBatches(data, seed, settings.batchSize).stepsPerEpoch;
  const plan = gradualPlan(settings.epochs * stepsPerEpoch);
  const mlp = createMlp(initialWeights(seed));
  const optimizer = tf.train.adam(settings.learningRate);
  const warnings: string[] = [];
  const run = await runCore({
    label: `seed ${seed} · core gradual ${scope} ${sparsity}`,
    data,
    mlp,
    seed,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    optimizer,
    pruning: {
      scorer: magnitudeScorer(),
      pruner: createPruner({ onWarning: (message) => warnings.push(message) }),
      schedule: cubicSparsity({ initialSparsity: 0, finalSparsity: sparsity, begin: plan.begin, frequency: plan.frequency, pruningSteps: plan.pruningSteps }),
      parameters: mlp.kernels,
      target: { scope },
    },
  });
  const stats = maskStats(mlp.kernels, run.masks);
  tf.dispose([...run.masks.values()]);
  mlp.dispose();
  optimizer.dispose();
  return {
    experiment: options.experiment ?? 'gradual-core',
    method: scope === 'layerwise' ? 'gradual' : `gradual (${scope})`,
    target: sparsity,
    seed,
    epochs: settings.epochs,
    testAccuracy: run.testAccuracy,
    validation: run.validation,
    stats,
    prunes: run.prunes,
    seconds: run.seconds,
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

/** One table line per run: accuracy, exact sparsity from the weights, per-layer sparsity. */
export function summaryTable(runs: readonly RunSummary[]): string {
  return formatTable({
    columns: ['run', 'seed', 'test %', 'sparsity (weights)', 'fc1', 'fc2', 'fc3', 'leaks', 'time s'],
    rows: runs.map((r) => ({
      run: `${r.experiment} ${r.method}`,
      seed: r.seed,
      'test %': (100 * r.testAccuracy).toFixed(2),
      'sparsity (weights)': r.stats.weightSparsity.toFixed(6),
      ...Object.fromEntries(r.stats.layers.map((l) => [l.name.replace('/kernel', ''), (1 - l.nonzero / l.weights).toFixed(4)])),
      leaks: r.stats.leaks,
      'time s': Math.round(r.seconds),
    })),
  });
}

if (isMain(import.meta.url)) {
  const context = await createContext();
  const runs: RunSummary[] = [];
  for (const seed of context.settings.seeds) {
    const dense = await coreDense(context, seed);
    runs.push(dense.summary);
    dense.dispose();
    runs.push(await coreGradual(context, seed));
  }
  log('done');
  console.log(summaryTable(runs));
}
