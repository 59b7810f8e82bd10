import { isSparseError } from '@sparse/core';
import { describe, expect, it } from 'vitest';
import { WASM_BINARY_NAMES } from './wasm-binaries.js';
import { validateWasmBackendOptions } from './wasm-backend-options.js';
import { wasmBackend } from './wasm-backend.js';

function configError(options: unknown): { field: unknown; message: string } {
  try {
    validateWasmBackendOptions(options);
  } catch (error) {
    if (isSparseError(error, 'E_CONFIG')) return { field: error.details.field, message: error.message };
    throw error;
  }
  throw new Error('expected an E_CONFIG SparseError');
}

describe('wasmBackend options', () => {
  it('accepts the documented forms', () => {
    const map = Object.fromEntries(WASM_BINARY_NAMES.map((name) => [name, `/assets/${name}`]));
    for (const options of [{}, { wasmPaths: '/static/wasm' }, { wasmPaths: map }, { threads: 4, fastKernels: false }]) {
      expect(validateWasmBackendOptions(options)).toBe(options);
    }
  });

  it('rejects bad values with E_CONFIG naming the field, what was received and what is allowed', () => {
    expect(configError({ threads: 0 })).toEqual({ field: 'threads', message: "wasmBackend option 'threads' must be a positive integer; received 0." });
    expect(configError({ threads: 2.5 }).field).toBe('threads');
    expect(configError({ fastKernels: 'yes' })).toMatchObject({ field: 'fastKernels', message: expect.stringContaining('received "yes"') });
    expect(configError({ wasmPaths: '' }).field).toBe('wasmPaths');
    expect(configError({ wasmPaths: 42 }).field).toBe('wasmPaths');
    expect(configError({ wasmPaths: { 'tfjs-backend-wasm.wasm': '/a.wasm' } }).message).toBe(
      'wasmPaths has no path for tfjs-backend-wasm-simd.wasm, tfjs-backend-wasm-threaded-simd.wasm; give a path for each of tfjs-backend-wasm.wasm, tfjs-backend-wasm-simd.wasm, tfjs-backend-wasm-threaded-simd.wasm, or a folder.',
    );
    expect(configError(null).field).toBe('options');
  });

  it('are checked when the plugin is made, before anything loads', () => {
    expect(() => wasmBackend({ threads: -1 })).toThrow(/'threads' must be a positive integer/);
  });
});
