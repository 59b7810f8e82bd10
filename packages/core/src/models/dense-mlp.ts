import { echoValue } from '../runtime/options-issues.js';
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { Batch } from '../contracts/batch.js';
import type { NamedParameter } from '../contracts/parameter.js';
import type { ScoringModel } from '../contracts/scoring-model.js';
import type { TrainableModel } from '../contracts/training-engine.js';
import { SparseError } from '../errors.js';
import { fusedDense } from '../training/fused-dense.js';
import { meanSoftmaxCrossEntropy } from '../training/softmax-cross-entropy.js';
import { denseMlpLayers, initialDenseMlpWeights, type DenseMlpArchitecture, type DenseMlpInitializer, type DenseMlpLayer } from './initializers.js';

/**
 * How a {@link DenseMlp}'s `forward` (and so its `loss`) runs a layer. Both compute
 * `act(x · W + b)`; they differ in float32 rounding on backends whose fused kernel adds the bias
 * inside the product (wasm's XNNPACK), so a model keeps one for reproducible results.
 *
 * - `fused`: `tf.fused.matMul` per layer (tfjs unfuses the ReLU layers into matMul, add and relu
 *   while recording gradients), and the first layer never computes the gradient with respect to
 *   its input (data). The fast path.
 * - `separate`: `tf.matMul`, `tf.add`, `tf.relu` as separate ops in every layer.
 *
 * @example
 * ```ts
 * import type { DenseMlpOps } from '@sparse/core';
 *
 * const ops: DenseMlpOps = 'separate';
 * ```
 */
export type DenseMlpOps = 'fused' | 'separate';

/**
 * Options of {@link createDenseMlp} besides where the initial weights come from.
 *
 * @example
 * ```ts
 * import type { DenseMlpModelOptions } from '@sparse/core';
 *
 * const options: DenseMlpModelOptions = { layerSizes: [784, 256, 10], layerNames: ['fc1', 'head'], variableScope: 'pretrain', ops: 'separate' };
 * ```
 */
export interface DenseMlpModelOptions extends DenseMlpArchitecture {
  /**
   * Prefix of the tfjs variable names, `<scope>/<layer>/kernel` and `<scope>/<layer>/bias`: give a
   * stable one when an optimizer state saved by name must find its variables again. Default:
   * tfjs's automatic unique names (two models may coexist). Parameter names never change.
   */
  readonly variableScope?: string;
  /** How the forward pass runs a layer. Default `fused`. */
  readonly ops?: DenseMlpOps;
}

/**
 * Options of {@link createDenseMlp}: the layers, and either the initial weights by name or a
 * seeded draw ({@link initialDenseMlpWeights}).
 *
 * @example
 * ```ts
 * import { heNormal, type DenseMlpOptions } from '@sparse/core';
 *
 * const drawn: DenseMlpOptions = { layerSizes: [784, 300, 100, 10], initializer: heNormal, seed: 0 };
 * const given: DenseMlpOptions = { layerSizes: [2, 1], weights: new Map([['fc1/kernel', new Float32Array(2)], ['fc1/bias', new Float32Array(1)]]) };
 * ```
 */
export type DenseMlpOptions = DenseMlpModelOptions & DenseMlpStartingWeights;

/**
 * Where a dense MLP's starting weights come from: given values, or a seeded draw.
 *
 * @example
 * ```ts
 * import { glorotNormal, type DenseMlpStartingWeights } from '@sparse/core';
 *
 * const drawn: DenseMlpStartingWeights = { initializer: glorotNormal, seed: 0 };
 * ```
 */
export type DenseMlpStartingWeights =
  | {
      /** Initial values of every `<layer>/kernel` (`[inputs, outputs]`, row-major) and `<layer>/bias`; other entries are ignored. */
      readonly weights: ReadonlyMap<string, Float32Array>;
      readonly initializer?: never;
      readonly seed?: never;
      readonly purpose?: never;
    }
  | (DenseMlpInitializer & { readonly weights?: never });

/**
 * What {@link DenseMlp.forwardWithIntermediates} returns (tensors the caller disposes).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { DenseMlp, DenseMlpIntermediates } from '@sparse/core';
 *
 * declare const model: DenseMlp;
 * const hidden = tf.tidy(() => {
 *   const out: DenseMlpIntermediates = model.forwardWithIntermediates(tf.zeros([2, 784]));
 *   return out.hidden;
 * });
 * ```
 */
export interface DenseMlpIntermediates {
  /** The input of every layer: `x` itself (not a copy), then each hidden layer's output after ReLU. */
  readonly inputs: readonly Tensor2D[];
  /** The last hidden layer's output: the last entry of `inputs` (`x` when there is no hidden layer). */
  readonly hidden: Tensor2D;
  /** The output layer's logits. */
  readonly logits: Tensor2D;
}

