import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Scorers, deriveSeed, readMaskFile, refOptions, writeMaskFile, type BinaryMaskSet, type ScoringInput } from '@sparse/core';
import { createBatchLoader, loadFashionMnist, splitValidation } from '@sparse/datasets';
import {
  attachRunDirectory,
  createRuntimeFromSpecs,
  runUnits,
  type JsonObject,
  type ResolvedPluginSpec,
  type RunUnit,
  type UnitContext,
  type WorkerJobContext,
  resolveTrainingEngine,
} from '@sparse/experiments';
import type { BranchRun } from '../branches/branch-run.js';
import type { InstabilityRun } from '../branches/instability.js';
import { instability } from '../imp/instability.js';
import { runImpUnit } from '../branches/run-unit.js';
import { levelName } from '../branches/schedule.js';
import { impSetup, type ScoringSource } from '../branches/setup.js';
import type { ImpStore } from '../branches/store.js';
import { createMlp, type LthModel } from '../model/mlp.js';
import { readParameterValues, type ParameterValues } from '../imp/parameter-values.js';
import { createEvaluator } from '../training/evaluator.js';
import { trainRound } from '../training/train-round.js';
import type { LthExperimentConfig } from './config.js';
import { decodeRoundCheckpoint, encodeRoundCheckpoint, snapshotToValues, valuesToSnapshot } from './checkpoint-codec.js';
import { planExperiment, unitWork as workOf } from './plan.js';

/**
 * What the main thread sends a worker for one replicate.
 *
 * @example
 * ```ts
 * import type { ExperimentContext } from '@sparse/experiments';
 * import type { ReplicatePayload } from '@sparse/lth';
 *
 * declare const config: ReplicatePayload['config'];
 * declare const context: ExperimentContext;
 * const payload: ReplicatePayload = { runPath: '.runs/quick-0123456789ab', config, seed: 0, datasetDir: undefined, plugins: context.plugins, backend: context.runtime.backend };
 * ```
 */
export interface ReplicatePayload {
  /** The run directory (opened and locked by the main thread). */
  readonly runPath: string;
  readonly config: LthExperimentConfig;
  /** The replicate's seed. */
  readonly seed: number;
  /** The absolute folder of the full data set, or `undefined` for the bundled subset. */
  readonly datasetDir: string | undefined;
  /** The main thread's plugins (`ExperimentContext.plugins`): the worker loads them to resolve the same names. */
  readonly plugins: readonly ResolvedPluginSpec[];
  /** The main thread's backend (`runtime.backend`). */
  readonly backend: string;
}

/**
 * What one unit (a training run) returns; gathered in the run's `results.json`.
 *
 * @example
 * ```ts
 * import type { UnitSummary } from '@sparse/lth';
 *
 * declare const summary: UnitSummary;
 * console.log(summary.branch, summary.remaining, summary.earlyStopIteration, summary.testAccuracyAtEarlyStop);
 * ```
 */
export interface UnitSummary {
  readonly seed: number;
  readonly level: number;
  readonly branch: string;
  /** Fraction of prunable weights remaining. */
  readonly remaining: number;
  readonly earlyStopIteration: number;
  readonly testAccuracyAtEarlyStop: number;
  readonly validationLossAtEarlyStop: number;
  readonly finalTestAccuracy: number;
  /** Iterations of the round: an early stop at this iteration means the budget, not the validation loss, ended the run. */
  readonly iterations: number;
  /** The training engine that ran the round (`dense-trainer`, `fused`, `stock` or a plugin's own), as resolved in the worker; absent in runs made before it was recorded. */
  readonly engine?: string;
}

/**
 * What one instability unit returns (Frankle et al. 2020, spec A.2): for one seed and level, the
 * ticket's subnetwork trained twice from the rewind point θk to the end of the round with two data
 * orders, and the test error along the line between the two trained copies. One line of
 * `results.jsonl`, next to the training runs' {@link UnitSummary} lines.
 *
 * @example
 * ```ts
 * import type { InstabilitySummary } from '@sparse/lth';
 *
 * declare const row: InstabilitySummary;
 * console.log(row.level, row.instability < 0.02 ? 'stable' : 'unstable', row.copyTestAccuracies);
 * ```
 */
export interface InstabilitySummary {
  readonly seed: number;
  readonly level: number;
  readonly branch: 'instability';
  /** Fraction of prunable weights remaining. */
  readonly remaining: number;
  /** The rewind step k both copies start at. */
  readonly rewindStep: number;
  /** Iterations of the round: both copies train from k to it. */
  readonly iterations: number;
  /** `max_α E(α) − (E(α = 0) + E(α = 1)) / 2` of the test error E: the error barrier. */
  readonly instability: number;
  /** Each copy's test accuracy at the end of the round (copy 0, copy 1). */
  readonly copyTestAccuracies: readonly number[];
  /** The test error of `α·W⁰ + (1 − α)·W¹` at α = i / (points − 1), i = 0 … points − 1 (α = 1 is copy 0). */
  readonly interpolationErrors: readonly number[];
  /** The training engine, as resolved in the worker. */
  readonly engine: string;
}

