import type { Optimizer } from '@tensorflow/tfjs-core';
import type { Batch, LossFunction } from '../contracts/batch.js';
import type { MaskSet } from '../contracts/mask.js';
import type { NamedParameter } from '../contracts/parameter.js';
import type { Pruner } from '../contracts/pruner.js';
import type { Regularizer } from '../contracts/regularizer.js';
import type { Schedule } from '../contracts/schedule.js';
import type { Scorer, ScoringInput } from '../contracts/scorer.js';
import type { SparsityTarget } from '../contracts/sparsity-target.js';
import type { MaskUpdateRule } from '../contracts/mask-update-rule.js';
import type { EngineStepper } from '../contracts/training-engine.js';
import type { MaskUpdateSummary } from './mask-update-step.js';
import type { RegularizerBinding } from './regularizer-binding.js';

/**
 * Where {@link train} gets its minibatches: an array (or any re-iterable) read once per epoch,
 * a sync or async iterable read once, or a function returning the batches of an epoch (the way to
 * reshuffle every epoch with a seed of your own).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { BatchSource, Batch } from '@sparse/core';
 *
 * const batches: Batch[] = [{ x: tf.zeros([60, 784]), y: tf.zeros([60, 10]) }];
 * const perEpoch: BatchSource = (epoch) => (epoch % 2 === 0 ? batches : [...batches].reverse());
 * ```
 */
export type BatchSource = Iterable<Batch> | AsyncIterable<Batch> | ((epoch: number) => Iterable<Batch> | AsyncIterable<Batch>);

/**
 * Everything of a prune's {@link SparsityTarget} except the sparsity, which the schedule gives:
 * `scope` (default `layerwise`), `perParameter`, and whatever else the target carries (e.g. ERK's
 * exponent). `basis` is left out: schedules give sparsities of the total, which is the default.
 *
 * @example
 * ```ts
 * import type { PruneTargetOptions } from '@sparse/core';
 *
 * const target: PruneTargetOptions = { scope: 'global', perParameter: { 'fc3/kernel': 0.45 } };
 * ```
 */
export type PruneTargetOptions = Partial<Omit<SparsityTarget, 'sparsity' | 'basis'>>;

/**
 * Extra {@link ScoringInput} fields given to the scorer at each prune, beside the parameters, the
 * current masks and the per-prune seed: `model` for scorers that run the model, `batches` for
 * scorers that average over batches, or a fixed `batch` and `loss`.
 *
 * @example
 * ```ts
 * import type { ScoringExtras, Batch, LossFunction } from '@sparse/core';
 *
 * declare const calibration: Batch;
 * declare const loss: LossFunction;
 * const scoring: ScoringExtras = { batch: calibration, loss };
 * ```
 */
export type ScoringExtras = Partial<Omit<ScoringInput, 'parameters' | 'masks' | 'seed'>>;

/**
 * Gradual pruning inside {@link train}: at every step where `schedule.isUpdateStep(step)`,
 * before that step's update, the loop scores the pruned parameters, prunes them to
 * `schedule.sparsityAt(step)` and swaps the masks.
 *
 * @example
 * ```ts
 * import { polynomialDecay, type GradualPruning, type Scorer, type Pruner } from '@sparse/core';
 *
 * declare const magnitude: Scorer;
 * declare const pruner: Pruner;
 * const pruning: GradualPruning = {
 *   scorer: magnitude,
 *   pruner,
 *   schedule: polynomialDecay({ finalSparsity: 0.9, begin: 0, end: 2000 }),
 *   target: { scope: 'global' },
 * };
 * ```
 */
