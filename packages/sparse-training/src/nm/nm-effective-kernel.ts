import * as tf from '@tensorflow/tfjs-core';

/**
 * The kernel an N:M forward pass multiplies with, `w ⊙ factor`, with the backward pass the N:M
 * methods need instead of the product rule:
 *
 * - `straight-through` (STE, SR-STE, MDGF, SDGF): the gradient with respect to `w` is the
 *   gradient with respect to the product, unmasked, plus `srDecay·(1 − factor) ⊙ w` when
 *   `srDecay > 0` (SR-STE's λ_W term; `factor` is then the binary mask);
 * - `masked` (a fixed mask): the gradient times `factor` (the product rule for a constant mask).
 *
 * `factor` is a constant (no gradient flows to it). Call inside `tf.tidy` or dispose the result.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { nmEffectiveKernel } from '@sparse/sparse-training';
 *
 * const w = tf.tensor2d([[1, -2], [3, 4]]);
 * const mask = tf.tensor2d([[0, 1], [1, 0]]);
 * const grad = tf.grad((x: tf.Tensor) => tf.sum(nmEffectiveKernel(x as tf.Tensor2D, mask, 'straight-through', 0.1)))(w);
 * grad.print(); // [[1.1, 1], [1, 1.4]]
 * tf.dispose([w, mask, grad]);
 * ```
 */
export function nmEffectiveKernel(weights: tf.Tensor, factor: tf.Tensor, gradient: 'straight-through' | 'masked', srDecay = 0): tf.Tensor2D {
  const apply = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const w = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    save([w]);
    return {
      value: tf.mul(w, factor),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const g = dy as tf.Tensor;
        if (gradient === 'masked') return [tf.mul(g, factor)];
        if (srDecay > 0) return [tf.add(g, tf.mul(tf.scalar(srDecay), tf.mul(tf.sub(tf.scalar(1), factor), saved[0] as tf.Tensor)))];
        return [g];
      },
    };
  });
  return apply(weights) as tf.Tensor2D;
}
