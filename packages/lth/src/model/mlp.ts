import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { SparseError, fusedDense, meanSoftmaxCrossEntropy, type Batch, type NamedParameter, type TrainableModel } from '@sparse/core';
import { glorotNormalValues } from './glorot.js';

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
 * Builds a fully-connected ReLU network on plain tfjs-core variables (the fast path: one fused
 * `matMul + bias + relu` per hidden layer, no tfjs-layers overhead). Kernels are `[in, out]`
 * (role `dense-kernel`), biases `[out]` (role `bias`). Kernels start from a Gaussian Glorot draw
 * (`N(0, 2/(fan_in + fan_out))`, not truncated) from `deriveSeed(seed, 'init', name)`; biases
 * start at 0.
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
  if (layerSizes.length < 2 || layerSizes.some((size) => !Number.isSafeInteger(size) || size < 1)) {
    throw new SparseError('E_ARGUMENT', `layerSizes must list at least two positive integers (input first), got ${JSON.stringify(layerSizes)}.`, {
      field: 'layerSizes',
      received: layerSizes,
      allowed: 'e.g. [784, 300, 100, 10]',
    });
  }
  const shapes = layerSizes.slice(1).map((out, i) => ({ index: i + 1, fanIn: layerSizes[i] as number, fanOut: out }));

  const initialValues = (runSeed: number, purpose: string): Map<string, Float32Array> => {
    const values = new Map<string, Float32Array>();
    for (const { index, fanIn, fanOut } of shapes) {
      const kernel = `${prefix}${index}/kernel`;
      values.set(kernel, glorotNormalValues(runSeed, purpose, kernel, fanIn, fanOut));
      values.set(`${prefix}${index}/bias`, new Float32Array(fanOut));
    }
    return values;
  };

  const theta0 = initialValues(seed, 'init');
  const layers = shapes.map(({ index, fanIn, fanOut }) => {
    const kernelName = `${prefix}${index}/kernel`;
    const biasName = `${prefix}${index}/bias`;
    // Variables get tfjs's unique automatic names (two models may coexist); masks and seeds use ours.
    const kernel = tf.tidy(() => tf.variable(tf.tensor2d(theta0.get(kernelName) as Float32Array, [fanIn, fanOut]), true));
    const bias = tf.tidy(() => tf.variable(tf.tensor1d(theta0.get(biasName) as Float32Array), true));
    return { kernel, bias, kernelName, biasName };
  });

  const parameters: NamedParameter[] = layers.flatMap(({ kernel, bias, kernelName, biasName }) => [
    { name: kernelName, role: 'dense-kernel' as const, variable: kernel },
    { name: biasName, role: 'bias' as const, variable: bias },
  ]);
  const last = layers.length - 1;

  const forward = (x: Tensor): Tensor =>
    tf.tidy(() => {
      let h: Tensor = x;
      layers.forEach(({ kernel, bias }, i) => {
        const activation = i === last ? ('linear' as const) : ('relu' as const);
        h = i === 0 ? inputLayer(x, kernel, bias, activation) : tf.fused.matMul({ a: h, b: kernel, bias, activation });
      });
      return h;
    });

  const fusedLoss = ({ x, y }: Batch): Scalar =>
    tf.tidy(() => {
      let h: Tensor = x;
      layers.forEach(({ kernel, bias }, i) => {
        h = fusedDense(h, kernel, bias, { activation: i === last ? 'linear' : 'relu', inputGradient: i > 0 });
      });
      return meanSoftmaxCrossEntropy(y, h);
    });

  return {
    parameters,
    outputParameter: layers[last]?.kernelName ?? '',
    forward,
    loss: ({ x, y }: Batch): Scalar => tf.tidy(() => tf.losses.softmaxCrossEntropy(y, forward(x)) as Scalar),
    fusedLoss,
    denseLayers: layers.map((_, i) => ({ kernel: parameters[2 * i] as NamedParameter, bias: parameters[2 * i + 1] as NamedParameter })),
    initialValues,
    dispose: () => {
      for (const { kernel, bias } of layers) {
        kernel.dispose();
        bias.dispose();
      }
    },
  };
}

/**
 * The first layer, `activation(x·W + b)`, with the gradient of `_FusedMatMul` (the same ops in the
 * same order) but without the gradient with respect to the input data `x`, which tfjs would
 * otherwise compute (a 60×300 by 300×784 product per step for LeNet, about a third of the
 * backward pass) and throw away.
 */
function inputLayer(x: Tensor, kernel: tf.Variable, bias: tf.Variable, activation: 'relu' | 'linear'): Tensor {
  const layer = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [w, b, save] = args as [Tensor, Tensor, tf.GradSaveFunc];
    const y = tf.fused.matMul({ a: x, b: w, bias: b, activation });
    save([y]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const dyActivation = activation === 'relu' ? tf.mul(dy, tf.step(saved[0] as Tensor)) : dy;
        return [tf.matMul(x, dyActivation, true, false), tf.sum(dyActivation, 0)];
      },
    };
  }) as (w: Tensor, b: Tensor) => Tensor;
  return layer(kernel, bias);
}