export interface GradualPruning {
  /** Scores the weights (higher = keep). */
  readonly scorer: Scorer;
  /** Turns scores into masks at the target sparsity. */
  readonly pruner: Pruner;
  /** When to prune and how sparse to be. */
  readonly schedule: Schedule;
  /** The parameters to prune. Default: those of `parameters` whose role is a dense or conv kernel. */
  readonly parameters?: readonly NamedParameter[];
  /** The rest of each prune's target. Default `{ scope: 'layerwise' }`. */
  readonly target?: PruneTargetOptions;
  /**
   * What the scorer gets besides parameters, masks and seed. By default the step's `batch` and the
   * training `loss`; fields given here are added or take their place (e.g. `model` for GraSP or
   * SynFlow, a fixed calibration `batch`).
   */
  readonly scoring?: ScoringExtras;
}

/**
 * Dynamic sparse training inside {@link train}: before every step where
 * `rule.isUpdateStep(step, totalSteps)`, the loop runs `applyMaskUpdate` on the engine's
 * `maskAccess` (or, with `optimizer`, on the masked optimizer), with this step's batch and the
 * seed `pruneStepSeed(seed, step)`: the rule's new masks go into force, grown weights and their
 * optimizer slots are zeroed, each layer keeps its density (the rule's promise).
 *
 * @example
 * ```ts
 * import type { MaskUpdates, MaskUpdateRule } from '@sparse/core';
 *
 * declare const rigl: MaskUpdateRule;
 * const maskUpdates: MaskUpdates = { rule: rigl, totalSteps: 4600 };
 * ```
 */
export interface MaskUpdates {
  /** The rule (core's `MaskUpdateRules` kind: `rigl`, `set`, or a plugin's own). */
  readonly rule: MaskUpdateRule;
  /**
   * Steps the whole training runs, absolute (the rule's schedule ends relative to it). Default:
   * `initialStep` plus the steps this call runs, when known (`steps`, or `epochs` over an array of
   * batches); otherwise it must be given.
   */
  readonly totalSteps?: number;
}

/**
 * What `onMaskUpdate` receives: the {@link MaskUpdateSummary} of the update and the epoch.
 *
 * @example
 * ```ts
 * import type { MaskUpdateEvent } from '@sparse/core';
 *
 * const onMaskUpdate = (event: MaskUpdateEvent) => console.log(`step ${event.step}: ${event.grown} entries grown`);
 * ```
 */
export interface MaskUpdateEvent extends MaskUpdateSummary {
  /** The current epoch (zero-based). */
  readonly epoch: number;
}

/**
 * What `onStepEnd` receives. The loss is only read from the backend if the hook calls
 * `readLoss()`, so a hook that does not ask for it costs no synchronisation.
 *
 * @example
 * ```ts
 * import type { StepEndEvent } from '@sparse/core';
 *
 * const onStepEnd = async (event: StepEndEvent) => {
 *   if (event.step % 100 === 0) console.log(event.step, await event.readLoss());
 * };
 * ```
 */
export interface StepEndEvent {
  /** The step just completed (absolute: `initialStep` + steps run). */
  readonly step: number;
  /** The current epoch (zero-based). */
  readonly epoch: number;
  /** Index of the batch within the epoch. */
  readonly batchIndex: number;
  /** Reads the step's loss (penalties included); valid until the hook returns. */
  readLoss(): Promise<number>;
}

/**
 * What `onEpochEnd` receives.
 *
 * @example
 * ```ts
 * import type { EpochEndEvent } from '@sparse/core';
 *
 * const onEpochEnd = async (event: EpochEndEvent) => console.log(event.epoch, await event.readMeanLoss());
 * ```
 */
export interface EpochEndEvent {
  /** The epoch just completed (zero-based). */
  readonly epoch: number;
  /** The last step of the epoch. */
  readonly step: number;
  /** Number of steps run in the epoch. */
  readonly steps: number;
  /** Reads the mean training loss of the epoch (accumulated on the backend, read on request). */
  readMeanLoss(): Promise<number>;
}

/**
 * What `onPrune` receives after a mask update.
 *
 * @example
 * ```ts
 * import type { PruneEvent } from '@sparse/core';
 *
 * const onPrune = (event: PruneEvent) => console.log(`step ${event.step}: pruned to ${event.sparsity}`);
 * ```
 */
