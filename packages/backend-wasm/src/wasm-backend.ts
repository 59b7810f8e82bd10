import { TrainingEngines, definePlugin, type SparsePlugin } from '@sparse/core';
import { createDenseTrainerEngine } from './parallel/dense-trainer-engine.js';
import type { WasmBackendOptions } from './wasm-backend-options.js';
import { createWasmBackendProvider } from './wasm-backend-provider.js';

/**
 * The id of the {@link wasmBackend} plugin.
 *
 * @example
 * ```ts
 * import { WASM_BACKEND_PLUGIN_ID } from '@sparse/backend-wasm';
 *
 * console.log(WASM_BACKEND_PLUGIN_ID); // '@sparse/backend-wasm'
 * ```
 */
export const WASM_BACKEND_PLUGIN_ID = '@sparse/backend-wasm';

/**
 * The plugin that contributes the `wasm` backend: offline WebAssembly for Node and browsers,
 * with faster matrix-product kernels. With `backend: 'auto'` it is preferred to `cpu`.
 *
 * @param options - where the binaries are, XNNPACK threads, whether to install the fast
 * kernels, and the `dense-trainer` engine's threads; checked at once (`SparseError` `E_CONFIG`).
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { wasmBackend } from '@sparse/backend-wasm';
 *
 * const runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
 * console.log(runtime.backend); // 'wasm'
 * ```
 */
export function wasmBackend(options: WasmBackendOptions = {}): SparsePlugin {
  const provider = createWasmBackendProvider(options);
  const engine = createDenseTrainerEngine(options.denseTrainerThreads === undefined ? {} : { threads: options.denseTrainerThreads });
  return definePlugin(WASM_BACKEND_PLUGIN_ID, (registry) => {
    registry.backend(provider);
    registry.provide(TrainingEngines, 'dense-trainer', () => engine, {
      summary: 'Whole masked Adam steps of a dense ReLU/GELU/SiLU network (softmax cross-entropy or MSE) in WebAssembly SIMD (any tfjs backend).',
    });
  });
}
