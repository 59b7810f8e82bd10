import type { Scalar } from '@tensorflow/tfjs-core';
import type { SparseError } from '../errors.js';
import type { AdamState } from './adam-state.js';
import type { Batch } from './batch.js';
import type { MaskSet } from './mask.js';
import type { NamedParameter } from './parameter.js';

/**
 * What a training engine trains: the model's parameters, its loss, and (optionally) a fused loss
 * and the description of its dense ReLU layers, which faster engines need.
 *
 * @example
 * ```ts
 * import type { TrainableModel } from '@sparse/core';
 *
 * declare const model: TrainableModel;
 * console.log(model.parameters.map((p) => p.name));
 * ```
 */
export interface TrainableModel {
  /** Every trainable parameter, in a stable order. */
  readonly parameters: readonly NamedParameter[];
  /** The mean loss of a batch, differentiable with respect to the parameters. */
  loss(batch: Batch): Scalar;
  /** The same loss with hand-written gradients (core's `fusedDense`, `meanSoftmaxCrossEntropy`), for the `fused` engine. */
  fusedLoss?(batch: Batch): Scalar;
  /**
   * The layers, input first, when the model is a dense network (an activation after every layer but
   * the last: `activation`, default ReLU; the last linear) trained on the mean `denseLoss` of its
   * outputs, with its parameters exactly the layers' kernels and biases. An engine that trains only
   * some activations or losses (such as `dense-trainer`) refuses the others.
   */
  readonly denseLayers?: readonly { readonly kernel: NamedParameter; readonly bias: NamedParameter; readonly activation?: 'relu' | 'gelu' | 'silu' }[];
  /**
   * The loss of a model with `denseLayers`: `'softmax-cross-entropy'` (default; its outputs are logits, as
   * core's `meanSoftmaxCrossEntropy`) or `'mean-squared-error'` (as `tf.losses.meanSquaredError`).
   */
  readonly denseLoss?: 'softmax-cross-entropy' | 'mean-squared-error';
}

/**
 * How an engine starts: Adam's learning rate, the step count so far (schedules and mask updates
 * count from it), the batch size, and Adam's state to continue from.
 *
 * @example
 * ```ts
 * import type { EngineStartOptions } from '@sparse/core';
 *
 * const options: EngineStartOptions = { learningRate: 1.2e-3, initialStep: 0, batchSize: 60 };
 * ```
 */
export interface EngineStartOptions {
  /** Adam's learning rate. */
  readonly learningRate: number;
  /** Steps already taken (0 for a fresh start). */
  readonly initialStep: number;
  /** Rows of a full batch (shorter last batches are allowed). */
  readonly batchSize: number;
  /** Adam's state to continue from, in tfjs's layout; a fresh Adam when absent. */
  readonly adam?: AdamState;
}

/**
 * A started engine: masked Adam steps, with the model's variables brought up to date only when
 * `sync` is called.
 *
 * @example
 * ```ts
 * import type { EngineStepper, Batch } from '@sparse/core';
 *
 * async function epoch(stepper: EngineStepper, batches: Batch[], shrink: () => void): Promise<void> {
 *   for (const batch of batches) {
 *     await stepper.step(batch);
 *     stepper.sync();
 *     shrink(); // changes the variables, e.g. a proximal step
 *     stepper.reload?.();
 *   }
 * }
 * ```
 */
export interface EngineStepper {
  /** One masked Adam step on a batch (the caller disposes the batch). */
  step(batch: Batch): Promise<void>;
  /** Makes the model's variables hold the trained weights (before evaluations, snapshots, checkpoints). */
  sync(): void;
  /** Adam's complete state now, in tfjs's layout. */
  adamState(): Promise<AdamState>;
  /** Frees the optimizer or trainer. */
  dispose(): Promise<void>;
  /**
   * Takes back the model variables' current values after the caller changed them between steps
   * (after `sync()`; e.g. a regularizer's proximal step, which `train` runs this way): the next
   * step starts from them. Adam's moments, step count and running powers are unchanged, and
   * masked-out entries stay 0 (the masks are applied to the values taken). One copy per parameter
   * at most. Every engine of core and the wasm backend has it; an engine without it cannot take
   * proximal steps.
   *
   * It is on the stepper, not on `maskAccess`: it concerns every parameter (biases included),
   * masked or not, and engines without masks need it too.
   */
  reload?(): void;
  /**
   * Reading and changing the masks between steps (dynamic sparse training), when the engine
   * supports it; every engine of core and the wasm backend does.
   */
  readonly maskAccess?: EngineMaskAccess;
}

