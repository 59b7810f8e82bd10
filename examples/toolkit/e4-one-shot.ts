/**
 * Spec E.4.2 on Fashion-MNIST: at 90 % sparsity, gradual (cubic, Zhu–Gupta) magnitude pruning
 * during training vs. one-shot magnitude pruning of the trained dense network, without and with a
 * short fine-tune (one epoch, the dense run's Adam state continued). All three prune layerwise
 * with exact counts; the gradual run is gradual-core.ts's.
 *
 *   pnpm exec tsx examples/toolkit/e4-one-shot.ts [--epochs 3] [--seeds 2] [--data DIR | --quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import { applyMasks, magnitudeScorer, pruneParameters } from '@sparse/core';
import { createContext, isMain, type Context } from './context.js';
import { runCore } from './core-run.js';
import { accuracy } from './data.js';
import { coreDense, coreGradual, summaryTable, GRADUAL_SPARSITY, type TrainedDense } from './gradual-core.js';
import { log } from './log.js';
import { maskStats } from './mask-stats.js';
import type { RunSummary } from './run-summary.js';

export const FINE_TUNE_EPOCHS = 1;

/** One-shot magnitude pruning of a trained dense network to 90 %, then a short fine-tune. Leaves `dense` pruned and fine-tuned. */
export async function oneShotFromDense(context: Context, seed: number, dense: TrainedDense): Promise<RunSummary[]> {
  const { settings, data } = context;
  const { mlp } = dense;
  const started = performance.now();
  const { masks } = await pruneParameters({ parameters: mlp.kernels, scorer: magnitudeScorer(), target: { sparsity: GRADUAL_SPARSITY, scope: 'layerwise' } });
  try {
    applyMasks(mlp.kernels, masks);
    const pruned = accuracy(mlp.forward, data.test);
    const prunedValidation = accuracy(mlp.forward, data.validation);
    const noFineTune: RunSummary = {
      experiment: 'e4.2',
      method: 'one-shot, no fine-tune',
      target: GRADUAL_SPARSITY,
      seed,
      epochs: settings.epochs,
      testAccuracy: pruned,
      validation: [...dense.summary.validation.slice(0, -1), { epoch: settings.epochs, accuracy: prunedValidation, loss: Number.NaN }],
      stats: maskStats(mlp.kernels, masks),
      seconds: dense.summary.seconds + (performance.now() - started) / 1000,
    };
    log(`seed ${seed} · one-shot ${GRADUAL_SPARSITY} without fine-tune · test ${(100 * pruned).toFixed(2)}% (dense ${(100 * dense.summary.testAccuracy).toFixed(2)}%)`);
    const run = await runCore({
      label: `seed ${seed} · one-shot + fine-tune`,
      data,
      mlp,
      seed,
      epochs: FINE_TUNE_EPOCHS,
      batchSize: settings.batchSize,
      optimizer: dense.optimizer,
      masks,
      initialStep: dense.nextStep,
      initialEpoch: settings.epochs,
    });
    const fineTuned: RunSummary = {
      experiment: 'e4.2',
      method: `one-shot + ${FINE_TUNE_EPOCHS}-epoch fine-tune`,
      target: GRADUAL_SPARSITY,
      seed,
      epochs: settings.epochs + FINE_TUNE_EPOCHS,
      testAccuracy: run.testAccuracy,
      validation: [...dense.summary.validation, ...run.validation],
      stats: maskStats(mlp.kernels, masks),
      seconds: dense.summary.seconds + (performance.now() - started) / 1000,
    };
    return [noFineTune, fineTuned];
  } finally {
    tf.dispose([...masks.values()]);
  }
}

if (isMain(import.meta.url)) {
  const context = await createContext();
  const runs: RunSummary[] = [];
  for (const seed of context.settings.seeds) {
    const dense = await coreDense(context, seed, 'e4.2');
    runs.push(dense.summary);
    runs.push(...(await oneShotFromDense(context, seed, dense)));
    dense.dispose();
    runs.push(await coreGradual(context, seed, { experiment: 'e4.2' }));
  }
  log('done');
  console.log(summaryTable(runs));
}
