import * as tf from '@tensorflow/tfjs-core';
import { cpuBackendProvider, isSparseError } from '@sparse/core';
import { describe, expect, it } from 'vitest';
import { createWasmBackendProvider, fastKernelsInstalled, installFastKernels, uninstallFastKernels, wasmBackendProvider } from '../index.js';

const kernel = (name: string): tf.KernelConfig | undefined => tf.getKernel(name, 'wasm') as tf.KernelConfig | undefined;

// The tests run in order: the first needs a process where the wasm kernels are not registered yet.
describe('installFastKernels', () => {
  it('fails with E_BACKEND_UNAVAILABLE before the wasm kernels are registered', () => {
    expect(kernel(tf.BatchMatMul)).toBeUndefined();
    let error: unknown;
    try {
      installFastKernels();
    } catch (caught) {
      error = caught;
    }
    expect(isSparseError(error, 'E_BACKEND_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/activate the wasm backend first/);
    expect(uninstallFastKernels()).toBe(false);
    expect(fastKernelsInstalled()).toBe(false);
  });

  it('is left out by activate() when fastKernels is false, and put in by default', async () => {
    await createWasmBackendProvider({ fastKernels: false }).activate();
    expect(fastKernelsInstalled()).toBe(false);
    await wasmBackendProvider.activate();
    expect(fastKernelsInstalled()).toBe(true);
    await createWasmBackendProvider({ fastKernels: false }).activate();
    expect(fastKernelsInstalled()).toBe(false);
  });

  it('replaces both kernels idempotently, keeping the stock setup, and uninstalls back to the stock configs', () => {
    const stock = { matMul: kernel(tf.BatchMatMul), fused: kernel(tf._FusedMatMul) };
    expect(installFastKernels()).toBe(true);
    expect(installFastKernels()).toBe(false);
    expect(fastKernelsInstalled()).toBe(true);
    expect(kernel(tf.BatchMatMul)).not.toBe(stock.matMul);
    expect(kernel(tf.BatchMatMul)?.setupFunc).toBe(stock.matMul?.setupFunc);
    expect(kernel(tf._FusedMatMul)?.setupFunc).toBe(stock.fused?.setupFunc);
    expect(uninstallFastKernels()).toBe(true);
    expect(uninstallFastKernels()).toBe(false);
    expect(kernel(tf.BatchMatMul)).toBe(stock.matMul);
    expect(kernel(tf._FusedMatMul)).toBe(stock.fused);
  });

  it('keeps working after switching backends away and back (setup runs again)', async () => {
    installFastKernels();
    await cpuBackendProvider.activate();
    await wasmBackendProvider.activate();
    expect(tf.getBackend()).toBe('wasm');
    expect(fastKernelsInstalled()).toBe(true);
    const product = tf.tidy(() => tf.matMul(tf.ones([16, 40]), tf.ones([16, 30]), true, false).dataSync());
    expect(Array.from(new Set(product))).toEqual([16]);
  });
});
