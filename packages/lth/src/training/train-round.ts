import * as tf from '@tensorflow/tfjs-core';
import { SparseError, binaryToMaskSet, optimizerEngine, train, type AdamState, type Batch, type BinaryMaskSet, type EngineStepper, type TrainingEngine } from '@sparse/core';
import type { LthModel } from '../model/mlp.js';
import { assignParameterValues, readParameterValues, type ParameterValues } from '../imp/parameter-values.js';
import { earlyStopping, type EarlyStop, type EvalRecord } from './early-stopping.js';
import type { Evaluation } from './evaluator.js';

/**
 * Where a round's minibatches come from: batch `step` of `epoch`, the same whenever asked (the
 * `@sparse/datasets` batch loader is one). Returned tensors belong to the caller.
 *
 * @example
 * ```ts
 * import { createBatchLoader, loadFashionMnist } from '@sparse/datasets';
 * import type { BatchProvider } from '@sparse/lth';
 *
 * const { train } = await loadFashionMnist();
 * const batches: BatchProvider = createBatchLoader(train, { batchSize: 60, seed: 0 });
 * ```
 */
export interface BatchProvider {
  /** Steps in one pass over the data. */
  readonly stepsPerEpoch: number;
  /** Rows of a full batch, when known (the `@sparse/datasets` loader says); else the first batch of epoch 0 is measured. */
  readonly batchSize?: number;
  /** Batch `step` (0-based within the epoch) of `epoch`. */
  batch(epoch: number, step: number): Batch;
}

/**
 * The state of a round between two steps: enough to resume it bit-identically.
 *
 * @example
 * ```ts
 * import type { RoundCheckpoint } from '@sparse/lth';
 *
 * declare const checkpoint: RoundCheckpoint;
 * console.log(`resume at iteration ${checkpoint.iteration}`);
 * ```
 */
export interface RoundCheckpoint {
  /** The absolute iteration reached (the next step to run). */
  readonly iteration: number;
  /** Every parameter's value. */
  readonly parameters: ParameterValues;
  /** The optimizer's state. */
  readonly adam: AdamState;
  /** Evaluations so far. */
  readonly evals: readonly EvalRecord[];
}

/**
 * Options of {@link trainRound}.
 *
 * @example
 * ```ts
 * import type { TrainRoundOptions } from '@sparse/lth';
 *
 * declare const base: TrainRoundOptions;
 * const options: TrainRoundOptions = { ...base, startStep: 0, endStep: 3000, evalEvery: 100 };
 * ```
 */
export interface TrainRoundOptions {
  readonly model: LthModel;
  /** Masks in force for the whole round (gradients masked, `w ← m ⊙ w` after every update). */
  readonly masks: BinaryMaskSet;
  readonly batches: BatchProvider;
  /** Adam's learning rate; the engine starts a fresh Adam for the round (or continues `resume`'s). */
  readonly learningRate: number;
  /**
   * The training engine that computes the steps (core's `TrainingEngine`): from a runtime by name
   * (`runtime.resolve(TrainingEngines, 'dense-trainer')`, or {@link resolveTrainingEngine} with a
   * config's `engine`), or core's `optimizerEngine('stock' | 'fused')`. Default: core's `fused`
   * engine. Engines are Adam on the same loss; their weights agree to float32 rounding, not bit
   * for bit. One that refuses the model (`refusal`) fails before training.
   */
  readonly engine?: TrainingEngine;
  /** Rows of a full batch, for engines that size their buffers by it. Default: `batches.batchSize`, else the rows of batch 0 of epoch 0. */
  readonly batchSize?: number;
  /** The absolute iteration the round starts at (the rewind step k; 0 from θ0). Batches follow it. */
  readonly startStep: number;
  /** The absolute iteration it ends at (T). */
  readonly endStep: number;
  /** Evaluate at the start, every `evalEvery` iterations (multiples of it) and at the end. */
  readonly evalEvery: number;
  /** Validation loss and accuracy of the model as it is (early stopping reads the loss). */
  validate(): Evaluation;
  /** Test loss and accuracy of the model as it is. */
  test(): Evaluation;
  /**
   * When to run `test`: `every-eval` (default), or `improvement`: only where the validation loss
   * reaches a new minimum, and at the end. Early stopping picks the earliest minimum of the
   * validation loss, which is always such a point, so its test accuracy is the same either way;
   * `improvement` saves most test passes once training starts to overfit.
   */
  readonly testAt?: 'every-eval' | 'improvement';
  /** Receives each evaluation (e.g. to write a metric line). */
  onEval?(record: EvalRecord): void | Promise<void>;
  /** Save a checkpoint every this many iterations (at evaluation points when it is a multiple of `evalEvery`). */
  readonly checkpointEvery?: number;
  onCheckpoint?(checkpoint: RoundCheckpoint): void | Promise<void>;
  /** Continue from this checkpoint instead of the current model state. */
  readonly resume?: RoundCheckpoint;
  /** Iterations at which to hand a copy of the parameters to `onSnapshot` (θk for rewinding). */
  readonly snapshotAt?: readonly number[];
  onSnapshot?(iteration: number, values: ParameterValues): void | Promise<void>;
  /** Called after each step with iterations done and total in this round. */
  onProgress?(done: number, total: number): void;
  readonly signal?: AbortSignal;
}

