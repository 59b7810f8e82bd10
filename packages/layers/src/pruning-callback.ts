import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  MaskedOptimizer,
  SparseError,
  applyMasks,
  pruneStepSeed,
  type MaskSet,
  type NamedParameter,
  type PruneTargetOptions,
  type Pruner,
  type Schedule,
  type Scorer,
  type ScoringExtras,
} from '@sparse/core';
import { prunableParameters } from './model-parameters.js';

/**
 * What {@link PruningCallbackOptions.onPrune} receives.
 *
 * @example
 * ```ts
 * import type { FitPruneEvent } from '@sparse/layers';
 *
 * const onPrune = (event: FitPruneEvent) => console.log(`step ${event.step} → ${event.sparsity}`);
 * ```
 */
export interface FitPruneEvent {
  /** The global step (batch count since `initialStep`) whose update follows the new masks. */
  readonly step: number;
  /** The epoch. */
  readonly epoch: number;
  /** The target the pruner was asked for, `schedule.sparsityAt(step)`. */
  readonly sparsity: number;
  /** The new masks, in force until the next prune (owned by the callback). */
  readonly masks: MaskSet;
}

/**
 * Options of {@link pruningCallback}.
 *
 * @example
 * ```ts
 * import { polynomialDecay, type Scorer, type Pruner } from '@sparse/core';
 * import type { PruningCallbackOptions } from '@sparse/layers';
 *
 * declare const magnitude: Scorer;
 * declare const pruner: Pruner;
 * const options: PruningCallbackOptions = {
 *   scorer: magnitude,
 *   pruner,
 *   schedule: polynomialDecay({ finalSparsity: 0.8, begin: 0, end: 1000, frequency: 100 }),
 * };
 * ```
 */
export interface PruningCallbackOptions {
  /** The parameters to prune. Default: {@link prunableParameters} of the model being fit. */
  readonly parameters?: readonly NamedParameter[];
  /** Scores the weights (higher = keep). */
  readonly scorer: Scorer;
  /** Turns scores into masks. */
  readonly pruner: Pruner;
  /** When to prune and how sparse to be; steps are batches counted across epochs. */
  readonly schedule: Schedule;
  /** The rest of each prune's target (`scope`, `perParameter`, …). Default `{ scope: 'layerwise' }`. */
  readonly target?: PruneTargetOptions;
  /** Masks to start from (still owned by the caller). Default: dense. */
  readonly masks?: MaskSet;
  /** The step number of the first batch, for resumed runs. Default `0`. */
  readonly initialStep?: number;
  /**
   * What the scorer gets besides parameters, masks and seed. A callback cannot see `fit`'s
   * batches, so scorers with `requiresData` (SNIP, GraSP, …) need a `batch` (or `batches`) and a
   * `loss` here; `model` for scorers that run the model.
   */
  readonly scoring?: ScoringExtras;
  /** Run seed; each prune's scorer gets `pruneStepSeed(seed, step)`. Default `0`. */
  readonly seed?: number;
  /** Called after each mask update. */
  readonly onPrune?: (event: FitPruneEvent) => void | Promise<void>;
}

