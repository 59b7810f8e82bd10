/**
 * One replicate (one seed) of a lottery-ticket experiment in the browser, run exactly as `sparse
 * run` runs it in Node: the same data split and order, model, evaluators, training engine,
 * `runImp` schedule and branch bodies, and the same metric lines and unit summaries (the lth
 * package's test `replicate-matches-imp` checks that `runImp` trained this way equals the
 * resumable replicate of `sparse run`). Only the file writing is left out: results go to `emit`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Scorers, deriveSeed, refOptions, type BinaryMaskSet, type ScoringInput, type SparseRuntime } from '@sparse/core';
import { createBatchLoader, splitValidation, type FashionMnist } from '@sparse/datasets';
import {
  createEvaluator,
  createMlp,
  defaultPrunable,
  mirlPrunable,
  planExperiment,
  readParameterValues,
  remainingFraction,
  resolveTrainingEngine,
  runImp,
  trainRound,
  type LthExperimentConfig,
  type UnitSummary,
} from '@sparse/lth';
import type { PauseGate } from './pause-gate.js';
import type { FromWorker, LayerMask } from './protocol.js';

/** Test images whose predictions the page shows after each level. */
export const SAMPLE_COUNT = 12;

/** `level-LL`, as the run directory names levels. */
export function levelName(level: number): string {
  return `level-${String(level).padStart(2, '0')}`;
}

/** Options of {@link runBrowserReplicate}. */
export interface BrowserReplicateOptions {
  readonly runtime: SparseRuntime;
  readonly config: LthExperimentConfig;
  readonly seed: number;
  readonly data: FashionMnist;
  readonly gate: PauseGate;
  emit(message: FromWorker, transfer?: Transferable[]): void;
}

/** The scorer's seed, as the replicate gives it (unless the config gives the scorer its own). */
function scoringSeed(config: LthExperimentConfig, seed: number): Pick<ScoringInput, 'seed'> {
  return refOptions(config.scorer)['seed'] === undefined ? { seed: deriveSeed(seed, 'random-scores') } : {};
}

function layerMasks(masks: BinaryMaskSet, names: readonly string[], shapes: ReadonlyMap<string, readonly number[]>): LayerMask[] {
  return names.map((name) => {
    const [rows = 0, columns = 0] = shapes.get(name) ?? [];
    const kept = masks.get(name)?.kept;
    return { name, shape: [rows, columns], kept: kept === undefined ? new Uint8Array(rows * columns).fill(1) : new Uint8Array(kept) };
  });
}

