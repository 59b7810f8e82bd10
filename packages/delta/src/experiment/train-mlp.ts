import type * as tf from '@tensorflow/tfjs-core';
import { train, type DenseMlp } from '@sparse/core';
import { createBatchLoader, type ImageSet } from '@sparse/datasets';
import { tensorToRecord, type TensorRecord, type UnitContext } from '@sparse/experiments';
import { captureOptimizer, restoreOptimizer } from './optimizer-state.js';

/**
 * Options of {@link trainMlp}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { type TrainMlpOptions } from './train-mlp.js';
 *
 * const options: Omit<TrainMlpOptions, 'data' | 'unit'> = { optimizer: tf.train.adam(1e-3), epochs: 3, batchSize: 128, seed: 1 };
 * ```
 */
export interface TrainMlpOptions {
  readonly data: ImageSet<Float32Array>;
  /** A fresh optimizer; its state is restored from the unit's checkpoint when it has one. */
  readonly optimizer: tf.Optimizer;
  readonly epochs: number;
  readonly batchSize: number;
  /** Seed of the batch order (epoch `e` shuffles with `(seed, e)`). */
  readonly seed: number;
  /** The run unit: its checkpoint (if interrupted before), where epochs are checkpointed, its signal. */
  readonly unit: UnitContext;
  /** Called after each epoch with its mean loss. */
  readonly onEpoch?: (epoch: number, loss: number) => void | Promise<void>;
}

const WEIGHTS = 'weights/';
const OPTIMIZER = 'optimizer/';

/**
 * Trains every parameter of the MLP with softmax cross-entropy, checkpointing weights and
 * optimizer state after every epoch; when the unit was interrupted, it continues from its last
 * checkpoint and ends bit-identical to an uninterrupted run. Returns the mean loss of every epoch.
 *
 * @throws the signal's reason when the run is cancelled (the last epoch checkpoint stays).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { trainMlp } from './train-mlp.js';
 * import type { DenseMlp } from '@sparse/core';
 * import type { ImageSet } from '@sparse/datasets';
 * import type { UnitContext } from '@sparse/experiments';
 *
 * declare const model: DenseMlp, data: ImageSet<Float32Array>, unit: UnitContext;
 * const losses = await trainMlp(model, { data, unit, optimizer: tf.train.adam(1e-3), epochs: 3, batchSize: 128, seed: 1 });
 * ```
 */
export async function trainMlp(model: DenseMlp, options: TrainMlpOptions): Promise<number[]> {
  const { unit, optimizer } = options;
  const losses: number[] = [];
  let firstEpoch = 0;
  const resume = unit.resume;
  if (resume !== undefined) {
    const state = resume.state as { epoch: number; losses: number[]; optimizer: unknown };
    firstEpoch = state.epoch;
    losses.push(...state.losses);
    const weights = new Map<string, Float32Array>();
    for (const { name } of model.parameters) weights.set(name, (resume.tensors.get(`${WEIGHTS}${name}`) as TensorRecord).data as Float32Array);
    model.write(weights);
    await restoreOptimizer(optimizer, OPTIMIZER, state.optimizer as never, resume.tensors);
  }
  if (firstEpoch >= options.epochs) return losses;
  const loader = createBatchLoader(options.data, { batchSize: options.batchSize, seed: options.seed, numClasses: 10 });
  try {
    const result = await train({
      parameters: model.parameters,
      loss: model.loss,
      optimizer,
      batches: (epoch) => loader.epoch(epoch),
      epochs: options.epochs - firstEpoch,
      initialEpoch: firstEpoch,
      initialStep: firstEpoch * loader.stepsPerEpoch,
      disposeBatches: true,
      signal: unit.signal,
      onProgress: (progress) => unit.progress(firstEpoch * loader.stepsPerEpoch + progress.stepsDone, options.epochs * loader.stepsPerEpoch),
      hooks: {
        onEpochEnd: async (event) => {
          const loss = await event.readMeanLoss();
          losses.push(loss);
          await options.onEpoch?.(event.epoch, loss);
          const tensors: Record<string, TensorRecord> = {};
          for (const { name, variable } of model.parameters) tensors[`${WEIGHTS}${name}`] = await tensorToRecord(variable);
          const saved = await captureOptimizer(optimizer, OPTIMIZER);
          await unit.checkpoint(`epoch-${String(event.epoch + 1).padStart(4, '0')}`, {
            state: { epoch: event.epoch + 1, losses: [...losses], optimizer: saved.state },
            tensors: { ...tensors, ...saved.tensors },
          });
        },
      },
    });
    if (result.aborted) unit.signal.throwIfAborted();
  } finally {
    loader.dispose();
  }
  return losses;
}