/**
 * A dense ReLU network (ReLU after every layer but the last) on plain tfjs-core variables: core's
 * `TrainableModel` with its `denseLayers` (so every training engine, `dense-trainer` included,
 * trains it), a forward pass, the mean softmax cross-entropy loss (plain and fused), the model as
 * scorers that run it see it, and reading and writing its weights by name. Every function is a
 * closure: `model.forward` may be passed around unbound.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createDenseMlp, glorotNormal, type DenseMlp } from '@sparse/core';
 *
 * const model: DenseMlp = createDenseMlp({ layerSizes: [784, 300, 100, 10], initializer: glorotNormal, seed: 0 });
 * const logits = model.forward(tf.zeros([2, 784]));
 * console.log(logits.shape, model.parameters.map((p) => p.name)); // [2, 10] fc1/kernel, fc1/bias, …
 * logits.dispose();
 * model.dispose();
 * ```
 */
export interface DenseMlp extends TrainableModel {
  /** The layers, input first. */
  readonly layers: readonly DenseMlpLayer[];
  /** `<layer>/kernel` (role `dense-kernel`, `[inputs, outputs]`) then `<layer>/bias` (role `bias`), layer after layer. */
  readonly parameters: readonly NamedParameter[];
  /** Each layer's kernel and bias, input first: the same parameters. */
  readonly denseLayers: readonly { readonly kernel: NamedParameter; readonly bias: NamedParameter }[];
  /** The model for scorers that run it (GraSP, SynFlow): `forward`, every variable, one example is `[inputs]`. */
  readonly scoringModel: ScoringModel;
  /** Logits `[batch, outputs]` of inputs `[batch, inputs]`, differentiable with respect to the parameters. */
  forward(x: Tensor): Tensor2D;
  /** The same forward pass, returning every layer's input as well. */
  forwardWithIntermediates(x: Tensor): DenseMlpIntermediates;
  /** The mean softmax cross-entropy of a batch (one-hot `y`): `tf.losses.softmaxCrossEntropy` of `forward(x)`. */
  loss(batch: Batch): Scalar;
  /** The same loss with hand-written gradients and fewer kernels (core's `fusedDense` and `meanSoftmaxCrossEntropy`), for the `fused` engine. */
  fusedLoss(batch: Batch): Scalar;
  /** The current weights by parameter name (each variable's `dataSync()`). */
  read(): Map<string, Float32Array>;
  /**
   * Assigns every parameter its value in `weights` (other entries are ignored).
   *
   * @throws SparseError `E_ARGUMENT`, before assigning anything, when a parameter is missing or has the wrong length.
   */
  write(weights: ReadonlyMap<string, Float32Array>): void;
  /** Disposes the variables. */
  dispose(): void;
}

/**
 * Builds a {@link DenseMlp}: layers `layerNames` (default `fc1` … `fcN`) of widths `layerSizes`,
 * variables created kernel then bias, layer after layer, from `weights` or from
 * {@link initialDenseMlpWeights} (`initializer`, `seed`, `purpose`: the same values for the same
 * seed, on every backend).
 *
 * @throws SparseError `E_ARGUMENT` for an invalid architecture, neither or both of `weights` and
 * `initializer`, or a missing or mis-sized weight.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createDenseMlp, heNormal, initialDenseMlpWeights } from '@sparse/core';
 *
 * const architecture = { layerSizes: [784, 256, 10], layerNames: ['fc1', 'head'] };
 * const weights = initialDenseMlpWeights(architecture, { initializer: heNormal, seed: 0 });
 * const model = createDenseMlp({ ...architecture, weights, ops: 'separate' });
 * const loss = model.loss({ x: tf.zeros([4, 784]), y: tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10), 'float32') });
 * model.dispose();
 * ```
 */
