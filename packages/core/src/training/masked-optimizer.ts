import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { MaskSet } from '../contracts/mask.js';
import type { NamedParameter } from '../contracts/parameter.js';
import type { Regularizer } from '../contracts/regularizer.js';
import type { StepContext } from '../contracts/step-context.js';
import { SparseError } from '../errors.js';
import { resolveMaskEntries, type MaskEntry } from './mask-entries.js';
import { isMaskAwareOptimizer } from './fused-adam.js';
import { explainMissingGradient } from './missing-gradient.js';
import { learningRateAt, proximalContext, runProximalSteps } from './proximal-steps.js';
import { bindRegularizers, type RegularizerBinding } from './regularizer-binding.js';

/** tfjs-core's `NamedTensor` (a name and a tensor), which its index does not re-export. */
type NamedTensor = Parameters<tf.Optimizer['setWeights']>[0][number];

/** Every MaskedOptimizer ever built, for a reliable `instanceof` (see `Symbol.hasInstance`). */
const MASKED_OPTIMIZERS = new WeakSet<object>();

/**
 * Options of {@link withMasks}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { MaskedOptimizerOptions } from '@sparse/core';
 *
 * const variable = tf.variable(tf.randomNormal([4, 3]));
 * const options: MaskedOptimizerOptions = {
 *   parameters: [{ name: 'w', role: 'dense-kernel', variable }],
 *   masks: new Map([['w', tf.ones([4, 3])]]),
 * };
 * ```
 */
export interface MaskedOptimizerOptions {
  /** The parameters masks are keyed by (`NamedParameter.name`); others pass through unmasked. */
  readonly parameters: readonly NamedParameter[];
  /** The initial masks (still owned by the caller; see {@link MaskedOptimizer.setMasks}). Default: none. */
  readonly masks?: MaskSet;
  /**
   * Regularizers: their penalties are added to the loss minimised through this optimizer, their
   * proximal steps run after each update. A bare regularizer acts on the dense and conv kernels.
   */
  readonly regularizers?: readonly (Regularizer | RegularizerBinding)[];
  /**
   * The learning rate put in the {@link StepContext} of proximal steps: a number, a function of
   * the step, or by default the wrapped optimizer's `getConfig().learningRate`.
   */
  readonly learningRate?: number | ((step: number) => number);
  /** The step number of the first update, for resumed runs. Default `0`. */
  readonly initialStep?: number;
}

/**
 * A tfjs optimizer wrapped so that pruned weights stay pruned (spec §0):
 *
 * 1. gradients of masked weights are multiplied by the mask before the wrapped update (an inner
 *    optimizer that implements {@link MaskAwareOptimizer}, such as {@link fusedAdam}, is handed
 *    the masks and does steps 1 and 2 in its own pass, without extra kernels);
 * 2. after the update, `w ← m ⊙ w` for every masked parameter (Adam moments, momentum and weight
 *    decay can move a weight whose gradient is zero);
 * 3. each regularizer's `proximalStep` runs (inside a `tf.tidy`) with a {@link StepContext}
 *    carrying the step, epoch and learning rate, followed by a second `w ← m ⊙ w` so a proximal
 *    map cannot revive a pruned weight; regularizer penalties are added to the loss in
 *    `computeGradients`.
 *
 * It is a `tf.Optimizer`, so it works with `minimize`, with {@link train}, and with
 * `model.compile({ optimizer })` in tfjs-layers. Masks can be swapped at any time with
 * {@link MaskedOptimizer.setMasks} (gradual pruning). A step allocates no tensor that outlives it.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { withMasks } from '@sparse/core';
 *
 * const w = tf.variable(tf.randomNormal([784, 10]));
 * const mask = tf.cast(tf.greater(tf.randomUniform([784, 10]), 0.5), 'float32');
 * const optimizer = withMasks(tf.train.adam(1e-3), {
 *   parameters: [{ name: 'w', role: 'dense-kernel', variable: w }],
 *   masks: new Map([['w', mask]]),
 * });
 * const x = tf.randomNormal([60, 784]);
 * optimizer.minimize(() => tf.mean(tf.square(tf.matMul(x, w))));
 * // every weight where mask == 0 is exactly 0
 * ```
 */
export class MaskedOptimizer extends tf.Optimizer {
  /** Name under which tfjs would serialize this class. */
  static get className(): string {
    return 'MaskedOptimizer';
  }

