import * as tf from '@tensorflow/tfjs-core';
import { SparseError, denseMlpLayers, type Batch } from '@sparse/core';

/**
 * A dense ReLU MLP on frozen weights (constant tensors, never variables): the forward pass with
 * optional binary masks on the kernels (`relu(h · (W ⊙ m) + b)`, logits last), and the
 * straight-through gradient of the loss with respect to the masks, which Lottery Jackpots sends to
 * the scores: `∂L/∂m = ∂L/∂(W ⊙ m) ⊙ W`, evaluated at the current binary mask.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createFrozenMlp } from '@sparse/sparse-training';
 *
 * const weights = new Map([['fc1/kernel', Float32Array.of(1, -1)], ['fc1/bias', Float32Array.of(0)]]);
 * const net = createFrozenMlp([2, 1], weights);
 * const logits = net.forward(tf.tensor2d([[2, 1]]));
 * console.log(logits.dataSync()); // [1]
 * logits.dispose();
 * net.dispose();
 * ```
 */
export interface FrozenMlp {
  /** The kernels' names (`<layer>/kernel`), input side first. */
  readonly kernelNames: readonly string[];
  /** Each kernel's shape `[inputs, outputs]`. */
  readonly shapes: ReadonlyMap<string, readonly [number, number]>;
  /** Logits of `x`; kernels named in `masks` are multiplied by their mask (a `[inputs, outputs]` 0/1 tensor). */
  forward(x: tf.Tensor, masks?: ReadonlyMap<string, tf.Tensor>): tf.Tensor2D;
  /**
   * The mean softmax cross-entropy of `batch` with the masks in force, and its gradient with
   * respect to each mask named in `masks` (as flat arrays); every other kernel keeps its mask (or none).
   */
  maskGradients(batch: Batch, masks: ReadonlyMap<string, tf.Tensor>, searched: readonly string[]): { readonly loss: number; readonly gradients: Map<string, Float32Array> };
  /** Frees the weight tensors. */
  dispose(): void;
}

/**
 * Uploads `weights` (every `<layer>/kernel` and `<layer>/bias` of the architecture, as
 * `createDenseMlp` (core)'s `read()` gives them) as constant tensors: a {@link FrozenMlp}.
 *
 * @throws SparseError `E_ARGUMENT` for a missing or mis-sized weight.
 *
 * @example
 * ```ts
 * import { createDenseMlp, glorotNormal } from '@sparse/core';
 * import { createFrozenMlp } from '@sparse/sparse-training';
 *
 * const model = createDenseMlp({ layerSizes: [784, 300, 100, 10], initializer: glorotNormal, seed: 0 });
 * const net = createFrozenMlp([784, 300, 100, 10], model.read());
 * console.log(net.kernelNames); // ['fc1/kernel', 'fc2/kernel', 'fc3/kernel']
 * net.dispose();
 * model.dispose();
 * ```
 */
export function createFrozenMlp(layerSizes: readonly number[], weights: ReadonlyMap<string, Float32Array>): FrozenMlp {
  const layers = denseMlpLayers({ layerSizes });
  for (const { name, inputs, outputs } of layers) {
    for (const [suffix, size] of [['kernel', inputs * outputs], ['bias', outputs]] as const) {
      const values = weights.get(`${name}/${suffix}`);
      if (values?.length !== size) {
        throw new SparseError('E_ARGUMENT', `createFrozenMlp: '${name}/${suffix}' must hold ${size} values, got ${values === undefined ? 'none' : values.length}.`, { field: `${name}/${suffix}`, received: values?.length ?? null, allowed: String(size) });
      }
    }
  }
  const frozen = layers.map(({ name, inputs, outputs }) => ({
    name: `${name}/kernel`,
    kernel: tf.tensor2d(weights.get(`${name}/kernel`) as Float32Array, [inputs, outputs]),
    bias: tf.tensor1d(weights.get(`${name}/bias`) as Float32Array),
  }));
  const last = frozen.length - 1;
  const run = (x: tf.Tensor, masks: ReadonlyMap<string, tf.Tensor> | undefined): tf.Tensor2D => {
    let h = x as tf.Tensor2D;
    frozen.forEach(({ name, kernel, bias }, i) => {
      const mask = masks?.get(name);
      const effective = mask === undefined ? kernel : tf.mul(kernel, mask);
      h = tf.add(tf.matMul(h, effective), bias);
      if (i < last) h = tf.relu(h);
    });
    return h;
  };
  return {
    kernelNames: frozen.map((layer) => layer.name),
    shapes: new Map(frozen.map((layer) => [layer.name, layer.kernel.shape as [number, number]] as const)),
    forward: (x, masks) => tf.tidy(() => run(x, masks)),
    maskGradients({ x, y }, masks, searched) {
      const result = tf.tidy(() => {
        const variables = searched.map((name) => {
          const mask = masks.get(name);
          if (mask === undefined) throw new SparseError('E_ARGUMENT', `maskGradients: no mask for the searched kernel '${name}'.`, { field: 'masks', received: name });
          return mask;
        });
        const lossOf = (...current: tf.Tensor[]): tf.Scalar => {
          const inForce = new Map(masks);
          searched.forEach((name, i) => inForce.set(name, current[i] as tf.Tensor));
          return tf.losses.softmaxCrossEntropy(y, run(x, inForce)) as tf.Scalar;
        };
        const { value, grads } = tf.valueAndGrads(lossOf)(variables);
        return [value, ...grads];
      });
      const [value, ...grads] = result;
      const loss = (value as tf.Tensor).dataSync()[0] as number;
      const gradients = new Map(searched.map((name, i) => [name, (grads[i] as tf.Tensor).dataSync() as Float32Array] as const));
      tf.dispose(result);
      return { loss, gradients };
    },
    dispose() {
      for (const layer of frozen) tf.dispose([layer.kernel, layer.bias]);
    },
  };
}