export function createDenseMlp(options: DenseMlpOptions): DenseMlp {
  const layers = denseMlpLayers(options);
  const ops = options.ops ?? 'fused';
  if (ops !== 'fused' && ops !== 'separate') {
    throw new SparseError('E_ARGUMENT', `ops must be 'fused' or 'separate', got ${echoValue(ops)}.`, { field: 'ops', received: ops, allowed: ['fused', 'separate'] });
  }
  const hasWeights = options.weights !== undefined;
  const hasInitializer = options.initializer !== undefined;
  if (hasWeights === hasInitializer) {
    throw new SparseError('E_ARGUMENT', 'createDenseMlp needs either weights or an initializer with a seed, not both and not neither.', {
      field: hasWeights ? 'initializer' : 'weights',
      received: hasWeights ? 'both' : 'neither',
    });
  }
  const initial: ReadonlyMap<string, Float32Array> =
    options.weights ?? initialDenseMlpWeights(options, { initializer: options.initializer as DenseMlpInitializer['initializer'], seed: options.seed as number, ...(options.purpose === undefined ? {} : { purpose: options.purpose }) });
  checkWeights(layers, initial, 'weights');

  const scope = options.variableScope;
  const variableName = (name: string): string | undefined => (scope === undefined ? undefined : `${scope}/${name}`);
  const denseLayers: { readonly kernel: NamedParameter; readonly bias: NamedParameter }[] = [];
  const created: tf.Variable[] = [];
  try {
    for (const { name, inputs, outputs } of layers) {
      const kernelName = `${name}/kernel`;
      const biasName = `${name}/bias`;
      // Inside tidy: the initial-value tensors are freed (a variable keeps its own reference to the data).
      const kernel = tf.tidy(() => tf.variable(tf.tensor2d(initial.get(kernelName) as Float32Array, [inputs, outputs]), true, variableName(kernelName)));
      created.push(kernel);
      const bias = tf.tidy(() => tf.variable(tf.tensor1d(initial.get(biasName) as Float32Array), true, variableName(biasName)));
      created.push(bias);
      denseLayers.push({ kernel: { name: kernelName, role: 'dense-kernel', variable: kernel }, bias: { name: biasName, role: 'bias', variable: bias } });
    }
  } catch (error) {
    for (const variable of created) variable.dispose();
    throw error;
  }
  const parameters: NamedParameter[] = denseLayers.flatMap(({ kernel, bias }) => [kernel, bias]);
  const last = denseLayers.length - 1;

  /** Runs the layers on `x`, pushing each layer's input to `inputs` when given. Call inside tidy. */
  const run = (x: Tensor, inputs?: Tensor2D[]): Tensor2D => {
    let h = x as Tensor2D;
    denseLayers.forEach(({ kernel, bias }, i) => {
      inputs?.push(h);
      const activation = i === last ? ('linear' as const) : ('relu' as const);
      if (ops === 'separate') {
        h = tf.add(tf.matMul(h, kernel.variable), bias.variable);
        if (activation === 'relu') h = tf.relu(h);
      } else {
        h = i === 0 ? inputLayer(h, kernel.variable, bias.variable, activation) : (tf.fused.matMul({ a: h, b: kernel.variable, bias: bias.variable, activation }) as Tensor2D);
      }
    });
    return h;
  };

  const forward = (x: Tensor): Tensor2D => tf.tidy(() => run(x));

  const forwardWithIntermediates = (x: Tensor): DenseMlpIntermediates =>
    tf.tidy(() => {
      const inputs: Tensor2D[] = [];
      const logits = run(x, inputs);
      return { inputs, hidden: inputs[inputs.length - 1] as Tensor2D, logits };
    });

  const fusedLoss = ({ x, y }: Batch): Scalar =>
    tf.tidy(() => {
      let h: Tensor = x;
      denseLayers.forEach(({ kernel, bias }, i) => {
        h = fusedDense(h, kernel.variable, bias.variable, { activation: i === last ? 'linear' : 'relu', inputGradient: i > 0 });
      });
      return meanSoftmaxCrossEntropy(y, h);
    });

  return {
    layers,
    parameters,
    denseLayers,
    scoringModel: { forward, variables: parameters.map((p) => p.variable), inputShape: [layers[0]?.inputs ?? 0] },
    forward,
    forwardWithIntermediates,
    loss: ({ x, y }: Batch): Scalar => tf.tidy(() => tf.losses.softmaxCrossEntropy(y, forward(x)) as Scalar),
    fusedLoss,
    read: () => new Map(parameters.map((p) => [p.name, p.variable.dataSync() as Float32Array])),
    write(weights) {
      checkWeights(layers, weights, 'weights');
      for (const p of parameters) {
        const data = weights.get(p.name) as Float32Array;
        tf.tidy(() => p.variable.assign(tf.tensor(data, p.variable.shape)));
      }
    },
    dispose() {
      for (const p of parameters) p.variable.dispose();
    },
  };
}

/** Throws E_ARGUMENT unless `weights` has every kernel and bias of `layers` at its size. */
function checkWeights(layers: readonly DenseMlpLayer[], weights: ReadonlyMap<string, Float32Array>, field: string): void {
  for (const { name, inputs, outputs } of layers) {
    for (const [part, size] of [['kernel', inputs * outputs], ['bias', outputs]] as const) {
      const key = `${name}/${part}`;
      const values = weights.get(key);
      if (values === undefined || values.length !== size) {
        throw new SparseError('E_ARGUMENT', values === undefined ? `The weights lack ${key}.` : `The weights' ${key} has ${values.length} values; the layer needs ${size}.`, {
          field: `${field}.${key}`,
          received: values === undefined ? 'missing' : values.length,
          allowed: `${size} float32 values`,
        });
      }
    }
  }
}

/**
 * The first layer, `activation(x·W + b)`, with the gradient of `_FusedMatMul` (the same ops in the
 * same order) but without the gradient with respect to the input data `x`, which tfjs would
 * otherwise compute (a 60×300 by 300×784 product per step for LeNet, about a third of the
 * backward pass) and throw away.
 */
function inputLayer(x: Tensor, kernel: tf.Variable, bias: tf.Variable, activation: 'relu' | 'linear'): Tensor2D {
  const layer = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [w, b, save] = args as [Tensor, Tensor, tf.GradSaveFunc];
    const y = tf.fused.matMul({ a: x as Tensor2D, b: w as Tensor2D, bias: b, activation });
    save([y]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const dyActivation = activation === 'relu' ? tf.mul(dy, tf.step(saved[0] as Tensor)) : dy;
        return [tf.matMul(x as Tensor2D, dyActivation as Tensor2D, true, false), tf.sum(dyActivation, 0)];
      },
    };
  }) as (w: Tensor, b: Tensor) => Tensor2D;
  return layer(kernel, bias);
}