/**
 * Between two steps of an {@link EngineStepper}: the masked kernels' values, masks and dense
 * gradients, and new masks installed with the grown entries' weights zeroed and their Adam
 * moments reset. This is what a `MaskUpdateRule` (core's `MaskUpdateRules` kind) needs from an engine.
 *
 * @example
 * ```ts
 * import type { EngineMaskAccess, Batch } from '@sparse/core';
 *
 * async function growEverything(access: EngineMaskAccess, batch: Batch): Promise<void> {
 *   const gradients = await access.denseGradients(batch);
 *   const masks = new Map([...access.readMasks()].map(([name, mask]) => [name, new Float32Array(mask.length).fill(1)]));
 *   const grown = new Map([...access.readMasks()].map(([name, mask]) => [name, Uint32Array.from(mask.flatMap((m, i) => (m === 0 ? [i] : [])))]));
 *   access.replaceMasks(masks, grown);
 *   console.log([...gradients.keys()]);
 * }
 * ```
 */
export interface EngineMaskAccess {
  /** The masked parameters' names, in the model's order. */
  readonly names: readonly string[];
  /** Their shapes, by name. */
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  /** Copies of the masked parameters' current values (pruned entries are 0), by name. */
  readWeights(): Map<string, Float32Array>;
  /** Copies of the current `0`/`1` masks, by name. */
  readMasks(): Map<string, Float32Array>;
  /**
   * The dense gradient (not masked) of the mean loss of `batch` with respect to each masked
   * parameter at the current weights, by name. Changes nothing (no step is taken).
   */
  denseGradients(batch: Batch): Promise<Map<string, Float32Array>>;
  /**
   * Installs new masks for some or all masked parameters: entries whose new mask is 0 are set to
   * 0; each entry listed in `grown` (flat indices) is set to 0 and its Adam first and second
   * moments are reset to 0. Adam's step count and running powers are unchanged.
   *
   * The moments of entries whose new mask is 0 are set to 0 too. They cannot affect training (a
   * masked entry's gradient is zeroed and its weight stays 0; an entry that becomes active again
   * is grown, so reset), but left alone they decay geometrically into float32's subnormal range,
   * where every later Adam pass over them is slow (the dense trainer on LeNet-300-100 at 90 %
   * ERK with RigL every 100 steps: steps 10–20 % slower after 500 steps, 2-core VM under load;
   * bench/sparse-training.ts). So after `replaceMasks`, only the moments of entries active before
   * and after it keep their values.
   *
   * @throws SparseError `E_ARGUMENT` for an unknown name, a mask of the wrong length or an index out of range, before anything changes.
   */
  replaceMasks(masks: ReadonlyMap<string, Float32Array>, grown: ReadonlyMap<string, Uint32Array>): void;
}

/**
 * A training engine: masked Adam on a model, by some route (tfjs's optimizer and gradients, core's
 * fused kernels, or a backend's own trainer). All engines compute the same update to float32
 * rounding. Registered by name (`stock`, `fused`, `dense-trainer`, or a plugin's own).
 *
 * @example
 * ```ts
 * import { TrainingEngines, createRuntime, type TrainableModel, type MaskSet } from '@sparse/core';
 *
 * declare const model: TrainableModel;
 * declare const masks: MaskSet;
 * const engine = (await createRuntime({ backend: 'cpu' })).create(TrainingEngines, 'fused');
 * if (engine.refusal(model, masks.keys()) === undefined) {
 *   const stepper = await engine.start(model, masks, { learningRate: 1e-3, initialStep: 0, batchSize: 60 });
 *   await stepper.dispose();
 * }
 * ```
 */
export interface TrainingEngine {
  /** Its registered name. */
  readonly name: string;
  /** Why it cannot train this model with these masks (a typed error naming what to use instead), or `undefined`. */
  refusal(model: TrainableModel, maskNames: Iterable<string>): SparseError | undefined;
  /** Starts training; the variables hold the masked weights from the start. */
  start(model: TrainableModel, masks: MaskSet, options: EngineStartOptions): Promise<EngineStepper>;
}