/**
 * A tfjs-layers callback that prunes during `model.fit` — the Keras route, as tfmot's
 * `UpdatePruningStep`: at the start of every batch whose step is an update step of the schedule it
 * scores, prunes to `schedule.sparsityAt(step)`, swaps the masks and zeroes the pruned weights;
 * after every batch it re-applies the masks (`w ← m ⊙ w`), so pruned weights are exactly zero
 * whenever a batch ends.
 *
 * Difference with {@link MaskedOptimizer} (`withMasks`): a callback cannot reach into the
 * optimizer `fit` uses, so it cannot mask gradients; between the update and the end of the batch
 * a pruned weight may hold a small non-zero value, and Adam keeps moments for pruned weights
 * (harmless while the masks only grow; it matters if weights are regrown). For masked gradients
 * as well, compile the model with a masked optimizer over the same parameters —
 * `model.compile({ optimizer: withMasks(tf.train.adam(), { parameters }), loss })` — and this
 * callback hands it each new mask set.
 *
 * Steps count batches across epochs from `initialStep`. The callback owns the masks its pruner
 * makes: read them with {@link PruningCallback.masks} and free them with
 * {@link PruningCallback.dispose} once done (for example after {@link stripMasks}).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-layers';
 * import { polynomialDecay, type Scorer, type Pruner } from '@sparse/core';
 * import { pruningCallback, stripMasks } from '@sparse/layers';
 *
 * declare const magnitude: Scorer;
 * declare const pruner: Pruner;
 * declare const model: tf.LayersModel;
 * declare const xs: import('@tensorflow/tfjs-core').Tensor;
 * declare const ys: import('@tensorflow/tfjs-core').Tensor;
 * const pruning = pruningCallback({
 *   scorer: magnitude,
 *   pruner,
 *   schedule: polynomialDecay({ finalSparsity: 0.9, end: 2000, frequency: 100 }),
 * });
 * await model.fit(xs, ys, { epochs: 10, batchSize: 60, callbacks: [pruning] });
 * stripMasks(model, pruning.masks);
 * pruning.dispose();
 * await model.save('file://./pruned');
 * ```
 */
export class PruningCallback extends tfl.Callback {
  private readonly options: PruningCallbackOptions;
  private parameters: readonly NamedParameter[] | undefined;
  private currentMasks: MaskSet;
  private readonly owned = new Set<tf.Tensor>();
  private readonly userMasks: ReadonlySet<tf.Tensor>;
  private currentStep: number;
  private currentEpoch = 0;
  private readonly seed: number;

  constructor(options: PruningCallbackOptions) {
    super();
    validate(options);
    this.options = options;
    this.parameters = options.parameters;
    this.currentMasks = options.masks ?? new Map();
    this.userMasks = new Set(this.currentMasks.values());
    this.currentStep = options.initialStep ?? 0;
    this.seed = options.seed ?? 0;
  }

  /** The masks in force (owned by the callback, except those passed in as `masks`). */
  get masks(): MaskSet {
    return this.currentMasks;
  }

  /** The step of the next batch. */
  get step(): number {
    return this.currentStep;
  }

  /** Resolves the parameters and applies the initial masks. */
  override async onTrainBegin(): Promise<void> {
    this.parameters ??= prunableParameters(this.model);
    if (this.parameters.length === 0) {
      throw new SparseError('E_CONFIG', 'pruningCallback: the model has no dense or conv kernel to prune; pass parameters.', {
        field: 'parameters',
      });
    }
    if (this.currentMasks.size > 0) {
      applyMasks(this.parameters, this.currentMasks);
      this.handToOptimizer(this.currentMasks);
    }
  }

  /** Tracks the epoch for events. */
  override async onEpochBegin(epoch: number): Promise<void> {
    this.currentEpoch = epoch;
  }

  /** Prunes when the schedule says so, before the batch's update. */
  override async onBatchBegin(): Promise<void> {
    const step = this.currentStep;
    if (this.options.schedule.isUpdateStep(step)) await this.prune(step);
  }

  /** Re-applies the masks after the batch's update, and counts the step. */
  override async onBatchEnd(): Promise<void> {
    if (this.parameters !== undefined && this.currentMasks.size > 0) applyMasks(this.parameters, this.currentMasks);
    this.currentStep += 1;
  }

  /**
   * Disposes the masks the callback made (not those passed in), and takes them out of a masked
   * optimizer the model was compiled with. The callback can be reused after.
   */
  dispose(): void {
    this.currentMasks = new Map([...this.currentMasks].filter(([, mask]) => this.userMasks.has(mask)));
    // A masked optimizer must not keep references to the masks about to be freed.
    if ((this.model as tfl.LayersModel | undefined) !== undefined) this.handToOptimizer(this.currentMasks);
    tf.dispose([...this.owned]);
    this.owned.clear();
  }

