import { SparseError } from '../errors.js';

/**
 * `@tensorflow/tfjs-core` plus a backend registers no gradient, and training then fails deep
 * inside tfjs with "gradient function not found" (e.g. a script that never created a runtime).
 * This turns that error into one that says what to do. Other errors are returned unchanged.
 */
export function explainMissingGradient(error: unknown): unknown {
  if (!(error instanceof Error) || !/gradient function not found/i.test(error.message)) return error;
  return new SparseError(
    'E_BACKEND_UNAVAILABLE',
    `TensorFlow.js has no gradients registered (${error.message}). Register them once before training: create a runtime (createRuntime) or call registerGradients() from @sparse/core, or import '@tensorflow/tfjs', '@tensorflow/tfjs-node' or '@tensorflow/tfjs-layers'.`,
    { field: 'gradients' },
    { cause: error },
  );
}
