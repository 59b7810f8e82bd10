import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * Options of {@link fusedDense}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { FusedDenseOptions } from '@sparse/core';
 *
 * const options: FusedDenseOptions = { activation: 'relu', inputGradient: false };
 * ```
 */
export interface FusedDenseOptions {
  /** `relu` or `linear` (default). */
  readonly activation?: 'relu' | 'linear';
  /**
   * Whether a gradient flows back to `x`. `false` for the first layer (its input is data): the
   * product `dy · Wᵀ` is then never computed. Default `true`.
   */
  readonly inputGradient?: boolean;
  /**
   * How the products that involve the kernel are laid out. `auto` (default) picks, on the `wasm`
   * backend, the transposed layout for each product whose batch is smaller than the kernel's
   * other side (see {@link fusedDense}), and the standard layout elsewhere; `standard` always
   * computes `x · W` and `dz · Wᵀ`; `transposed` always computes `(Wᵀ · xᵀ)ᵀ` and `(W · dzᵀ)ᵀ`.
   */
  readonly layout?: 'auto' | 'standard' | 'transposed';
}

/**
 * A dense layer `act(x · W + b)` for training, with a hand-written gradient: `dz = dy ⊙ step(y)`,
 * `dW = xᵀ · dz`, `db = Σ dz`, and `dx = dz · Wᵀ` only when `inputGradient` is true. The forward
 * is one fused kernel where the layout is standard (tfjs itself unfuses `tf.fused.matMul` into
 * matMul, add and activation whenever gradients are recorded).
 *
 * Layout on `wasm`: XNNPACK packs the second operand of every product into an operator cached
 * per tensor. Training changes the kernel every step, so `x · W` re-packs all of `W` each step;
 * on LeNet-300-100's first layer that costs more than the product itself. When the batch is
 * smaller than the layer's width, the products are computed transposed so that the small
 * operand is the packed one: `y = (Wᵀ · xᵀ)ᵀ` (and `xᵀ` is reused for `dW = xᵀ · dz`), and
 * `dx = (W · dzᵀ)ᵀ`. Same values (each output is the same dot product).
 *
 * `x` is `[B, in]`, `kernel` `[in, out]`, `bias` `[out]`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { fusedDense } from '@sparse/core';
 *
 * const w = tf.variable(tf.randomNormal([784, 300]));
 * const b = tf.variable(tf.zeros([300]));
 * const x = tf.randomUniform([60, 784]);
 * const { grads } = tf.variableGrads(() => tf.sum(fusedDense(x, w, b, { activation: 'relu', inputGradient: false })));
 * ```
 */
export function fusedDense(x: Tensor, kernel: Tensor, bias: Tensor, options: FusedDenseOptions = {}): Tensor {
  const relu = options.activation === 'relu';
  const [batch = 1, inputs = 1] = x.shape;
  const units = kernel.shape[1] ?? 1;
  const layout = options.layout ?? 'auto';
  const auto = layout === 'auto' && tf.getBackend() === 'wasm';
  const forwardTransposed = layout === 'transposed' || (auto && units > batch);
  const inputGradientTransposed = layout === 'transposed' || (auto && inputs > batch);
  const activate = (z: Tensor): Tensor => (relu ? tf.relu(z) : z);

  /** The forward product and bias (activation included), and `xᵀ` when it was computed. */
  const forward = (input: Tensor, w: Tensor, b: Tensor): { y: Tensor; inputT: Tensor | undefined } => {
    if (!forwardTransposed) {
      return { y: tf.fused.matMul({ a: input, b: w, bias: b, ...(relu ? { activation: 'relu' as const } : {}) }), inputT: undefined };
    }
    const inputT = tf.transpose(input);
    return { y: activate(tf.add(tf.transpose(tf.matMul(w, inputT, true, false)), b)), inputT };
  };
  const activationGradient = (dy: Tensor, y: Tensor): Tensor => (relu ? tf.mul(dy, tf.step(y)) : dy);
  const kernelGradient = (input: Tensor, inputT: Tensor | undefined, dz: Tensor): Tensor =>
    inputT === undefined ? tf.matMul(input, dz, true, false) : tf.matMul(inputT, dz);
  const inputGradient = (w: Tensor, dz: Tensor): Tensor =>
    inputGradientTransposed ? tf.transpose(tf.matMul(w, tf.transpose(dz))) : tf.matMul(dz, w, false, true);

  if (options.inputGradient === false) {
    const layer = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
      const [w, b, save] = args as [Tensor, Tensor, tf.GradSaveFunc];
      const { y, inputT } = forward(x, w, b);
      save(inputT === undefined ? [y] : [y, inputT]);
      return {
        value: y,
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const dz = activationGradient(dy, saved[0] as Tensor);
          return [kernelGradient(x, saved[1], dz), tf.sum(dz, 0)];
        },
      };
    });
    return layer(kernel, bias);
  }
  const layer = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [input, w, b, save] = args as [Tensor, Tensor, Tensor, tf.GradSaveFunc];
    const { y, inputT } = forward(input, w, b);
    save(inputT === undefined ? [input, w, y] : [input, w, y, inputT]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [savedInput, savedW, savedY, savedInputT] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
        const dz = activationGradient(dy, savedY);
        return [inputGradient(savedW, dz), kernelGradient(savedInput, savedInputT, dz), tf.sum(dz, 0)];
      },
    };
  });
  return layer(x, kernel, bias);
}