  private async prune(step: number): Promise<void> {
    const parameters = this.parameters ?? prunableParameters(this.model);
    this.parameters = parameters;
    const { scorer, pruner, schedule, scoring, target } = this.options;
    const current = this.currentMasks;
    const sparsity = schedule.sparsityAt(step);
    const scores = await scorer.score({ ...scoring, parameters, masks: current, seed: pruneStepSeed(this.seed, step) });
    let fresh: MaskSet;
    try {
      fresh = await pruner.prune({ parameters, scores, masks: current, target: { scope: 'layerwise', ...target, sparsity } });
    } finally {
      tf.dispose([...scores.values()]);
    }
    const next = new Map(current);
    for (const [name, mask] of fresh) next.set(name, mask);
    try {
      applyMasks(parameters, next);
      this.handToOptimizer(next);
    } catch (error) {
      tf.dispose([...fresh.values()].filter((mask) => !this.userMasks.has(mask) && !this.owned.has(mask)));
      throw error;
    }
    for (const mask of fresh.values()) if (!this.userMasks.has(mask)) this.owned.add(mask);
    const inForce = new Set(next.values());
    for (const mask of current.values()) {
      if (this.owned.has(mask) && !inForce.has(mask)) {
        this.owned.delete(mask);
        mask.dispose();
      }
    }
    this.currentMasks = next;
    await this.options.onPrune?.({ step, epoch: this.currentEpoch, sparsity, masks: next });
  }

  /** If the model was compiled with a masked optimizer, it masks gradients with the same masks. */
  private handToOptimizer(masks: MaskSet): void {
    const optimizer: unknown = this.model.optimizer;
    if (optimizer instanceof MaskedOptimizer) optimizer.setMasks(masks, { apply: false });
  }

}

/**
 * Builds a {@link PruningCallback} for `model.fit({ callbacks: [...] })`.
 *
 * @throws SparseError `E_CONFIG` for invalid options (a data-driven scorer without `scoring` data,
 * a bad step or seed).
 *
 * @example
 * ```ts
 * import { constantSparsity, type Scorer, type Pruner } from '@sparse/core';
 * import { pruningCallback } from '@sparse/layers';
 *
 * declare const magnitude: Scorer;
 * declare const pruner: Pruner;
 * const callback = pruningCallback({ scorer: magnitude, pruner, schedule: constantSparsity({ sparsity: 0.5, frequency: 50 }) });
 * ```
 */
export function pruningCallback(options: PruningCallbackOptions): PruningCallback {
  return new PruningCallback(options);
}

function validate(options: PruningCallbackOptions): void {
  if (typeof options?.scorer?.score !== 'function') {
    throw new SparseError('E_CONFIG', 'pruningCallback: scorer must be a Scorer (an object with score()).', { field: 'scorer' });
  }
  if (typeof options.pruner?.prune !== 'function') {
    throw new SparseError('E_CONFIG', 'pruningCallback: pruner must be a Pruner (an object with prune()).', { field: 'pruner' });
  }
  if (typeof options.schedule?.sparsityAt !== 'function' || typeof options.schedule.isUpdateStep !== 'function') {
    throw new SparseError('E_CONFIG', 'pruningCallback: schedule must be a Schedule (sparsityAt() and isUpdateStep()).', {
      field: 'schedule',
    });
  }
  const { scoring } = options;
  if (options.scorer.requiresData && (scoring?.loss === undefined || (scoring.batch === undefined && scoring.batches === undefined))) {
    throw new SparseError(
      'E_CONFIG',
      `pruningCallback: the scorer '${options.scorer.name}' needs data, and a callback cannot see fit()'s batches; pass scoring: { batch, loss }.`,
      { field: 'scoring' },
    );
  }
  for (const field of ['initialStep', 'seed'] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new SparseError('E_CONFIG', `pruningCallback: ${field} must be an integer ≥ 0; got ${String(value)}.`, {
        field,
        received: value,
        allowed: 'an integer ≥ 0',
      });
    }
  }
}
