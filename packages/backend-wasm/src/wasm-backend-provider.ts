import * as tf from '@tensorflow/tfjs-core';
import type * as TfjsWasmModule from '@tensorflow/tfjs-backend-wasm';
import { SparseError, type BackendProvider } from '@sparse/core';
import { installFastKernels, uninstallFastKernels } from './fast-kernels/install-fast-kernels.js';
import { nodeBuiltins } from './node-builtins.js';
import { withoutNewProcessHandlers } from './process-handlers.js';
import type { WasmBinaryName } from './wasm-binaries.js';
import { validateWasmBackendOptions, type WasmBackendOptions } from './wasm-backend-options.js';
import { resolveWasmLocation } from './wasm-location.js';

type TfjsWasm = typeof TfjsWasmModule;

const NAME = 'wasm';

/**
 * Makes a provider of the `wasm` backend (priority 2: above `cpu`, below the native
 * `tensorflow`). `activate()` loads `@tensorflow/tfjs-backend-wasm` offline from the binaries
 * shipped in this package (or `wasmPaths`), makes `wasm` the active backend, and installs or
 * removes the fast matrix-product kernels as `fastKernels` says. Options are checked here,
 * before anything loads.
 *
 * @throws SparseError `E_CONFIG` for invalid options; `activate()` rejects with
 * `E_BACKEND_UNAVAILABLE` saying why the backend cannot start and how to fix it.
 *
 * @example
 * ```ts
 * import { createWasmBackendProvider } from '@sparse/backend-wasm';
 *
 * const provider = createWasmBackendProvider({ fastKernels: false });
 * await provider.activate(); // tf.getBackend() === 'wasm', stock kernels
 * ```
 */
export function createWasmBackendProvider(options: WasmBackendOptions = {}): BackendProvider {
  const checked = validateWasmBackendOptions(options);
  return Object.freeze({
    name: NAME,
    priority: 2,
    async activate(): Promise<void> {
      // Emscripten's glue adds process handlers that turn any later uncaught error into its minified code and exit code 7: removed.
      const started = await withoutNewProcessHandlers(async () => {
        const wasm = await loadTfjsWasm();
        if (!(NAME in tf.engine().registry)) await configure(wasm, checked);
        return tf.setBackend(NAME);
      });
      if (!started) throw startFailure(checked);
      if (checked.fastKernels === false) uninstallFastKernels();
      else installFastKernels();
    },
  });
}

/**
 * The `wasm` backend provider with default options: bundled binaries, fast kernels.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { wasmBackendProvider } from '@sparse/backend-wasm';
 *
 * await wasmBackendProvider.activate();
 * console.log(tf.getBackend()); // 'wasm'
 * ```
 */
export const wasmBackendProvider: BackendProvider = createWasmBackendProvider();

async function loadTfjsWasm(): Promise<TfjsWasm> {
  try {
    return await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw unavailable(
      `The '${NAME}' backend could not load @tensorflow/tfjs-backend-wasm (${reason(error)}); reinstall @sparse/backend-wasm so that its dependency @tensorflow/tfjs-backend-wasm 4.22.0 is present.`,
      error,
    );
  }
}

async function configure(wasm: TfjsWasm, options: WasmBackendOptions): Promise<void> {
  const location = resolveWasmLocation(options.wasmPaths, await neededBinary());
  if (location.localFile !== undefined && nodeBuiltins()?.fs.existsSync(location.localFile) === false) {
    throw unavailable(
      location.source === 'option'
        ? `The wasm binary ${location.localFile} given by wasmPaths does not exist; point wasmPaths at a folder holding the .wasm files of @tensorflow/tfjs-backend-wasm 4.22.0.`
        : `The wasm binary ${location.localFile} is missing from @sparse/backend-wasm; rebuild the package (its postbuild copies the binaries into dist/wasm/) or pass wasmPaths pointing at the .wasm files of @tensorflow/tfjs-backend-wasm 4.22.0.`,
    );
  }
  try {
    wasm.setWasmPaths(location.paths);
    if (options.threads !== undefined) wasm.setThreadsCount(options.threads);
  } catch (error) {
    throw unavailable(
      `The '${NAME}' backend already failed to start in this process and tfjs-backend-wasm cannot be reconfigured (${reason(error)}); restart the process with working wasmPaths.`,
      error,
    );
  }
}

/** The binary tfjs will pick: Node never gets threads (tfjs 4.22), browsers need isolation. */
async function neededBinary(): Promise<WasmBinaryName> {
  const env = tf.env();
  const [simd, threads] = await Promise.all([env.getAsync('WASM_HAS_SIMD_SUPPORT'), env.getAsync('WASM_HAS_MULTITHREAD_SUPPORT')]);
  if (simd === true && threads === true) return 'tfjs-backend-wasm-threaded-simd.wasm';
  return simd === true ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}

function startFailure(options: WasmBackendOptions): SparseError {
  const where = options.wasmPaths === undefined ? 'the binaries bundled in @sparse/backend-wasm' : 'wasmPaths';
  return unavailable(
    `The '${NAME}' backend failed to start from ${where} (TensorFlow.js logged the cause above); make sure the .wasm files are those of @tensorflow/tfjs-backend-wasm 4.22.0 and can be fetched, or pass wasmPaths.`,
  );
}

function unavailable(message: string, cause?: unknown): SparseError {
  return new SparseError('E_BACKEND_UNAVAILABLE', message, { field: 'backend', received: NAME }, cause === undefined ? undefined : { cause });
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