/**
 * What {@link trainRound} returns.
 *
 * @example
 * ```ts
 * import type { RoundResult } from '@sparse/lth';
 *
 * declare const result: RoundResult;
 * console.log(result.earlyStop.iteration, result.earlyStop.testAccuracy);
 * ```
 */
export interface RoundResult {
  readonly evals: readonly EvalRecord[];
  readonly earlyStop: EarlyStop;
  /** The last evaluation (at `endStep`). */
  readonly final: EvalRecord;
}

function checkSteps(options: TrainRoundOptions): void {
  const { startStep, endStep, evalEvery } = options;
  const bad = (field: string, value: unknown, allowed: string): never => {
    throw new SparseError('E_ARGUMENT', `trainRound: ${field} must be ${allowed}, got ${String(value)}.`, { field, received: value, allowed });
  };
  if (!Number.isSafeInteger(startStep) || startStep < 0) bad('startStep', startStep, 'an integer >= 0');
  if (!Number.isSafeInteger(endStep) || endStep < startStep) bad('endStep', endStep, `an integer >= startStep (${startStep})`);
  if (!Number.isSafeInteger(evalEvery) || evalEvery < 1) bad('evalEvery', evalEvery, 'an integer >= 1');
  if (options.checkpointEvery !== undefined && (!Number.isSafeInteger(options.checkpointEvery) || options.checkpointEvery < 1)) bad('checkpointEvery', options.checkpointEvery, 'an integer >= 1');
}

/** The rows of a full batch: given, else the provider's, else measured on batch 0 of epoch 0 (a full one). */
function fullBatchRows(options: TrainRoundOptions): number {
  const known = options.batchSize ?? options.batches.batchSize;
  if (known !== undefined) return known;
  const probe = options.batches.batch(0, 0);
  const rows = probe.x.shape[0] as number;
  tf.dispose([probe.x, probe.y]);
  return rows;
}

/**
 * One IMP training round: a fresh start of a training engine (masked Adam; core's `fused` by
 * default), trained from iteration `startStep` to `endStep` on `batches` (batch `i mod stepsPerEpoch` of
 * epoch `floor(i / stepsPerEpoch)` at iteration `i`, so every round sees the same data order),
 * evaluated every `evalEvery` iterations. The steps are core's `train` loop stepping through the
 * started engine; evaluations, snapshots and checkpoints run in its `onStepEnd` hook. The model must already hold the round's starting
 * weights (reset and masked), unless `resume` is given, in which case weights, optimizer and
 * evaluations come from it and training continues bit-identically. Creates no tensor that
 * outlives it.
 *
 * @example
 * ```ts
 * import { optimizerEngine } from '@sparse/core';
 * import { createMlp, createEvaluator, trainRound } from '@sparse/lth';
 * import { createBatchLoader, loadFashionMnist, splitValidation } from '@sparse/datasets';
 *
 * const data = await loadFashionMnist();
 * const { train, validation } = splitValidation(data.train, { validationSize: 500, seed: 0 });
 * const model = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
 * const val = createEvaluator(validation);
 * const test = createEvaluator(data.test);
 * const result = await trainRound({
 *   model,
 *   masks: new Map(),
 *   batches: createBatchLoader(train, { batchSize: 60, seed: 0 }),
 *   learningRate: 1.2e-3,
 *   engine: optimizerEngine('fused'),
 *   startStep: 0,
 *   endStep: 500,
 *   evalEvery: 100,
 *   validate: () => val.evaluate(model.forward),
 *   test: () => test.evaluate(model.forward),
 *   testAt: 'improvement',
 * });
 * console.log(result.earlyStop);
 * ```
 */
