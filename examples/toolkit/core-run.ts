/**
 * One training run of the plain-variable MLP with core's `train()` (which wraps the optimizer with
 * `withMasks`: gradients of pruned weights are zeroed and `w ← m ⊙ w` after every update), with
 * optional fixed masks or gradual pruning; logs progress, validation accuracy per epoch and the
 * final test accuracy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { train, type GradualPruning, type MaskSet } from '@sparse/core';
import { accuracy, trainBatches, type ToolkitData } from './data.js';
import { log } from './log.js';
import type { Mlp } from './mlp.js';

export interface CoreRunOptions {
  readonly label: string;
  readonly data: ToolkitData;
  readonly mlp: Mlp;
  /** The data-order seed. */
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** A plain tfjs optimizer; the caller owns (and disposes) it, so a run can continue another's state. */
  readonly optimizer: tf.Optimizer;
  /** Fixed masks (still the caller's). */
  readonly masks?: MaskSet;
  readonly pruning?: GradualPruning;
  /** For a run that continues another: absolute step and epoch to start at. */
  readonly initialStep?: number;
  readonly initialEpoch?: number;
}

export interface CoreRunResult {
  /** Validation accuracy after each epoch (absolute epoch numbers, 1-based). */
  readonly validation: readonly { readonly epoch: number; readonly accuracy: number; readonly loss: number }[];
  readonly testAccuracy: number;
  /** Masks in force at the end (made by the pruner during training: the caller disposes them). */
  readonly masks: MaskSet;
  readonly prunes: readonly { readonly step: number; readonly sparsity: number }[];
  readonly nextStep: number;
  readonly seconds: number;
}

export async function runCore(options: CoreRunOptions): Promise<CoreRunResult> {
  const { data, mlp, label } = options;
  const batches = trainBatches(data, options.seed, options.batchSize);
  const initialEpoch = options.initialEpoch ?? 0;
  const totalSteps = options.epochs * batches.stepsPerEpoch;
  const validation: { epoch: number; accuracy: number; loss: number }[] = [];
  const prunes: { step: number; sparsity: number }[] = [];
  const started = performance.now();
  let lastLog = started;
  const result = await train({
    parameters: mlp.parameters,
    loss: ({ x, y }) => tf.losses.softmaxCrossEntropy(y, mlp.forward(x)),
    optimizer: options.optimizer,
    batches: (epoch) => batches.epoch(epoch),
    epochs: options.epochs,
    disposeBatches: true,
    initialStep: options.initialStep ?? 0,
    initialEpoch,
    seed: options.seed,
    ...(options.masks === undefined ? {} : { masks: options.masks }),
    ...(options.pruning === undefined ? {} : { pruning: options.pruning }),
    hooks: {
      onEpochEnd: async (event) => {
        const loss = await event.readMeanLoss();
        const acc = accuracy(mlp.forward, data.validation);
        validation.push({ epoch: event.epoch + 1, accuracy: acc, loss });
        log(`${label} · epoch ${event.epoch + 1 - initialEpoch}/${options.epochs} · loss ${loss.toFixed(4)} · validation ${(100 * acc).toFixed(2)}%`);
      },
      onPrune: (event) => {
        prunes.push({ step: event.step, sparsity: event.sparsity });
      },
    },
    onProgress: (progress) => {
      const now = performance.now();
      if (now - lastLog < 15_000) return;
      lastLog = now;
      const rate = (progress.stepsDone * options.batchSize) / ((now - started) / 1000);
      const sparsity = progress.targetSparsity === undefined ? '' : ` · target sparsity ${progress.targetSparsity.toFixed(3)}`;
      log(`${label} · step ${progress.stepsDone}/${totalSteps}${sparsity} · ${rate.toFixed(0)} examples/s`);
    },
  });
  const testAccuracy = accuracy(mlp.forward, data.test);
  const seconds = (performance.now() - started) / 1000;
  log(`${label} · test ${(100 * testAccuracy).toFixed(2)}% · ${seconds.toFixed(0)} s`);
  return { validation, testAccuracy, masks: result.masks, prunes, nextStep: result.nextStep, seconds };
}