export interface PruneEvent {
  /** The step whose update follows the new masks. */
  readonly step: number;
  /** The current epoch. */
  readonly epoch: number;
  /** The target sparsity the pruner was asked for (`schedule.sparsityAt(step)`). */
  readonly sparsity: number;
  /** The new masks, in force; valid until the next prune (do not dispose them). */
  readonly masks: MaskSet;
}

/**
 * Hooks of {@link train}. All may be async; the loop awaits them.
 *
 * @example
 * ```ts
 * import type { TrainHooks } from '@sparse/core';
 *
 * const hooks: TrainHooks = {
 *   onEpochEnd: async (event) => console.log(`epoch ${event.epoch}: ${await event.readMeanLoss()}`),
 *   onPrune: (event) => console.log(`pruned to ${event.sparsity} at ${event.step}`),
 * };
 * ```
 */
export interface TrainHooks {
  /** Before the first step. */
  onTrainBegin?(event: { readonly step: number; readonly masks: MaskSet }): void | Promise<void>;
  /** Before the first batch of an epoch. */
  onEpochBegin?(event: { readonly epoch: number; readonly step: number }): void | Promise<void>;
  /** After each optimizer step. Its presence makes the loop keep the step's loss tensor. */
  onStepEnd?(event: StepEndEvent): void | Promise<void>;
  /** After each epoch. Its presence makes the loop accumulate the loss on the backend. */
  onEpochEnd?(event: EpochEndEvent): void | Promise<void>;
  /** After each mask update of gradual pruning. */
  onPrune?(event: PruneEvent): void | Promise<void>;
  /** After each mask update of `maskUpdates` (dynamic sparse training), before that step's update. */
  onMaskUpdate?(event: MaskUpdateEvent): void | Promise<void>;
  /** After the last step, also when aborted. */
  onTrainEnd?(result: TrainResult): void | Promise<void>;
}

/**
 * Progress reported to `onProgress` after each step. It never reads a tensor.
 *
 * @example
 * ```ts
 * import type { TrainProgress } from '@sparse/core';
 *
 * const onProgress = (p: TrainProgress) => {
 *   if (p.stepsDone % 100 === 0) console.log(`${Math.round(100 * (p.fraction ?? 0))} %`);
 * };
 * ```
 */
export interface TrainProgress {
  /** The step just completed (absolute). */
  readonly step: number;
  /** Steps run by this call. */
  readonly stepsDone: number;
  /** Steps this call will run, when known. */
  readonly totalSteps?: number;
  /** The current epoch (zero-based). */
  readonly epoch: number;
  /** Fraction done in `[0, 1]`, when it can be known. */
  readonly fraction?: number;
  /** The target sparsity of the masks in force (the last prune's), once gradual pruning has pruned. */
  readonly targetSparsity?: number;
  /** Milliseconds since the loop started. */
  readonly elapsedMs: number;
}

/**
 * Options of {@link train}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { TrainOptions, NamedParameter, Batch } from '@sparse/core';
 *
 * declare const parameters: NamedParameter[];
 * declare const batches: Batch[];
 * declare function forward(x: tf.Tensor): tf.Tensor;
 * const options: TrainOptions = {
 *   parameters,
 *   loss: ({ x, y }) => tf.losses.softmaxCrossEntropy(y, forward(x)),
 *   optimizer: tf.train.adam(1.2e-3),
 *   batches,
 *   epochs: 3,
 * };
 * ```
 */
