import * as tf from '@tensorflow/tfjs-core';
import { createRuntime } from '@sparse/core';
import { describe, expect, it } from 'vitest';
import { WASM_BACKEND_PLUGIN_ID, fastKernelsInstalled, wasmBackend } from './index.js';

describe('wasmBackend plugin', () => {
  it("makes createRuntime({ backend: 'wasm' }) run on wasm with the fast kernels", async () => {
    const runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
    expect(runtime.backend).toBe('wasm');
    expect(runtime.backendSource).toBe('option');
    expect(runtime.pluginIds).toContain(WASM_BACKEND_PLUGIN_ID);
    expect(tf.getBackend()).toBe('wasm');
    expect(fastKernelsInstalled()).toBe(true);
  });

  it("is preferred to cpu by backend 'auto'", async () => {
    await createRuntime({ backend: 'cpu', plugins: [wasmBackend()] });
    expect(tf.getBackend()).toBe('cpu');
    const runtime = await createRuntime({ plugins: [wasmBackend()], env: {} });
    expect(runtime.backend).toBe('wasm');
    expect(runtime.backendSource).toBe('auto');
    expect(runtime.backendAttempts).toEqual([{ name: 'wasm', ok: true }]);
  });

  it('honours SPARSE_BACKEND and fastKernels: false', async () => {
    const runtime = await createRuntime({ plugins: [wasmBackend({ fastKernels: false })], env: { SPARSE_BACKEND: 'wasm' } });
    expect(runtime.backend).toBe('wasm');
    expect(runtime.backendSource).toBe('environment');
    expect(fastKernelsInstalled()).toBe(false);
  });
});
