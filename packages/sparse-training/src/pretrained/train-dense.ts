import * as tf from '@tensorflow/tfjs-core';
import type { DenseMlp, TrainingEngine } from '@sparse/core';
import type { BatchLoader } from '@sparse/datasets';

/** What {@link trainWithEngine} runs: a model, masks on some kernels (or none), the batches and Adam's rate. */
export interface EngineTraining {
  readonly model: DenseMlp;
  readonly engine: TrainingEngine;
  /** Binary masks (`1` kept) of some kernels; the model must already hold `w ⊙ m` there. */
  readonly masks: ReadonlyMap<string, Uint8Array>;
  readonly loader: BatchLoader;
  readonly epochs: number;
  readonly learningRate: number;
  /** After each epoch (weights synced into the model). */
  onEpoch?(epoch: number): void | Promise<void>;
  /** After each step. */
  onStep?(stepsDone: number): void;
  readonly signal?: AbortSignal;
}

/**
 * Trains `model` with a fresh Adam on a started engine for whole epochs (batch `step` of epoch
 * `epoch` of the loader), masked where `masks` say (the engine masks the gradients and re-applies
 * `w ← m ⊙ w`), syncing the weights into the model after every epoch. Creates no lasting tensor.
 */
export async function trainWithEngine(options: EngineTraining): Promise<void> {
  const { model, loader } = options;
  const shapes = new Map(model.parameters.map((p) => [p.name, p.variable.shape] as const));
  const maskTensors = new Map([...options.masks].map(([name, mask]) => [name, tf.tensor(Float32Array.from(mask), shapes.get(name))] as const));
  const stepper = await options.engine.start(model, maskTensors, { learningRate: options.learningRate, initialStep: 0, batchSize: loader.batchSize });
  try {
    let done = 0;
    for (let epoch = 0; epoch < options.epochs; epoch += 1) {
      for (let step = 0; step < loader.stepsPerEpoch; step += 1) {
        options.signal?.throwIfAborted();
        const batch = loader.batch(epoch, step);
        try {
          await stepper.step(batch);
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
        done += 1;
        options.onStep?.(done);
      }
      stepper.sync();
      await options.onEpoch?.(epoch + 1);
    }
  } finally {
    await stepper.dispose();
    tf.dispose([...maskTensors.values()]);
  }
}