export async function trainRound(options: TrainRoundOptions): Promise<RoundResult> {
  checkSteps(options);
  const { model, batches, startStep, endStep, evalEvery, resume, signal } = options;
  const engine = options.engine ?? optimizerEngine('fused');
  const refusal = engine.refusal(model, [...options.masks.keys()]);
  if (refusal !== undefined) throw refusal;
  const evals: EvalRecord[] = resume === undefined ? [] : [...resume.evals];
  const snapshots = new Set(options.snapshotAt ?? []);
  const maskTensors = binaryToMaskSet(options.masks);
  let stepper: EngineStepper | undefined;
  try {
    if (resume !== undefined) assignParameterValues(model.parameters, resume.parameters);
    stepper = await engine.start(model, maskTensors, {
      learningRate: options.learningRate,
      initialStep: resume?.iteration ?? startStep,
      batchSize: fullBatchRows(options),
      ...(resume === undefined ? {} : { adam: resume.adam }),
    });
    const steps = stepper;
    let bestLoss = Number.POSITIVE_INFINITY;
    for (const e of evals) if (e.validationLoss < bestLoss) bestLoss = e.validationLoss;
    const record = async (iteration: number): Promise<void> => {
      const v = options.validate();
      const improved = v.loss < bestLoss;
      if (improved) bestLoss = v.loss;
      const t = options.testAt !== 'improvement' || improved || iteration === endStep ? options.test() : undefined;
      const evaluation: EvalRecord = {
        iteration,
        validationLoss: v.loss,
        validationAccuracy: v.accuracy,
        testLoss: t === undefined ? null : t.loss,
        testAccuracy: t === undefined ? null : t.accuracy,
      };
      evals.push(evaluation);
      await options.onEval?.(evaluation);
    };
    const first = resume?.iteration ?? startStep;
    if (resume === undefined) {
      if (snapshots.has(first)) await options.onSnapshot?.(first, readParameterValues(model.parameters));
      await record(first);
    }
    const every = options.checkpointEvery;
    const total = endStep - startStep;
    const perEpoch = batches.stepsPerEpoch;
    const firstEpoch = Math.floor(first / perEpoch);
    // Iteration i trains on batch i mod perEpoch of epoch floor(i / perEpoch); the first epoch starts mid-way.
    function* epochBatches(epoch: number): Generator<Batch> {
      for (let i = epoch === firstEpoch ? first % perEpoch : 0; i < perEpoch; i += 1) yield batches.batch(epoch, i);
    }
    // Core's loop makes the steps; evaluations, snapshots and checkpoints happen after each.
    const result = await train({
      parameters: model.parameters,
      loss: (batch) => model.loss(batch),
      engine: steps,
      batches: epochBatches,
      steps: Math.max(0, endStep - first),
      initialStep: first,
      initialEpoch: firstEpoch,
      disposeBatches: true,
      ...(signal === undefined ? {} : { signal }),
      hooks: {
        onStepEnd: async ({ step }) => {
          const iteration = step + 1;
          options.onProgress?.(iteration - startStep, total);
          const snapshot = snapshots.has(iteration);
          const evaluate = iteration % evalEvery === 0 || iteration === endStep;
          const checkpoint = every !== undefined && iteration % every === 0 && iteration < endStep && options.onCheckpoint !== undefined;
          if (snapshot || evaluate || checkpoint) steps.sync();
          if (snapshot) await options.onSnapshot?.(iteration, readParameterValues(model.parameters));
          if (evaluate) await record(iteration);
          if (checkpoint) {
            await options.onCheckpoint?.({ iteration, parameters: readParameterValues(model.parameters), adam: await steps.adamState(), evals: [...evals] });
          }
        },
      },
    });
    if (result.aborted) signal?.throwIfAborted();
    const final = evals[evals.length - 1] as EvalRecord;
    return { evals, earlyStop: earlyStopping(evals), final };
  } finally {
    await stepper?.dispose();
    tf.dispose([...maskTensors.values()]);
  }
}