/**
 * What one unit of a replicate returns: a training run's {@link UnitSummary} or an
 * {@link InstabilitySummary}.
 *
 * @example
 * ```ts
 * import type { LthUnitOutput } from '@sparse/lth';
 *
 * declare const outputs: LthUnitOutput[];
 * const runs = outputs.filter((output) => output.branch !== 'instability');
 * ```
 */
export type LthUnitOutput = UnitSummary | InstabilitySummary;

/**
 * Whether a unit output is an {@link InstabilitySummary} (else a training run's {@link UnitSummary}).
 *
 * @example
 * ```ts
 * import { isInstabilitySummary, type LthUnitOutput } from '@sparse/lth';
 *
 * declare const outputs: LthUnitOutput[];
 * console.log(outputs.filter(isInstabilitySummary).length);
 * ```
 */
export function isInstabilitySummary(output: LthUnitOutput): output is InstabilitySummary {
  return output.branch === 'instability';
}

/**
 * What every scorer's input carries: the replicate's seed `deriveSeed(seed, 'random-scores')` (what
 * the `random` scorer draws from, per tensor), unless the config gives the scorer a `seed` option
 * of its own, which then decides.
 */
function scoringSeed(config: LthExperimentConfig, seed: number): Pick<ScoringInput, 'seed'> {
  return refOptions(config.scorer)['seed'] === undefined ? { seed: deriveSeed(seed, 'random-scores') } : {};
}

/**
 * Runs one replicate (one seed) of a lottery-ticket experiment inside a worker thread: every
 * level's ticket and the baselines, with the same schedule and branch bodies as `runImp`
 * (`src/branches/`), as resumable units of the run directory (checkpoints every `checkpointEvery`
 * iterations; a killed run continues where it stopped and ends with the same masks and metrics).
 * The worker builds its runtime from the main thread's plugins and backend
 * (`createRuntimeFromSpecs`) and resolves the scorer and the training engine through it.
 * Masks go to `masks/seed-<s>/level-<LL>.safetensors` (core's packed mask files), metrics to
 * `metrics/seed-<s>/…jsonl`, summaries to `units/…json`. An instability unit trains its two
 * copies (data orders `deriveSeed(seed, 'instability-data-order', '0' | '1')`) one after the
 * other in one unit: its checkpoints name the copy (`copy-1/iteration-…`), copy 0's trained
 * weights go to `states/seed-<s>/instability/level-<LL>` before copy 1 starts, so a resumed unit
 * trains neither copy twice.
 *
 * @example
 * ```ts
 * import { runInWorkers } from '@sparse/experiments';
 * import type { ReplicatePayload } from '@sparse/lth';
 *
 * declare const payloads: ReplicatePayload[];
 * await runInWorkers({ module: new URL('./replicate-job.js', import.meta.url), exportName: 'runReplicate', payloads, concurrency: 2 });
 * ```
 */
