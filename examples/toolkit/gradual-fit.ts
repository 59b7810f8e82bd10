/**
 * Gradual magnitude pruning to 90 % inside `model.fit` (Issue #3, script a): a tfjs-layers
 * `Sequential` 784-300-100-10 compiled with `withMasks(adam)` and trained by `model.fit` with
 * @sparse/layers' `pruningCallback` (magnitude scorer, exact-count layerwise pruner, tfmot's
 * PolynomialDecay schedule, power 3). The dense baseline is the same model without the callback.
 *
 * `fit` is called once per epoch on the training split permuted by the same seeded order that
 * core's batch loader uses (tfjs-layers shuffles with `Math.random`, which cannot be seeded), so
 * this script sees exactly the batches of gradual-core.ts; the callback counts steps across calls.
 *
 *   pnpm exec tsx examples/toolkit/gradual-fit.ts [--epochs 3] [--seeds 2] [--data DIR | --quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createPruner, magnitudeScorer, polynomialDecay, withMasks } from '@sparse/core';
import { modelParameters, prunableParameters, pruningCallback, stripMasks } from '@sparse/layers';
import { createContext, isMain, type Context } from './context.js';
import { accuracy, trainBatches } from './data.js';
import { summaryTable, GRADUAL_SPARSITY } from './gradual-core.js';
import { log } from './log.js';
import { maskStats } from './mask-stats.js';
import { createLayersMlp, initialWeights } from './mlp.js';
import type { RunSummary } from './run-summary.js';
import { gradualPlan } from './settings.js';

/** Logs progress every 15 s without reading any tensor. */
class ProgressLog extends tfl.Callback {
  private steps = 0;
  private last = performance.now();
  private readonly started = performance.now();
  constructor(
    private readonly label: string,
    private readonly totalSteps: number,
    private readonly batchSize: number,
    private readonly sparsity: () => number | undefined,
  ) {
    super();
  }
  override async onBatchEnd(): Promise<void> {
    this.steps += 1;
    const now = performance.now();
    if (now - this.last < 15_000) return;
    this.last = now;
    const rate = (this.steps * this.batchSize) / ((now - this.started) / 1000);
    const target = this.sparsity();
    log(`${this.label} · step ${this.steps}/${this.totalSteps}${target === undefined ? '' : ` · target sparsity ${target.toFixed(3)}`} · ${rate.toFixed(0)} examples/s`);
  }
}

/** Trains the layers MLP of `seed` with `model.fit`, with gradual pruning when `prune`. */
export async function layersRun(context: Context, seed: number, prune: boolean): Promise<RunSummary> {
  const { settings, data } = context;
  const batches = trainBatches(data, seed, settings.batchSize);
  const totalSteps = settings.epochs * batches.stepsPerEpoch;
  const plan = gradualPlan(totalSteps);
  const label = `seed ${seed} · model.fit ${prune ? `gradual ${GRADUAL_SPARSITY}` : 'dense'}`;
  const model = createLayersMlp(initialWeights(seed));
  const optimizer = withMasks(tf.train.adam(settings.learningRate), { parameters: modelParameters(model) });
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const prunes: { step: number; sparsity: number }[] = [];
  const warnings: string[] = [];
  const pruning = prune
    ? pruningCallback({
        scorer: magnitudeScorer(),
        pruner: createPruner({ onWarning: (message) => warnings.push(message) }),
        schedule: polynomialDecay({ initialSparsity: 0, finalSparsity: GRADUAL_SPARSITY, begin: plan.begin, end: plan.end, frequency: plan.frequency, power: 3 }),
        seed,
        onPrune: (event) => {
          prunes.push({ step: event.step, sparsity: event.sparsity });
        },
      })
    : undefined;
  const progress = new ProgressLog(label, totalSteps, settings.batchSize, () => prunes[prunes.length - 1]?.sparsity);
  const callbacks: tfl.Callback[] = pruning === undefined ? [progress] : [pruning, progress];
  const predict = (x: tf.Tensor2D) => model.predict(x) as tf.Tensor;
  const allX = tf.tensor2d(data.train.images, [data.train.count, 784]);
  const allY = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(data.train.labels, 'int32'), 10), 'float32'));
  const validation: { epoch: number; accuracy: number; loss: number }[] = [];
  const started = performance.now();
  try {
    for (let epoch = 0; epoch < settings.epochs; epoch += 1) {
      const order = tf.tensor1d(batches.order(epoch), 'int32');
      const x = tf.gather(allX, order);
      const y = tf.gather(allY, order);
      order.dispose();
      const history = await model.fit(x, y, { batchSize: settings.batchSize, epochs: epoch + 1, initialEpoch: epoch, shuffle: false, verbose: 0, callbacks });
      tf.dispose([x, y]);
      const loss = Number(history.history['loss']?.[0] ?? Number.NaN);
      const acc = accuracy(predict, data.validation);
      validation.push({ epoch: epoch + 1, accuracy: acc, loss });
      log(`${label} · epoch ${epoch + 1}/${settings.epochs} · loss ${loss.toFixed(4)} · validation ${(100 * acc).toFixed(2)}%`);
    }
    const masks = pruning?.masks ?? new Map();
    if (pruning !== undefined) stripMasks(model, masks);
    const stats = maskStats(prunableParameters(model), masks);
    const testAccuracy = accuracy(predict, data.test);
    const seconds = (performance.now() - started) / 1000;
    log(`${label} · test ${(100 * testAccuracy).toFixed(2)}% · sparsity ${stats.weightSparsity.toFixed(6)} · ${seconds.toFixed(0)} s`);
    return {
      experiment: 'gradual-fit',
      method: prune ? 'gradual' : 'dense',
      target: prune ? GRADUAL_SPARSITY : 0,
      seed,
      epochs: settings.epochs,
      testAccuracy,
      validation,
      stats,
      ...(prune ? { prunes } : {}),
      seconds,
      ...(warnings.length === 0 ? {} : { warnings }),
    };
  } finally {
    pruning?.dispose();
    tf.dispose([allX, allY]);
    model.dispose();
    optimizer.dispose();
  }
}

if (isMain(import.meta.url)) {
  const context = await createContext();
  const runs: RunSummary[] = [];
  for (const seed of context.settings.seeds) {
    runs.push(await layersRun(context, seed, false));
    runs.push(await layersRun(context, seed, true));
  }
  log('done');
  console.log(summaryTable(runs));
}
