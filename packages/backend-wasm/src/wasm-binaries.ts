/**
 * The three WebAssembly binaries of `@tensorflow/tfjs-backend-wasm` 4.22, which this package
 * ships in `dist/wasm/`. tfjs picks one at start-up: SIMD + threads (browsers with
 * cross-origin isolation), SIMD, or plain.
 *
 * @example
 * ```ts
 * import { WASM_BINARY_NAMES, wasmBackend } from '@sparse/backend-wasm';
 *
 * const cdn = 'https://example.com/tfjs-wasm/';
 * const plugin = wasmBackend({ wasmPaths: Object.fromEntries(WASM_BINARY_NAMES.map((name) => [name, cdn + name])) });
 * ```
 */
export const WASM_BINARY_NAMES = Object.freeze([
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const);

/**
 * The file name of one of the {@link WASM_BINARY_NAMES}.
 *
 * @example
 * ```ts
 * import type { WasmBinaryName } from '@sparse/backend-wasm';
 *
 * const simd: WasmBinaryName = 'tfjs-backend-wasm-simd.wasm';
 * ```
 */
export type WasmBinaryName = (typeof WASM_BINARY_NAMES)[number];
