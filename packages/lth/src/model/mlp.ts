import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { createDenseMlp, denseMlpLayers, glorotNormal, initialDenseMlpWeights, type Batch, type NamedParameter, type TrainableModel } from '@sparse/core';

/**
 * A model the lottery-ticket engine can train: core's `TrainableModel` (named parameters, the loss,
 * optionally a fused loss and its dense layers, which training engines read) plus a forward pass
 * returning logits and a seeded initialisation. IMP only touches `parameters`; the rest is what
 * the training loop and the baselines need.
 *
 * @example
 * ```ts
 * import { createMlp, type LthModel } from '@sparse/lth';
 *
 * const model: LthModel = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
 * console.log(model.parameters.map((p) => p.name));
 * model.dispose();
 * ```
 */
export interface LthModel extends TrainableModel {
  /** Every trainable parameter, in a stable order (kernels and biases). */
  readonly parameters: readonly NamedParameter[];
  /** The name of the output layer's kernel (pruned at its own rate, half the others' by default). */
  readonly outputParameter: string;
  /** Logits for a batch of inputs, differentiable with respect to the parameters. */
  forward(x: Tensor): Tensor;
  /** The mean softmax cross-entropy of a batch (one-hot `y`). */
  loss(batch: Batch): Scalar;
  /**
   * The same loss with hand-written gradients and fewer kernels (core's `fusedDense` and
   * `meanSoftmaxCrossEntropy`), for the `fused` training engine. Optional: without it the
   * fused engine trains on {@link LthModel.loss}.
   */
  fusedLoss?(batch: Batch): Scalar;
  /**
   * The layers, input first, when the model is a dense ReLU network (ReLU after every layer but
   * the last) trained on the mean softmax cross-entropy of its logits: what the `dense-trainer`
   * training engine trains. `createMlp` sets it; other models leave it out.
   */
  readonly denseLayers?: readonly { readonly kernel: NamedParameter; readonly bias: NamedParameter }[];
  /**
   * Seeded initial values of every parameter, by name: `purpose` `init` gives θ0, `reinit` the
   * random re-initialisation baseline (same distribution, other stream).
   */
  initialValues(seed: number, purpose: string): Map<string, Float32Array>;
  /** Disposes the variables. */
  dispose(): void;
}

/**
 * Options of {@link createMlp}.
 *
 * @example
 * ```ts
 * import type { MlpOptions } from '@sparse/lth';
 *
 * const lenet: MlpOptions = { layerSizes: [784, 300, 100, 10], seed: 0 };
 * ```
 */
export interface MlpOptions {
  /** Units per layer, input first: LeNet-300-100 is `[784, 300, 100, 10]`. At least two. */
  readonly layerSizes: readonly number[];
  /** Seed of θ0 (`deriveSeed(seed, 'init', name)` per kernel). */
  readonly seed: number;
  /** Parameter name prefix; layers are named `<prefix><i>/kernel`, `<prefix><i>/bias` from 1. Default `fc`. */
  readonly prefix?: string;
}

/**
 * Builds a fully-connected ReLU network: `@sparse/core`'s `createDenseMlp` (plain tfjs-core
 * variables, one fused `matMul + bias + relu` per hidden layer, no tfjs-layers overhead; `ops:
 * 'fused'`) with layers `<prefix>1` … `<prefix>N`. Kernels are `[in, out]` (role `dense-kernel`),
 * biases `[out]` (role `bias`). Kernels start from core's `glorotNormal` (Gaussian Glorot,
 * `N(0, 2/(fan_in + fan_out))`, not truncated) drawn by `initialDenseMlpWeights` from
 * `deriveSeed(seed, 'init', name)`; biases start at 0.
 *
 * @throws SparseError `E_ARGUMENT` when fewer than two layer sizes or a size that is not a positive integer.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createMlp } from '@sparse/lth';
 *
 * const lenet = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
 * const logits = lenet.forward(tf.zeros([2, 784]));
 * console.log(logits.shape); // [2, 10]
 * logits.dispose();
 * lenet.dispose();
 * ```
 */
export function createMlp(options: MlpOptions): LthModel {
  const { layerSizes, seed } = options;
  const prefix = options.prefix ?? 'fc';
  // denseMlpLayers checks the sizes (E_ARGUMENT, field layerSizes) before the names are made.
  const architecture = { layerSizes, layerNames: denseMlpLayers({ layerSizes }).map((_, i) => `${prefix}${i + 1}`) };
  const initialValues = (runSeed: number, purpose: string): Map<string, Float32Array> =>
    initialDenseMlpWeights(architecture, { initializer: glorotNormal, seed: runSeed, purpose });
  const model = createDenseMlp({ ...architecture, initializer: glorotNormal, seed, ops: 'fused' });
  return {
    parameters: model.parameters,
    outputParameter: model.denseLayers[model.denseLayers.length - 1]?.kernel.name ?? '',
    forward: model.forward,
    loss: model.loss,
    fusedLoss: model.fusedLoss,
    denseLayers: model.denseLayers,
    initialValues,
    dispose: model.dispose,
  };
}
