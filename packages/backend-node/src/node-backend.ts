import { definePlugin, type SparsePlugin } from '@sparse/core';
import type { NodeBackendOptions } from './node-backend-options.js';
import { tensorflowBackendProvider } from './tensorflow-provider.js';

/**
 * The id of the {@link nodeBackend} plugin.
 *
 * @example
 * ```ts
 * import { NODE_BACKEND_PLUGIN_ID } from '@sparse/backend-node';
 *
 * console.log(NODE_BACKEND_PLUGIN_ID); // '@sparse/backend-node'
 * ```
 */
export const NODE_BACKEND_PLUGIN_ID = '@sparse/backend-node';

/**
 * The plugin that contributes the native `tensorflow` backend (priority 3, so `auto` tries it
 * before wasm and cpu). `@tensorflow/tfjs-node` is an optional peer dependency: it is imported
 * only when the backend is activated, and when it cannot load, `backend: 'tensorflow'` fails
 * with one sentence saying why and how to fix it, while `backend: 'auto'` moves on.
 *
 * @param options - see {@link NodeBackendOptions}.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { nodeBackend } from '@sparse/backend-node';
 *
 * const runtime = await createRuntime({ backend: 'auto', plugins: [nodeBackend()] });
 * console.log(runtime.backend); // 'tensorflow' where tfjs-node loads, else the next backend
 * ```
 */
export function nodeBackend(options: NodeBackendOptions = {}): SparsePlugin {
  const provider = tensorflowBackendProvider(options);
  return definePlugin(NODE_BACKEND_PLUGIN_ID, (registry) => registry.backend(provider));
}