  /**
   * `tf.Optimizer` answers `instanceof` by duck typing (any object with `minimize`), and
   * subclasses inherit that; this checks for a real `MaskedOptimizer` instead.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && MASKED_OPTIMIZERS.has(value);
  }

  /** The wrapped optimizer. */
  readonly inner: tf.Optimizer;
  /** The epoch put in the {@link StepContext}; {@link train} keeps it current. */
  epoch: number | undefined;

  /** The parameters it was given (masks are keyed by their names). */
  readonly parameters: readonly NamedParameter[];
  private readonly penalized: readonly RegularizerBinding[];
  private readonly proximal: readonly RegularizerBinding[];
  private readonly learningRateOption: number | ((step: number) => number) | undefined;
  private currentMasks: MaskSet = new Map();
  private entries: readonly MaskEntry[] = [];
  private byVariableName: ReadonlyMap<string, MaskEntry> = new Map();
  private maskByVariable: ReadonlyMap<string, Tensor> = new Map();
  private currentStep: number;

  constructor(inner: tf.Optimizer, options: MaskedOptimizerOptions) {
    super();
    if (!(inner instanceof tf.Optimizer)) {
      throw new SparseError('E_ARGUMENT', 'withMasks: optimizer must be a tf.Optimizer such as tf.train.adam(1e-3).', {
        field: 'optimizer',
      });
    }
    if (inner instanceof MaskedOptimizer) {
      throw new SparseError('E_ARGUMENT', 'withMasks: the optimizer is already a MaskedOptimizer; wrap the plain optimizer once.', {
        field: 'optimizer',
      });
    }
    if (!Array.isArray(options?.parameters)) {
      throw new SparseError('E_CONFIG', 'withMasks: parameters must be an array of NamedParameter; masks are keyed by their names.', {
        field: 'parameters',
      });
    }
    const initialStep = options.initialStep ?? 0;
    if (!Number.isSafeInteger(initialStep) || initialStep < 0) {
      throw new SparseError('E_CONFIG', `withMasks: initialStep must be an integer ≥ 0; got ${String(initialStep)}.`, {
        field: 'initialStep',
        received: initialStep,
        allowed: 'an integer ≥ 0',
      });
    }
    const { learningRate } = options;
    if (typeof learningRate === 'number' && !(Number.isFinite(learningRate) && learningRate >= 0)) {
      throw new SparseError('E_CONFIG', `withMasks: learningRate must be a finite number ≥ 0; got ${learningRate}.`, {
        field: 'learningRate',
        received: learningRate,
        allowed: 'a finite number ≥ 0, or a function of the step',
      });
    }
    MASKED_OPTIMIZERS.add(this);
    this.inner = inner;
    this.parameters = [...options.parameters];
    const regularizers = bindRegularizers(options.regularizers ?? [], this.parameters);
    this.penalized = regularizers.filter(({ regularizer }) => typeof regularizer.penalty === 'function');
    this.proximal = regularizers.filter(({ regularizer }) => typeof regularizer.proximalStep === 'function');
    this.learningRateOption = learningRate;
    this.currentStep = initialStep;
    this.epoch = undefined;
    this.setMasks(options.masks ?? new Map(), { apply: true });
  }

  /** The masks in force. They belong to whoever passed them in. */
  get masks(): MaskSet {
    return this.currentMasks;
  }

  /** The step the next update will be (starts at `initialStep`, +1 per `applyGradients`). */
  get step(): number {
    return this.currentStep;
  }

  /** The wrapped optimizer's iteration count. */
  override get iterations(): number {
    return this.inner.iterations;
  }

  /**
   * Replaces the masks (gradual pruning) and, unless `apply` is false, zeroes the newly pruned
   * weights at once. The optimizer keeps a reference, not a copy: the caller still owns the
   * tensors and must not dispose them while they are in force (swap first, then dispose the old
   * ones). Pass an empty map to train densely.
   *
   * @throws SparseError `E_ARGUMENT` when a mask names no parameter or has the wrong shape or dtype.
   */
  setMasks(masks: MaskSet, options: { readonly apply?: boolean } = {}): void {
    const entries = resolveMaskEntries(this.parameters, masks);
    this.currentMasks = masks;
    this.entries = entries;
    this.byVariableName = new Map(entries.map((entry) => [entry.variable.name, entry]));
    this.maskByVariable = new Map(entries.map((entry) => [entry.variable.name, entry.mask]));
    if (options.apply !== false) this.reapplyMasks();
  }