export interface TrainOptions {
  /** Every trainable parameter (the optimizer updates exactly these); masks are keyed by their names. */
  readonly parameters: readonly NamedParameter[];
  /** The loss of a batch, computed from the current variables. */
  readonly loss: LossFunction;
  /**
   * A plain tfjs optimizer; the loop wraps it with {@link withMasks}. Its state is not disposed.
   * Exactly one of `optimizer` and `engine` is given.
   */
  readonly optimizer?: Optimizer;
  /**
   * Instead of `optimizer`: a started training engine (core's `TrainingEngine`, e.g.
   * `optimizerEngine('fused').start(model, masks, …)` or a backend's `dense-trainer`), whose
   * `step(batch)` makes each update. The engine holds the masks it was started with (changed only
   * by `maskUpdates`, through its `maskAccess`), so `masks` and `pruning` are refused with it,
   * and the step loss is not available (`readLoss()` / `readMeanLoss()` throw). `regularizers`
   * are allowed when each has a `proximalStep` and no `penalty` and the stepper has `reload()`
   * (core's engines and `dense-trainer` do): after each step the loop `sync()`s, runs the proximal
   * steps as the optimizer path does, and `reload()`s; `learningRate` is then required. The
   * caller owns it: `sync()` it in hooks before reading the variables, and dispose it after
   * `train` returns.
   */
  readonly engine?: EngineStepper;
  /** The minibatches. */
  readonly batches: BatchSource;
  /** Steps to run. At least one of `steps` and `epochs`; with both, whichever ends first. */
  readonly steps?: number;
  /** Epochs to run (passes over `batches`). */
  readonly epochs?: number;
  /** Initial masks, applied before the first step. Still owned by the caller. Default: none. */
  readonly masks?: MaskSet;
  /** Gradual pruning. */
  readonly pruning?: GradualPruning;
  /**
   * Dynamic sparse training: a {@link MaskUpdateRule} changing the masks between steps. With
   * `engine`, the engine must have a `maskAccess` (core's `stock` and `fused` engines and the wasm
   * backend's `dense-trainer` do); with `optimizer`, the masks of `masks` are updated. Not with
   * `pruning`.
   */
  readonly maskUpdates?: MaskUpdates;
  /** Regularizers (penalties added to the loss, proximal steps after each update; with `engine`, proximal steps only). */
  readonly regularizers?: readonly (Regularizer | RegularizerBinding)[];
  /**
   * Learning rate for proximal steps; default: the optimizer's `getConfig().learningRate`. With
   * `engine`: required with `regularizers` (give the engine's rate), refused without.
   */
  readonly learningRate?: number | ((step: number) => number);
  /** Hooks. */
  readonly hooks?: TrainHooks;
  /** Called after each step with where training stands (no tensor read). */
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Stops training before the next step; the result then has `aborted: true`. */
  readonly signal?: AbortSignal;
  /** Absolute number of the first step (schedules and regularizers see absolute steps). Default `0`. */
  readonly initialStep?: number;
  /** Zero-based number of the first epoch, for resumed runs. Default `0`. */
  readonly initialEpoch?: number;
  /** Dispose each batch's `x` and `y` after its step (for generators that make fresh tensors). Default `false`. */
  readonly disposeBatches?: boolean;
  /** Run seed (integer ≥ 0); each prune's scorer and each mask update's rule gets {@link pruneStepSeed}`(seed, step)`. Default `0`. */
  readonly seed?: number;
}

/**
 * What {@link train} returns.
 *
 * Mask ownership: tensors in `masks` that were not in `options.masks` were made by the pruner (or
 * by `maskUpdates`, with `optimizer`) during training and now belong to the caller, who disposes
 * them when done.
 *
 * @example
 * ```ts
 * import type { TrainResult } from '@sparse/core';
 *
 * declare const result: TrainResult;
 * if (result.aborted) console.log(`stopped after ${result.stepsDone} steps`);
 * ```
 */
export interface TrainResult {
  /** Steps run by this call. */
  readonly stepsDone: number;
  /** The absolute number of the next step (pass it as `initialStep` to resume). */
  readonly nextStep: number;
  /** Epochs completed by this call. */
  readonly epochsDone: number;
  /** The masks in force at the end. */
  readonly masks: MaskSet;
  /** Whether training stopped because `signal` was aborted. */
  readonly aborted: boolean;
  /** Number of mask updates done by gradual pruning. */
  readonly prunes: number;
  /** Number of mask updates done by `maskUpdates`. */
  readonly maskUpdates: number;
}
