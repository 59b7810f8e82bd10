import { nodeBackend, probeNodeBackend } from '@sparse/backend-node';
import { wasmBackend } from '@sparse/backend-wasm';
import { createRuntime } from '@sparse/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';

const probe = await probeNodeBackend();

describe("backend: 'auto' with the native and wasm plugins", () => {
  it.skipIf(probe.available)(`falls through from tensorflow to wasm when tfjs-node cannot load${probe.available ? ' (skipped: tfjs-node loads here)' : ''}`, async () => {
    const onWarning = vi.fn();
    const runtime = await createRuntime({ backend: 'auto', plugins: [wasmBackend(), nodeBackend()], onWarning });
    expect(runtime.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(runtime.backendAttempts).toEqual([
      { name: 'tensorflow', ok: false, reason: probe.reason },
      { name: 'wasm', ok: true },
    ]);
    expect(onWarning).toHaveBeenCalledWith(`Backend 'tensorflow' skipped: ${probe.reason ?? ''}`);
  });

  it.skipIf(!probe.available)(`prefers tensorflow over wasm${probe.available ? '' : ` (skipped: ${probe.reason ?? 'unavailable'})`}`, async () => {
    const runtime = await createRuntime({ backend: 'auto', plugins: [wasmBackend(), nodeBackend()] });
    expect(runtime.backend).toBe('tensorflow');
  });

  it('uses wasm when asked for it by name, whatever tfjs-node does', async () => {
    const runtime = await createRuntime({ backend: 'wasm', plugins: [nodeBackend(), wasmBackend()] });
    expect(runtime.backend).toBe('wasm');
    expect(runtime.backendAttempts).toEqual([{ name: 'wasm', ok: true }]);
  });
});
