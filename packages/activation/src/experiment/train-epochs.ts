import * as tf from '@tensorflow/tfjs-core';
import { train } from '@sparse/core';
import { createBatchLoader, type ImageSet } from '@sparse/datasets';
import type { JsonObject, UnitContext } from '@sparse/experiments';
import type { ActivationHook } from '../hooks/activation-hook.js';
import type { ActivationModel } from '../models/activation-model.js';
import { captureAdam, restoreAdam } from './adam-checkpoint.js';
import { assignParameters, parameterRecords } from './weights.js';

/** Options of {@link trainEpochs}. @internal */
export interface TrainEpochsOptions {
  readonly ctx: UnitContext;
  readonly model: ActivationModel;
  /** Kept in place during training (fine-tuning with thresholds); default dense. */
  readonly hook?: ActivationHook;
  readonly train: ImageSet;
  readonly batchSize: number;
  /** The seed of the batch order (each epoch derives its own). */
  readonly batchSeed: number;
  readonly epochs: number;
  /** Adam's learning rate for the absolute step `step`. */
  readonly learningRate: (step: number) => number;
  /** Measured before the first step (epoch 0), when not resuming. */
  readonly atStart?: () => JsonObject;
  /** Measured after each epoch (1-based). */
  readonly afterEpoch?: (epoch: number) => JsonObject;
}

interface TrainState {
  readonly epoch: number;
  readonly step: number;
  readonly history: readonly JsonObject[];
  readonly adam: JsonObject;
}

function setLearningRate(optimizer: tf.Optimizer, value: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = value;
}

/**
 * Trains a model with Adam through the core loop, epoch by epoch, with a checkpoint (parameters,
 * Adam state, history) after each epoch; a resumed unit continues from the last one bit for bit.
 * Every record (`{ epoch, ...measured }`) is also written as a metric. Returns the history. @internal
 */
export async function trainEpochs(options: TrainEpochsOptions): Promise<JsonObject[]> {
  const { ctx, model, hook, epochs } = options;
  const loader = createBatchLoader(options.train, { batchSize: options.batchSize, seed: options.batchSeed });
  const optimizer = tf.train.adam(options.learningRate(0));
  try {
    const history: JsonObject[] = [];
    let epoch = 0;
    let step = 0;
    const resume = ctx.resume;
    if (resume !== undefined) {
      const state = resume.state as unknown as TrainState;
      assignParameters(model, resume.tensors, `Checkpoint ${resume.key} of ${ctx.id}`);
      if ((state.adam['moments'] as readonly string[]).length > 0) await restoreAdam(optimizer, state.adam, resume.tensors);
      history.push(...state.history);
      epoch = state.epoch;
      step = state.step;
    } else if (options.atStart !== undefined) {
      const record = { epoch: 0, ...options.atStart() };
      history.push(record);
      await ctx.metric(record);
    }
    if (epoch >= epochs) return history;
    setLearningRate(optimizer, options.learningRate(step));
    const totalSteps = epochs * loader.stepsPerEpoch;
    const result = await train({
      parameters: model.parameters,
      loss: ({ x, y }) => tf.losses.softmaxCrossEntropy(y, model.forward(x, hook)) as tf.Scalar,
      optimizer,
      batches: (index) => loader.epoch(index),
      epochs: epochs - epoch,
      initialEpoch: epoch,
      initialStep: step,
      disposeBatches: true,
      signal: ctx.signal,
      hooks: {
        onStepEnd: ({ step: done }) => {
          setLearningRate(optimizer, options.learningRate(done + 1));
          ctx.progress(done + 1, totalSteps);
        },
        onEpochEnd: async ({ epoch: index, step: last }) => {
          const record = { epoch: index + 1, ...options.afterEpoch?.(index + 1) };
          history.push(record);
          await ctx.metric(record);
          const adam = await captureAdam(optimizer);
          const state: TrainState = { epoch: index + 1, step: last + 1, history: [...history], adam: adam.state };
          await ctx.checkpoint(`epoch-${index + 1}`, { state: state as unknown as JsonObject, tensors: { ...parameterRecords(model), ...adam.tensors } });
        },
      },
    });
    if (result.aborted) ctx.signal.throwIfAborted();
    return history;
  } finally {
    optimizer.dispose();
    loader.dispose();
  }
}
