import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, isSparseError } from '@sparse/core';
import { describe, expect, it } from 'vitest';
import { createWasmBackendProvider, wasmBackend, wasmBackendProvider } from './index.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const distIndex = `${packageRoot}dist/index.js`;
const distSimd = `${packageRoot}dist/wasm/tfjs-backend-wasm-simd.wasm`;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

// In order: the failures must happen before the wasm backend has started in this process.
describe('the wasm backend provider', () => {
  it('names wasm with priority 2, above cpu', () => {
    expect(wasmBackendProvider).toMatchObject({ name: 'wasm', priority: 2 });
  });

  it('fails with E_BACKEND_UNAVAILABLE naming the missing binary and the fix', async () => {
    const error = await rejection(createWasmBackendProvider({ wasmPaths: '/nonexistent/wasm' }).activate());
    expect(isSparseError(error, 'E_BACKEND_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/^The wasm binary \/nonexistent\/wasm\/tfjs-backend-wasm(-simd)?\.wasm given by wasmPaths does not exist; point wasmPaths at a folder/);
  });

  it("passes that error through createRuntime({ backend: 'wasm' }), and 'auto' falls back to cpu with a warning", async () => {
    const broken = wasmBackend({ wasmPaths: '/nonexistent/wasm' });
    const error = await rejection(createRuntime({ backend: 'wasm', plugins: [broken] }));
    expect(isSparseError(error, 'E_BACKEND_UNAVAILABLE')).toBe(true);
    const warnings: string[] = [];
    const runtime = await createRuntime({ plugins: [broken], env: {}, onWarning: (message) => warnings.push(message) });
    expect(runtime.backend).toBe('cpu');
    expect(warnings).toEqual([expect.stringMatching(/^Backend 'wasm' skipped: The wasm binary \/nonexistent/)]);
  });

  it('then starts, offline, and computes', async () => {
    await wasmBackendProvider.activate();
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.tidy(() => Array.from(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()))).toEqual([11]);
  });

  it.skipIf(!existsSync(distIndex) || !existsSync(distSimd))('starts from the build in plain Node (ESM, no bundler)', async () => {
    const script = [
      `import * as tf from '@tensorflow/tfjs-core';`,
      `import { wasmBackendProvider, fastKernelsInstalled } from ${JSON.stringify(distIndex)};`,
      `await wasmBackendProvider.activate();`,
      `console.log(JSON.stringify({ backend: tf.getBackend(), fast: fastKernelsInstalled() }));`,
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: packageRoot });
    expect(JSON.parse(stdout)).toEqual({ backend: 'wasm', fast: true });
  });
});