  /** Adds the regularizers' penalties to `f` before differentiating. */
  override computeGradients(f: () => Scalar, varList?: Variable[]): { value: Scalar; grads: NamedTensorMap } {
    const { penalized } = this;
    const objective =
      penalized.length === 0
        ? f
        : (): Scalar => {
            let total = f();
            for (const { regularizer, parameters } of penalized) {
              if (regularizer.penalty !== undefined) total = tf.add(total, regularizer.penalty(parameters));
            }
            return total;
          };
    try {
      return super.computeGradients(objective, varList);
    } catch (error) {
      throw explainMissingGradient(error);
    }
  }

  /** Masks the gradients, runs the wrapped update, re-applies the masks, then the proximal steps. */
  override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    if (this.entries.length > 0 && isMaskAwareOptimizer(this.inner)) {
      // The inner optimizer folds g ← m ⊙ g and w ← m ⊙ w into its own update (e.g. fusedAdam).
      this.inner.applyMaskedGradients(variableGradients, this.maskByVariable);
    } else {
      const created: Tensor[] = [];
      try {
        this.inner.applyGradients(this.maskGradients(variableGradients, created));
      } finally {
        tf.dispose(created);
      }
      this.reapplyMasks();
    }
    if (this.proximal.length > 0) {
      runProximalSteps(this.proximal, this.stepContext(), this.currentMasks);
      this.reapplyMasks();
    }
    this.currentStep += 1;
  }

  /** The wrapped optimizer's configuration. */
  override getConfig(): tf.serialization.ConfigDict {
    return this.inner.getConfig();
  }

  /** The wrapped optimizer's state (iterations, moments). */
  override getWeights(): Promise<NamedTensor[]> {
    return this.inner.getWeights();
  }

  /** Restores the wrapped optimizer's state. */
  override setWeights(weightValues: NamedTensor[]): Promise<void> {
    return this.inner.setWeights(weightValues);
  }

  /** Disposes the wrapped optimizer's state. The masks belong to the caller and are not disposed. */
  override dispose(): void {
    this.inner.dispose();
  }

  private maskGradients(gradients: NamedTensorMap | NamedTensor[], created: Tensor[]): NamedTensorMap | NamedTensor[] {
    if (this.entries.length === 0) return gradients;
    const masked = (name: string, gradient: Tensor | undefined): Tensor | undefined => {
      const entry = this.byVariableName.get(name);
      if (entry === undefined || gradient === undefined || gradient === null) return gradient;
      const product = tf.mul(gradient, entry.mask);
      created.push(product);
      return product;
    };
    if (Array.isArray(gradients)) {
      return gradients.map(({ name, tensor }) => ({ name, tensor: masked(name, tensor) ?? tensor }));
    }
    const result: NamedTensorMap = {};
    for (const name of Object.keys(gradients)) {
      const gradient = masked(name, gradients[name]);
      if (gradient !== undefined) result[name] = gradient;
    }
    return result;
  }

  private reapplyMasks(): void {
    const { entries } = this;
    if (entries.length === 0) return;
    tf.tidy(() => {
      for (const { variable, mask } of entries) variable.assign(tf.mul(variable, mask));
    });
  }

  private stepContext(): StepContext {
    const learningRate = learningRateAt(this.learningRateOption, this.currentStep, () => {
      const fromConfig = this.inner.getConfig()['learningRate'];
      return typeof fromConfig === 'number' ? fromConfig : undefined;
    });
    return proximalContext(this.currentStep, this.epoch, learningRate);
  }
}

/**
 * Wraps a tfjs optimizer in a {@link MaskedOptimizer}: gradients of pruned weights zeroed before
 * the update, masks re-applied after it, regularizer proximal steps after that.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { withMasks, type NamedParameter } from '@sparse/core';
 *
 * declare const parameters: NamedParameter[];
 * declare const masks: Map<string, tf.Tensor>;
 * const optimizer = withMasks(tf.train.sgd(0.1), { parameters, masks });
 * // later, gradual pruning: optimizer.setMasks(newMasks); then dispose the old masks
 * ```
 */
export function withMasks(optimizer: tf.Optimizer, options: MaskedOptimizerOptions): MaskedOptimizer {
  return new MaskedOptimizer(optimizer, options);
}
