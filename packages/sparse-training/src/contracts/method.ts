import type { BatchLoader, ImageSet } from '@sparse/datasets';
import type { DenseMlp, ImplementationRef, SparseRuntime } from '@sparse/core';
import type { JsonObject } from '@sparse/experiments';

/**
 * Loss and top-1 accuracy of a model on a held-out set.
 *
 * @example
 * ```ts
 * import type { SetEvaluation } from '@sparse/sparse-training';
 *
 * const evaluation: SetEvaluation = { loss: 0.41, accuracy: 0.853 };
 * ```
 */
export interface SetEvaluation {
  readonly loss: number;
  readonly accuracy: number;
}

/**
 * Everything one unit of a `sparse-training` experiment (one method, one seed, one sparsity)
 * gets from the experiment: the replicate's data and initial weights, the training budget, the
 * engine the config names, evaluation on the validation and test sets, progress and cancellation.
 *
 * @example
 * ```ts
 * import type { MethodContext } from '@sparse/sparse-training';
 *
 * declare const context: MethodContext;
 * const model = context.createModel();
 * console.log(context.evaluate(model, 'validation').accuracy);
 * model.dispose();
 * ```
 */
export interface MethodContext {
  /** The runtime (name tables, backend, training engines). */
  readonly runtime: SparseRuntime;
  /** The replicate's seed: the same initial weights and data order for every method of a seed. */
  readonly seed: number;
  /** Target sparsity of the kernels as a whole (fraction of zeros), for methods that use one; `undefined` otherwise. */
  readonly sparsity: number | undefined;
  /** Widths of the MLP, input first (`[784, 300, 100, 10]`). */
  readonly layerSizes: readonly number[];
  /** The replicate's initial weights θ0 by parameter name (`fc1/kernel`, `fc1/bias`, …). */
  readonly initialWeights: ReadonlyMap<string, Float32Array>;
  /** A fresh model (its own variables) at `weights`, default θ0. The caller disposes it. */
  createModel(weights?: ReadonlyMap<string, Float32Array>): DenseMlp;
  /** The training batches (seeded order per epoch). Do not dispose. */
  readonly loader: BatchLoader;
  /** The validation images (split from the training set by the replicate's seed). */
  readonly validation: ImageSet<Float32Array>;
  /** Epochs of the training budget (every method gets the same number of steps unless it says otherwise). */
  readonly epochs: number;
  /** Adam's learning rate. */
  readonly learningRate: number;
  /** The config's `engine` (`undefined`: the fastest engine that accepts the model). */
  readonly engine: ImplementationRef | undefined;
  /** Loss and accuracy of `model` on the validation or the test set (the model's current variables). */
  evaluate(model: DenseMlp, set: 'validation' | 'test'): SetEvaluation;
  /** Reports the optimizer steps this unit has run so far (for the progress bar). */
  progress(stepsDone: number): void;
  /** A line for the log (no newline needed). */
  log(line: string): void;
  /** Aborts the unit (the run is resumed later from completed units). */
  readonly signal?: AbortSignal;
}

/**
 * What a method reports for one unit; `results.json` and the results pages are built from it.
 *
 * @example
 * ```ts
 * import type { MethodResult } from '@sparse/sparse-training';
 *
 * const result: MethodResult = {
 *   engine: 'dense-trainer',
 *   validationAccuracy: 0.861,
 *   testAccuracy: 0.853,
 *   sparsity: 0.9,
 *   layerDensities: { 'fc1/kernel': 0.06, 'fc2/kernel': 0.33, 'fc3/kernel': 0.8 },
 *   curve: [{ epoch: 0, validationAccuracy: 0.8 }],
 *   steps: 4600,
 *   details: { maskUpdates: 34 },
 * };
 * ```
 */
export interface MethodResult {
  /** The training engine that ran the unit's steps (`dense-trainer`, `fused`, `stock`, `tfjs-ste` …). */
  readonly engine: string;
  /** Validation accuracy of the final model. */
  readonly validationAccuracy: number;
  /** Test accuracy of the final model. */
  readonly testAccuracy: number;
  /** Measured fraction of zero kernel weights of the final model. */
  readonly sparsity: number;
  /** Measured density (fraction of nonzeros) of each kernel. */
  readonly layerDensities: Readonly<Record<string, number>>;
  /** Validation accuracy after each epoch. */
  readonly curve: readonly { readonly epoch: number; readonly validationAccuracy: number }[];
  /** Optimizer steps run (all phases). */
  readonly steps: number;
  /** Method-specific figures (mask updates, candidates tried, pattern, …), JSON only. */
  readonly details?: JsonObject;
}

/**
 * A way of finding a sparse network, registered by name in {@link SparseTrainingMethods} and named
 * in a `sparse-training` config's `methods` (`"rigl"`, `{ "name": "static", "distribution": "uniform" }`).
 * Methods that use the experiment's `sparsities` run once per sparsity; the others (dense, N:M)
 * once per seed.
 *
 * @example
 * ```ts
 * import type { SparseTrainingMethod } from '@sparse/sparse-training';
 *
 * const dense: SparseTrainingMethod = {
 *   name: 'my-dense',
 *   label: 'my dense',
 *   usesSparsity: false,
 *   plannedSteps: (budget) => budget.epochs * budget.stepsPerEpoch,
 *   async run(context) {
 *     throw new Error(`train ${context.layerSizes.join('-')} here`);
 *   },
 * };
 * ```
 */
export interface SparseTrainingMethod {
  /** The registered name. */
  readonly name: string;
  /** A short label for tables (`rigl (erk)`, `mdgf 1:8 linear`). */
  readonly label: string;
  /** Whether it runs once per sparsity of the experiment's `sparsities`. */
  readonly usesSparsity: boolean;
  /** The optimizer steps a unit will run, for progress. */
  plannedSteps(budget: { readonly epochs: number; readonly stepsPerEpoch: number }): number;
  /** Trains (or searches) and evaluates one unit. */
  run(context: MethodContext): Promise<MethodResult>;
}
