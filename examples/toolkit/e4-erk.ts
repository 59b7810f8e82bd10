/**
 * Spec E.4.4 on Fashion-MNIST: ERK vs. uniform allocation at 95 % sparsity on the MLP
 * 784-300-100-10, whose first layer holds 88 % of the weights. Both are static sparse training
 * from the same initialisation (RigL's "Static" baseline): random masks of exact per-layer
 * density, ERK densities (`scope: 'erk'`, power scale 1) or every layer at 95 % (`layerwise`),
 * fixed during training.
 *
 *   pnpm exec tsx examples/toolkit/e4-erk.ts [--epochs 3] [--seeds 2] [--data DIR | --quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, pruneParameters, randomScorer, type SparsityScope } from '@sparse/core';
import { createContext, isMain, type Context } from './context.js';
import { runCore } from './core-run.js';
import { summaryTable } from './gradual-core.js';
import { log } from './log.js';
import { describeLayers, maskStats } from './mask-stats.js';
import { createMlp, initialWeights } from './mlp.js';
import type { RunSummary } from './run-summary.js';

export const ERK_SPARSITY = 0.95;
export const ALLOCATIONS: readonly { readonly method: string; readonly scope: SparsityScope }[] = [
  { method: 'uniform', scope: 'layerwise' },
  { method: 'ERK', scope: 'erk' },
];

export async function erkVersusUniform(context: Context, seed: number): Promise<RunSummary[]> {
  const { settings, data } = context;
  const runs: RunSummary[] = [];
  for (const { method, scope } of ALLOCATIONS) {
    const mlp = createMlp(initialWeights(seed));
    const optimizer = tf.train.adam(settings.learningRate);
    const warnings: string[] = [];
    const { masks } = await pruneParameters({
      parameters: mlp.kernels,
      scorer: randomScorer(),
      seed: deriveSeed(seed, 'random-mask'),
      target: { sparsity: ERK_SPARSITY, scope },
      onWarning: (message) => warnings.push(message),
    });
    const initStats = maskStats(mlp.kernels, masks);
    log(`seed ${seed} · ${method} ${ERK_SPARSITY}: density ${describeLayers(initStats)} (total ${(100 * (1 - initStats.sparsity)).toFixed(3)}%)`);
    try {
      const run = await runCore({ label: `seed ${seed} · ${method} ${ERK_SPARSITY}`, data, mlp, seed, epochs: settings.epochs, batchSize: settings.batchSize, optimizer, masks });
      runs.push({
        experiment: 'e4.4',
        method,
        target: ERK_SPARSITY,
        seed,
        epochs: settings.epochs,
        testAccuracy: run.testAccuracy,
        validation: run.validation,
        stats: maskStats(mlp.kernels, masks),
        initStats,
        seconds: run.seconds,
        ...(warnings.length === 0 ? {} : { warnings }),
      });
    } finally {
      tf.dispose([...masks.values()]);
      mlp.dispose();
      optimizer.dispose();
    }
  }
  return runs;
}

if (isMain(import.meta.url)) {
  const context = await createContext();
  const runs: RunSummary[] = [];
  for (const seed of context.settings.seeds) runs.push(...(await erkVersusUniform(context, seed)));
  log('done');
  console.log(summaryTable(runs));
}
