/**
 * Makes one TensorFlow.js backend the active one. Backends come from plugins
 * (`@sparse/backend-wasm`, `@sparse/backend-node`); core provides `cpu` itself.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { BackendProvider } from '@sparse/core';
 *
 * const myCpu: BackendProvider = {
 *   name: 'cpu',
 *   priority: 1,
 *   async activate() {
 *     await import('@tensorflow/tfjs-backend-cpu');
 *     await tf.setBackend('cpu');
 *   },
 * };
 * ```
 */
export interface BackendProvider {
  /** The TensorFlow.js backend name: `cpu`, `wasm`, `tensorflow`, … */
  readonly name: string;
  /** Higher is tried first when the backend is `auto`. */
  readonly priority: number;
  /**
   * Loads, registers and activates the backend, so that `tf.getBackend()` returns
   * {@link BackendProvider.name} afterwards. When it cannot, it throws a `SparseError` with code
   * `E_BACKEND_UNAVAILABLE` whose message says why in one sentence and how to fix it.
   */
  activate(): Promise<void>;
}
