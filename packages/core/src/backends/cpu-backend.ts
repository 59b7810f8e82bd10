import * as tf from '@tensorflow/tfjs-core';
import { SparseError } from '../errors.js';
import { definePlugin, type SparsePlugin } from '../runtime/plugin.js';
import type { BackendProvider } from '../contracts/backend-provider.js';

/**
 * The pure-JavaScript `cpu` backend: slow, but available everywhere. Every runtime includes it
 * as the last resort of `backend: 'auto'`.
 *
 * @example
 * ```ts
 * import { cpuBackendProvider } from '@sparse/core';
 *
 * await cpuBackendProvider.activate();
 * ```
 */
export const cpuBackendProvider: BackendProvider = Object.freeze({
  name: 'cpu',
  priority: 1,
  async activate(): Promise<void> {
    await import('@tensorflow/tfjs-backend-cpu');
    const ok = await tf.setBackend('cpu');
    if (!ok) {
      throw new SparseError('E_BACKEND_UNAVAILABLE', "The 'cpu' backend failed to initialise; reinstall @tensorflow/tfjs-backend-cpu 4.22.0.");
    }
    withoutTfjsWarnings(() => tf.scalar(0).dispose());
  },
});

/**
 * tfjs-backend-cpu prints "Hi, looks like you are running TensorFlow.js in Node.js… install our
 * node backend" through tfjs's `warn` when it stores its first tensor. With @sparse that advice is
 * wrong (the native backend is `@sparse/backend-node`, and `auto` already prefers it and wasm), so
 * the backend's first tensor is made here with tfjs's warnings off for that one write (`PROD`, the
 * flag tfjs's `warn` reads); every flag is as it was afterwards and no other message is hidden.
 */
function withoutTfjsWarnings(run: () => void): void {
  const env = tf.env();
  const prod = env.getBool('PROD');
  if (!prod) env.set('PROD', true);
  try {
    run();
  } finally {
    if (!prod) env.set('PROD', false);
  }
}

/**
 * The plugin that contributes {@link cpuBackendProvider}. `createRuntime` always loads it.
 *
 * @example
 * ```ts
 * import { createRuntime, cpuBackend } from '@sparse/core';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [cpuBackend()] });
 * ```
 */
export function cpuBackend(_options: Record<string, never> = {}): SparsePlugin {
  return definePlugin(CPU_BACKEND_PLUGIN_ID, (registry) => registry.backend(cpuBackendProvider));
}

/**
 * The id of the {@link cpuBackend} plugin.
 *
 * @example
 * ```ts
 * import { CPU_BACKEND_PLUGIN_ID } from '@sparse/core';
 *
 * console.log(CPU_BACKEND_PLUGIN_ID); // '@sparse/core/cpu'
 * ```
 */
export const CPU_BACKEND_PLUGIN_ID = '@sparse/core/cpu';
