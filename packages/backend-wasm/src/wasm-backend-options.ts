import { SparseError } from '@sparse/core';
import { WASM_BINARY_NAMES } from './wasm-binaries.js';
import type { WasmPaths } from './wasm-location.js';

/**
 * Options of {@link wasmBackend} and {@link createWasmBackendProvider}.
 *
 * @example
 * ```ts
 * import type { WasmBackendOptions } from '@sparse/backend-wasm';
 *
 * const options: WasmBackendOptions = { wasmPaths: '/static/tfjs-wasm/', threads: 4, fastKernels: true };
 * ```
 */
export interface WasmBackendOptions {
  /**
   * Where the `.wasm` binaries are: a folder, or one path or URL per binary
   * ({@link WASM_BINARY_NAMES}). Default: the copies shipped in this package's `dist/wasm/`.
   */
  readonly wasmPaths?: WasmPaths;
  /**
   * Threads of XNNPACK's pool, a positive integer (default: one per logical core). Only the
   * threaded binary uses it: browsers with cross-origin isolation, never Node (tfjs 4.22 runs the
   * wasm backend single-threaded in Node). Takes effect only before the backend first starts.
   */
  readonly threads?: number;
  /** Registers the faster matrix-product kernels ({@link installFastKernels}); default `true`. */
  readonly fastKernels?: boolean;
  /**
   * Threads of each trainer the `dense-trainer` engine starts, a positive integer (default 1; see
   * `createDenseTrainerEngine`). More than one needs Node worker threads, or a cross-origin
   * isolated browser page with the runtime in a Web Worker; the results are the same bits.
   */
  readonly denseTrainerThreads?: number;
}

/**
 * Checks options before anything is loaded.
 * @throws SparseError `E_CONFIG` naming the field, the value received and what is allowed.
 */
export function validateWasmBackendOptions(options: unknown): WasmBackendOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw configError('options', options, 'an object { wasmPaths?, threads?, fastKernels?, denseTrainerThreads? }');
  }
  const { wasmPaths, threads, fastKernels, denseTrainerThreads } = options as Record<string, unknown>;
  if (wasmPaths !== undefined) checkWasmPaths(wasmPaths);
  if (threads !== undefined && !(typeof threads === 'number' && Number.isInteger(threads) && threads >= 1)) {
    throw configError('threads', threads, 'a positive integer');
  }
  if (denseTrainerThreads !== undefined && !(typeof denseTrainerThreads === 'number' && Number.isInteger(denseTrainerThreads) && denseTrainerThreads >= 1)) {
    throw configError('denseTrainerThreads', denseTrainerThreads, 'a positive integer');
  }
  if (fastKernels !== undefined && typeof fastKernels !== 'boolean') {
    throw configError('fastKernels', fastKernels, 'true or false');
  }
  return options as WasmBackendOptions;
}

function checkWasmPaths(wasmPaths: unknown): void {
  const allowed = `a non-empty folder path or URL, or an object with a non-empty path for each of ${WASM_BINARY_NAMES.join(', ')}`;
  if (typeof wasmPaths === 'string') {
    if (wasmPaths === '') throw configError('wasmPaths', wasmPaths, allowed);
    return;
  }
  if (typeof wasmPaths !== 'object' || wasmPaths === null || Array.isArray(wasmPaths)) {
    throw configError('wasmPaths', wasmPaths, allowed);
  }
  const entries = wasmPaths as Record<string, unknown>;
  const missing = WASM_BINARY_NAMES.filter((name) => typeof entries[name] !== 'string' || entries[name] === '');
  if (missing.length > 0) {
    throw new SparseError('E_CONFIG', `wasmPaths has no path for ${missing.join(', ')}; give a path for each of ${WASM_BINARY_NAMES.join(', ')}, or a folder.`, {
      field: 'wasmPaths',
      received: Object.keys(entries),
      allowed: WASM_BINARY_NAMES,
    });
  }
}

function configError(field: string, received: unknown, allowed: string): SparseError {
  return new SparseError('E_CONFIG', `wasmBackend option '${field}' must be ${allowed}; received ${describe(received)}.`, {
    field,
    received,
    allowed,
  });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}
