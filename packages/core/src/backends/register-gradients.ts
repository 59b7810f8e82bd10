import * as tf from '@tensorflow/tfjs-core';
import { SparseError } from '../errors.js';

/**
 * Whether TensorFlow.js has its gradient functions registered, so `tf.grad` and optimizers work.
 * `@tensorflow/tfjs-core` alone registers none.
 *
 * @example
 * ```ts
 * import { gradientsRegistered, registerGradients } from '@sparse/core';
 *
 * if (!gradientsRegistered()) await registerGradients();
 * ```
 */
export function gradientsRegistered(): boolean {
  return tf.getGradient('Sum') !== undefined && tf.getGradient('BatchMatMul') !== undefined;
}

/**
 * Registers TensorFlow.js's gradient functions, once. `createRuntime` calls it, so only code
 * that trains without a runtime needs it.
 *
 * It loads `@tensorflow/tfjs-layers`, whose build registers every gradient into the tfjs-core
 * copy the application uses. Only if that fails does it load
 * `@tensorflow/tfjs-core/dist/register_all_gradients`, as the `@tensorflow/tfjs` package does:
 * plain Node cannot load that ES module (its imports lack file extensions), and where Node loads
 * tfjs-core as CommonJS, that ES module would bring a second copy of tfjs-core whose gradient
 * functions call methods missing on the first copy's tensors.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { registerGradients } from '@sparse/core';
 *
 * await registerGradients();
 * const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2]));
 * ```
 */
export async function registerGradients(): Promise<void> {
  if (gradientsRegistered()) return;
  const failures: string[] = [];
  try {
    await import('@tensorflow/tfjs-layers');
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  }
  if (gradientsRegistered()) return;
  try {
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  }
  if (!gradientsRegistered()) {
    throw new SparseError(
      'E_INTERNAL',
      `TensorFlow.js gradients could not be registered (${failures.join('; ')}); install @tensorflow/tfjs-layers 4.22.0 or import '@tensorflow/tfjs-core/dist/register_all_gradients' yourself.`,
    );
  }
}