/** Runs one replicate and returns its unit summaries in run order. */
export async function runBrowserReplicate(options: BrowserReplicateOptions): Promise<UnitSummary[]> {
  const { runtime, config, seed, data, gate, emit } = options;
  const { train, validation } = splitValidation(data.train, { validationSize: config.validationSize, seed: 0 });
  const plan = planExperiment(config, train.count);
  const loader = createBatchLoader(train, { batchSize: config.batchSize, seed: deriveSeed(seed, 'data-order') });
  const model = createMlp({ layerSizes: config.model.layerSizes, seed });
  const val = createEvaluator(validation);
  const test = createEvaluator(data.test);
  const prunable = config.mode === 'mir-l' ? mirlPrunable(model.parameters) : defaultPrunable(model.parameters);
  const sizes = new Map(model.parameters.filter((p) => prunable.includes(p.name)).map((p) => [p.name, p.variable.size] as const));
  const shapes = new Map(model.parameters.map((p) => [p.name, [...p.variable.shape]] as const));
  const kernels = model.denseLayers?.map((layer) => layer.kernel.name) ?? prunable;
  const scorer = runtime.resolve(Scorers, config.scorer, 'scorer');
  const engine = resolveTrainingEngine(runtime, config.engine, model, prunable);
  const stepper = gate.wrap(engine);
  const seedInput = scoringSeed(config, seed);
  const scoringBatches: tf.Tensor[] = [];
  const T = plan.iterations;
  const totalWork = plan.units.reduce((sum, unit) => sum + T - unit.startStep, 0);
  const sampleImages = tf.tensor2d(data.test.images.subarray(0, SAMPLE_COUNT * 784), [SAMPLE_COUNT, 784]);
  let doneBefore = 0;
  const summaries: UnitSummary[] = [];
  // The dense trainer says how many threads share each step; tfjs's engines (fused, stock) step on this worker's thread.
  const trainerThreads = (engine as { readonly threads?: unknown }).threads;
  emit({ type: 'started', seed, engine: engine.name, trainerThreads: typeof trainerThreads === 'number' ? trainerThreads : 1 });
  try {
    await runImp({
      parameters: model.parameters,
      seed,
      rounds: config.rounds,
      rates: config.rates,
      scope: config.scope,
      mode: config.mode,
      rewindStep: config.rewindStep,
      scorer,
      scoringInput: () => {
        if (!scorer.requiresData) return seedInput;
        // As the replicate: the first batch of epoch 0 and the loss, for data-driven scorers.
        const batch = loader.batch(0, 0);
        scoringBatches.push(batch.x, batch.y);
        return { ...seedInput, batch, loss: model.loss, model: { forward: model.forward, variables: model.parameters.map((p) => p.variable), inputShape: [batch.x.shape[1] as number] } };
      },
      branches: {
        reinit: config.branches.reinit,
        randomPrune: { levels: plan.randomPruneLevels, shuffle: config.branches.randomPrune?.shuffle ?? 'layerwise' },
        oneShot: { levels: plan.oneShotLevels },
      },
      reinitValues: () => model.initialValues(seed, 'reinit'),
      train: async (context) => {
        const id = `seed-${seed}/${levelName(context.level)}/${context.branch}`;
        const tags = { seed, level: context.level, branch: context.branch, remaining: remainingFraction(context.masks, sizes) };
        const lines: string[] = [];
        emit({ type: 'unit-start', seed, id, level: context.level, branch: context.branch, remaining: tags.remaining });
        let lastReport = 0;
        const work = T - context.startStep;
        const round = await trainRound({
          model,
          masks: context.masks,
          batches: loader,
          learningRate: config.optimizer.learningRate,
          engine: stepper,
          startStep: context.startStep,
          endStep: T,
          evalEvery: config.evalEvery,
          validate: () => val.evaluate(model.forward),
          test: () => test.evaluate(model.forward),
          testAt: 'improvement',
          onEval: (record) => {
            lines.push(JSON.stringify({ unit: id, ...tags, ...record }));
            emit({ type: 'eval', seed, id, record });
          },
          onProgress: (done) => {
            if (done - lastReport >= 10 || done === work) {
              lastReport = done;
              emit({ type: 'progress', seed, done: doneBefore + done, total: totalWork });
            }
          },
          ...(context.rewindStep === undefined ? {} : { snapshotAt: [context.rewindStep], onSnapshot: (_: number, values: ReadonlyMap<string, Float32Array>) => context.rewind?.(values) }),
        });
        doneBefore += work;
        const summary: UnitSummary = {
          ...tags,
          earlyStopIteration: round.earlyStop.iteration,
          testAccuracyAtEarlyStop: round.earlyStop.testAccuracy,
          validationLossAtEarlyStop: round.earlyStop.validationLoss,
          finalTestAccuracy: round.final.testAccuracy ?? Number.NaN,
          iterations: T,
          engine: engine.name,
        };
        lines.push(JSON.stringify({ unit: id, event: 'early-stop', ...summary }));
        summaries.push(summary);
        emit({ type: 'unit-done', seed, id, summary, metrics: `${lines.join('\n')}\n` });
        if (context.branch === 'ticket') {
          // What the page draws and offers for download: the ticket's masks and trained weights, and its guesses.
          const values = readParameterValues(model.parameters);
          const weights = model.parameters.map((p) => ({ name: p.name, shape: [...p.variable.shape], values: values.get(p.name) as Float32Array }));
          const predictions = tf.tidy(() => Array.from(tf.argMax(model.forward(sampleImages), 1).dataSync()));
          const masks = layerMasks(context.masks, kernels, shapes);
          emit(
            { type: 'ticket', seed, level: context.level, remaining: tags.remaining, masks, weights, predictions },
            [...masks.map((m) => m.kept.buffer), ...weights.map((w) => w.values.buffer)],
          );
        }
        return summary;
      },
    });
    return summaries;
  } finally {
    tf.dispose([...scoringBatches, sampleImages]);
    val.dispose();
    test.dispose();
    model.dispose();
    loader.dispose();
  }
}