export async function runReplicate(payload: ReplicatePayload, job: Pick<WorkerJobContext, 'progress' | 'signal'>): Promise<LthUnitOutput[]> {
  const { config, seed } = payload;
  const runtime = await createRuntimeFromSpecs(payload.plugins, payload.backend);
  const run = await attachRunDirectory(payload.runPath);
  const data = await loadFashionMnist(payload.datasetDir === undefined ? {} : { source: { dir: payload.datasetDir } });
  const { train, validation } = splitValidation(data.train, { validationSize: config.validationSize, seed: 0 });
  const plan = planExperiment(config, train.count);
  const loader = createBatchLoader(train, { batchSize: config.batchSize, seed: deriveSeed(seed, 'data-order') });
  const model = createMlp({ layerSizes: config.model.layerSizes, seed });
  const valEvaluator = createEvaluator(validation);
  const testEvaluator = createEvaluator(data.test);
  const shapes = new Map(model.parameters.map((p) => [p.name, [...p.variable.shape]] as const));
  const theta0 = model.initialValues(seed, 'init');
  const scorer = runtime.resolve(Scorers, config.scorer, 'scorer');
  const seedInput = scoringSeed(config, seed);
  const T = plan.iterations;
  const setup = impSetup({
    parameters: model.parameters,
    seed,
    rounds: config.rounds,
    rates: config.rates,
    mode: config.mode,
    scope: config.scope,
    rewindStep: config.rewindStep,
    scorer,
    shuffle: config.branches.randomPrune?.shuffle,
    oneShotLevels: plan.oneShotLevels,
    reinitValues: () => model.initialValues(seed, 'reinit'),
    scoringInput: () => (scorer.requiresData ? scoringSource(model, loader, seedInput) : { input: seedInput }),
  });
  const engine = resolveTrainingEngine(runtime, config.engine, model, setup.prunable);

  const maskPath = (level: number) => run.file('masks', `seed-${seed}`, `${levelName(level)}.safetensors`);
  const saveMasks = async (path: string, masks: BinaryMaskSet) => {
    await mkdir(dirname(path), { recursive: true });
    await writeMaskFile(path, masks);
  };
  const rewindStore = run.store(`states/seed-${seed}/rewind`);
  const trainedStore = run.store(`states/seed-${seed}/dense-trained`);
  /** What the branch bodies hand on, kept in the run directory so that a resumed run finds it. */
  const store: ImpStore = {
    theta0,
    loadMasks: (level) => readMaskFile(maskPath(level)),
    saveMasks: (level, masks) => saveMasks(maskPath(level), masks),
    loadRewindPoint: async () => snapshotToValues(await rewindStore.load('theta-k')),
    saveRewindPoint: async (values) => void (await rewindStore.save('theta-k', valuesToSnapshot(values, shapes))),
    loadDenseTrained: async () => snapshotToValues(await trainedStore.load('weights')),
    saveDenseTrained: async (values) => void (await trainedStore.save('weights', valuesToSnapshot(values, shapes))),
    saveOneShotMasks: (level, masks) => saveMasks(run.file('masks', `seed-${seed}`, `one-shot-${levelName(level)}.safetensors`), masks),
  };

  const units = plan.units.map((u) => ({ ...u, id: `seed-${seed}/${u.id}` }));
  const unitWork = units.map((u) => workOf(u, T));
  const totalWork = unitWork.reduce((a, b) => a + b, 0);
  let doneBefore = 0;

  /** Trains one branch run as a resumable unit: reset unless resuming, checkpoints, metrics, progress. */
  const trainUnit = async (branch: BranchRun, index: number, ctx: UnitContext): Promise<UnitSummary> => {
    const resume = ctx.resume === undefined ? undefined : decodeRoundCheckpoint(ctx.resume);
    if (resume === undefined) await branch.reset();
    const tags = { seed, level: branch.level, branch: branch.branch, remaining: branch.remaining };
    let lastReport = 0;
    const result = await trainRound({
      model,
      masks: branch.masks,
      batches: loader,
      learningRate: config.optimizer.learningRate,
      engine,
      startStep: branch.startStep,
      endStep: T,
      evalEvery: config.evalEvery,
      validate: () => valEvaluator.evaluate(model.forward),
      test: () => testEvaluator.evaluate(model.forward),
      testAt: 'improvement',
      onEval: (record) => ctx.metric({ ...tags, ...record } as unknown as JsonObject),
      checkpointEvery: config.checkpointEvery,
      onCheckpoint: (checkpoint) => ctx.checkpoint(`iteration-${String(checkpoint.iteration).padStart(7, '0')}`, encodeRoundCheckpoint(checkpoint, shapes)),
      ...(resume === undefined ? {} : { resume }),
      ...(branch.rewindStep === undefined ? {} : { snapshotAt: [branch.rewindStep], onSnapshot: (_: number, values: ParameterValues) => branch.rewind?.(values) }),
      onProgress: (done) => {
        if (done - lastReport >= 25 || done === unitWork[index]) {
          lastReport = done;
          job.progress(doneBefore + done, totalWork);
        }
      },
      signal: job.signal,
    });
    const summary: UnitSummary = {
      ...tags,
      earlyStopIteration: result.earlyStop.iteration,
      testAccuracyAtEarlyStop: result.earlyStop.testAccuracy,
      validationLossAtEarlyStop: result.earlyStop.validationLoss,
      finalTestAccuracy: result.final.testAccuracy ?? Number.NaN,
      iterations: T,
      engine: engine.name,
    };
    await ctx.metric({ event: 'early-stop', ...summary } as unknown as JsonObject);
    return summary;
  };

  const points = config.branches.instability?.points ?? 30;
  const copyLoaders = plan.instabilityLevels.length === 0 ? [] : [0, 1].map((copy) => createBatchLoader(train, { batchSize: config.batchSize, seed: deriveSeed(seed, 'instability-data-order', String(copy)) }));
  /** The instability analysis of one level as a resumable unit: copy 0, then copy 1, then the interpolation. */
  const trainInstability = async (target: InstabilityRun, ctx: UnitContext): Promise<InstabilitySummary> => {
    const copies = run.store(`states/seed-${seed}/instability/${levelName(target.level)}`);
    const resumeKey = ctx.resume?.key ?? '';
    const accuracies: number[] = [];
    const tags = { seed, level: target.level, branch: 'instability', remaining: target.remaining };
    const span = T - target.startStep;
    const result = await instability({
      parameters: model.parameters,
      start: target.start,
      masks: target.masks,
      points,
      error: () => 1 - testEvaluator.evaluate(model.forward).accuracy,
      trainCopy: async (copy) => {
        if (copy === 0 && resumeKey.startsWith('copy-1/')) {
          const saved = await copies.load('copy-0');
          accuracies[0] = (saved.state as { testAccuracy: number }).testAccuracy;
          return snapshotToValues(saved);
        }
        const resume = resumeKey.startsWith(`copy-${copy}/iteration-`) && ctx.resume !== undefined ? decodeRoundCheckpoint(ctx.resume) : undefined;
        let lastReport = 0;
        const round = await trainRound({
          model,
          masks: target.masks,
          batches: copyLoaders[copy] as ReturnType<typeof createBatchLoader>,
          learningRate: config.optimizer.learningRate,
          engine,
          startStep: target.startStep,
          endStep: T,
          evalEvery: config.evalEvery,
          validate: () => valEvaluator.evaluate(model.forward),
          test: () => testEvaluator.evaluate(model.forward),
          testAt: 'improvement',
          onEval: (record) => ctx.metric({ ...tags, copy, ...record } as unknown as JsonObject),
          checkpointEvery: config.checkpointEvery,
          onCheckpoint: (checkpoint) => ctx.checkpoint(`copy-${copy}/iteration-${String(checkpoint.iteration).padStart(7, '0')}`, encodeRoundCheckpoint(checkpoint, shapes)),
          ...(resume === undefined ? {} : { resume }),
          onProgress: (done) => {
            if (done - lastReport >= 25 || done === span) {
              lastReport = done;
              job.progress(doneBefore + copy * span + done, totalWork);
            }
          },
          signal: job.signal,
        });
        const values = readParameterValues(model.parameters);
        const accuracy = round.final.testAccuracy ?? Number.NaN;
        accuracies[copy] = accuracy;
        if (copy === 0) {
          const snapshot = valuesToSnapshot(values, shapes);
          await copies.save('copy-0', { ...snapshot, state: { ...(snapshot.state as JsonObject), testAccuracy: accuracy } });
          await ctx.checkpoint('copy-1/start', { state: { copy: 1 } });
        }
        return values;
      },
    });
    const summary: InstabilitySummary = {
      seed,
      level: target.level,
      branch: 'instability',
      remaining: target.remaining,
      rewindStep: target.startStep,
      iterations: T,
      instability: result.instability,
      copyTestAccuracies: accuracies,
      interpolationErrors: result.errors,
      engine: engine.name,
    };
    await ctx.metric({ event: 'instability', ...summary } as unknown as JsonObject);
    return summary;
  };

  const runUnitsList: RunUnit[] = units.map((unit, index) => ({
    id: unit.id,
    label: `seed ${seed}, ${unit.branch} level ${unit.level}`,
    run: async (ctx: UnitContext) =>
      (await runImpUnit<LthUnitOutput>({ setup, store, train: (branch) => trainUnit(branch, index, ctx), trainInstability: (target) => trainInstability(target, ctx) }, unit)) as unknown as JsonObject,
  }));

  try {
    const result = await runUnits({
      run,
      units: runUnitsList,
      runSeed: seed,
      deriveSeed: (runSeed, purpose, name) => deriveSeed(runSeed, purpose, name),
      finalize: false,
      signal: job.signal,
      onProgress: (event) => {
        if (event.kind === 'skipped' || event.kind === 'completed') {
          doneBefore = unitWork.slice(0, event.unitIndex + 1).reduce((a, b) => a + b, 0);
          job.progress(doneBefore, totalWork);
        }
      },
    });
    return units.map((u) => result.outputs.get(u.id) as unknown as LthUnitOutput);
  } finally {
    for (const copyLoader of copyLoaders) copyLoader.dispose();
    valEvaluator.dispose();
    testEvaluator.dispose();
    model.dispose();
    loader.dispose();
  }
}

/** A fixed batch (the first of epoch 0) and the loss, for data-driven scorers; disposed after the prune. */
function scoringSource(model: LthModel, loader: ReturnType<typeof createBatchLoader>, seedInput: Pick<ScoringInput, 'seed'>): ScoringSource {
  const batch = loader.batch(0, 0);
  return {
    input: {
      ...seedInput,
      batch,
      loss: model.loss,
      model: { forward: model.forward, variables: model.parameters.map((p) => p.variable), inputShape: [batch.x.shape[1]] },
    },
    dispose: () => tf.dispose([batch.x, batch.y]),
  };
}
