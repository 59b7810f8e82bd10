import * as tf from '@tensorflow/tfjs-core';
import type { GradSaveFunc, Tensor } from '@tensorflow/tfjs-core';

/**
 * `x ⊙ mask` with the gradient of the masked function: `dy ⊙ mask` for `x`, nothing through the
 * mask. `makeMask` is called on `x` inside a custom-gradient function, so the ops that build the
 * mask (comparisons, top-k) are never differentiated.
 */
export function maskedBy(x: Tensor, makeMask: (x: Tensor) => Tensor): Tensor {
  const op = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const input = args[0] as Tensor;
    const save = args[1] as GradSaveFunc;
    const mask = tf.cast(makeMask(input), input.dtype);
    save([mask]);
    return {
      value: tf.mul(input, mask),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => tf.mul(dy as Tensor, saved[0] as Tensor),
    };
  });
  return op(x);
}
