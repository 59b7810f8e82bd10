/**
 * Spec E.4.3 on Fashion-MNIST: pruning at initialisation, then training the sparse network with
 * its masks fixed. At 90 % and 99 %: SNIP (global, one calibration batch), GraSP (global,
 * temperature 200, exact Hessian-gradient product by double backprop as in the reference
 * Synaptic-Flow code; `grasp-fd` is the same with the library's default finite-difference
 * product, which on ReLU networks ranks differently, see check-grasp.ts), iterative SynFlow (global, 100
 * rounds, exponential schedule, data-free), random (layerwise: every layer at the target) and
 * magnitude at init (global). The collapse guard is off (`allowLayerCollapse: true`) so each
 * criterion's own allocation is shown; per-layer densities and the effective density (weights on
 * an input→output path) say whether a layer collapsed.
 *
 *   pnpm exec tsx examples/toolkit/e4-init.ts [--epochs 3] [--seeds 2] [--data DIR | --quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  deriveSeed,
  graspScorer,
  iterativeSynFlow,
  magnitudeScorer,
  pruneParameters,
  randomScorer,
  snipScorer,
  type Batch,
  type MaskSet,
  type Scorer,
  type SparsityScope,
} from '@sparse/core';
import { createContext, isMain, type Context } from './context.js';
import { runCore } from './core-run.js';
import { calibrationBatch } from './data.js';
import { summaryTable } from './gradual-core.js';
import { log } from './log.js';
import { describeLayers, maskStats } from './mask-stats.js';
import { createMlp, initialWeights, type Mlp } from './mlp.js';
import type { RunSummary } from './run-summary.js';

export const INIT_SPARSITIES = [0.9, 0.99] as const;
export const INIT_METHODS = ['snip', 'grasp', 'grasp-fd', 'synflow', 'random', 'magnitude'] as const;
/** The methods spec E.4.3's expectations are about (`grasp-fd` is the library default's variant, shown beside). */
export const REFERENCE_METHODS = ['snip', 'grasp', 'synflow', 'magnitude'] as const;
export type InitMethod = (typeof INIT_METHODS)[number];
export const SYNFLOW_ROUNDS = 100;

/** How each method allocates: the scope of its pruning. */
export const INIT_SCOPES: Readonly<Record<InitMethod, SparsityScope>> = {
  snip: 'global',
  grasp: 'global',
  'grasp-fd': 'global',
  synflow: 'global',
  random: 'layerwise',
  magnitude: 'global',
};

/** Masks of `method` at `sparsity` for the untrained `mlp`. */
export async function initMasks(mlp: Mlp, method: InitMethod, sparsity: number, batch: Batch, seed: number, warn: (message: string) => void): Promise<MaskSet> {
  const guard = { allowLayerCollapse: true, onWarning: warn } as const;
  if (method === 'synflow') {
    return iterativeSynFlow({ parameters: mlp.kernels, model: mlp.scoringModel, sparsity, rounds: SYNFLOW_ROUNDS, ...guard }).masks;
  }
  const scorers: Record<Exclude<InitMethod, 'synflow'>, Scorer> = {
    snip: snipScorer(),
    grasp: graspScorer({ hessian: 'exact' }),
    'grasp-fd': graspScorer(),
    random: randomScorer(),
    magnitude: magnitudeScorer(),
  };
  const { masks } = await pruneParameters({
    parameters: mlp.kernels,
    scorer: scorers[method],
    target: { sparsity, scope: INIT_SCOPES[method] },
    batch,
    loss: ({ x, y }) => tf.losses.softmaxCrossEntropy(y, mlp.forward(x)),
    model: mlp.scoringModel,
    seed: deriveSeed(seed, 'random-mask'),
    ...guard,
  });
  return masks;
}

export async function pruneAtInit(context: Context, seed: number, sparsities: readonly number[] = INIT_SPARSITIES): Promise<RunSummary[]> {
  const { settings, data } = context;
  const batch = calibrationBatch(data, seed, settings.calibrationSize);
  const runs: RunSummary[] = [];
  try {
    for (const sparsity of sparsities) {
      for (const method of INIT_METHODS) {
        const mlp = createMlp(initialWeights(seed));
        const optimizer = tf.train.adam(settings.learningRate);
        const warnings: string[] = [];
        const scoringStarted = performance.now();
        const masks = await initMasks(mlp, method, sparsity, batch, seed, (message) => warnings.push(message));
        const scoringSeconds = (performance.now() - scoringStarted) / 1000;
        const initStats = maskStats(mlp.kernels, masks);
        log(
          `seed ${seed} · ${method} at init ${sparsity} (${scoringSeconds.toFixed(1)} s): density ${describeLayers(initStats)}; ` +
            `effective ${(100 * initStats.effectiveDensity).toFixed(3)}%${initStats.collapsed.length > 0 ? ` · COLLAPSED ${initStats.collapsed.join(', ')}` : ''}`,
        );
        try {
          const run = await runCore({ label: `seed ${seed} · ${method} ${sparsity}`, data, mlp, seed, epochs: settings.epochs, batchSize: settings.batchSize, optimizer, masks });
          runs.push({
            experiment: 'e4.3',
            method,
            target: sparsity,
            seed,
            epochs: settings.epochs,
            testAccuracy: run.testAccuracy,
            validation: run.validation,
            stats: maskStats(mlp.kernels, masks),
            initStats,
            seconds: run.seconds + scoringSeconds,
            ...(warnings.length === 0 ? {} : { warnings }),
          });
        } finally {
          tf.dispose([...masks.values()]);
          mlp.dispose();
          optimizer.dispose();
        }
      }
    }
  } finally {
    tf.dispose([batch.x, batch.y]);
  }
  return runs;
}

if (isMain(import.meta.url)) {
  const context = await createContext();
  const runs: RunSummary[] = [];
  for (const seed of context.settings.seeds) runs.push(...(await pruneAtInit(context, seed)));
  log('done');
  console.log(summaryTable(runs));
}
