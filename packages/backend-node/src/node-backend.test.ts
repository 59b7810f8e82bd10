import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, CoreTokens, isSparseError } from '@sparse/core';
import { describe, expect, it, vi } from 'vitest';
import { nodeBackend, NODE_BACKEND_PLUGIN_ID } from './node-backend.js';
import type { ModuleImporter } from './node-backend-options.js';
import { probeNodeBackend } from './probe-node-backend.js';
import type { LegacyUtil } from './util-shim.js';

const run = promisify(execFile);
const probe = await probeNodeBackend();
const skippedBecause = probe.available ? '' : ` (skipped: ${probe.reason ?? 'unavailable'})`;

const notInstalled: ModuleImporter = (specifier) =>
  Promise.reject(Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/index.js`), { code: 'ERR_MODULE_NOT_FOUND' }));
const nativeMissing: ModuleImporter = () =>
  Promise.reject(
    new Error(
      'The Node.js native addon module (tfjs_binding.node) can not be found at path: /app/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node. \nPlease run command ...',
    ),
  );

async function activationError(importModule?: ModuleImporter): Promise<Error> {
  const plugin = importModule === undefined ? nodeBackend() : nodeBackend({ importModule });
  const error: unknown = await createRuntime({ backend: 'tensorflow', plugins: [plugin] }).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!isSparseError(error, 'E_BACKEND_UNAVAILABLE')) throw new Error(`expected E_BACKEND_UNAVAILABLE, got ${String(error)}`);
  return error;
}

describe('nodeBackend', () => {
  it('contributes one backend named tensorflow with priority 3', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [nodeBackend()] });
    expect(runtime.pluginIds).toContain(NODE_BACKEND_PLUGIN_ID);
    const provider = runtime.getAll(CoreTokens.Backend).find((candidate) => candidate.name === 'tensorflow');
    expect(provider?.priority).toBe(3);
  });

  it('rejects an importModule that is not a function', () => {
    expect(() => nodeBackend({ importModule: 42 as never })).toThrowError(expect.objectContaining({ code: 'E_CONFIG' }));
  });

  it('says the package is missing, with the install command, when it cannot be resolved', async () => {
    const error = await activationError(notInstalled);
    expect(error.message).toMatch(/^The native backend 'tensorflow' is unavailable: @tensorflow\/tfjs-node is not installed; /);
    expect(error.message).toContain('npm install @tensorflow/tfjs-node@4.22.0');
    expect(error.message).toContain("use backend 'wasm'");
  });

  it('says the native library did not load, with the rebuild command, when the addon is missing', async () => {
    const error = await activationError(nativeMissing);
    expect(error.message).toMatch(/is installed but its native library did not load \(tfjs_binding\.node not found at \/app\//);
    expect(error.message).toContain('npm rebuild @tensorflow/tfjs-node');
    expect(error.message).not.toContain('npm install');
    expect(error.message).not.toBe((await activationError(notInstalled)).message);
  });

  it("recognises Node's own resolution error for a package that is not installed", async () => {
    // Plain Node, outside the workspace and without pnpm's NODE_PATH, produces the real error.
    const folder = await mkdtemp(join(tmpdir(), 'sparse-backend-node-'));
    try {
      const script = "import('@tensorflow/tfjs-node').catch((e) => console.log(JSON.stringify({ code: e.code, message: e.message })))";
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: folder, env: { PATH: process.env['PATH'] ?? '' } });
      const real = JSON.parse(stdout) as { code: string; message: string };
      expect(real.code).toBe('ERR_MODULE_NOT_FOUND');
      const error = await activationError(() => Promise.reject(Object.assign(new Error(real.message), { code: real.code })));
      expect(error.message).toContain('@tensorflow/tfjs-node is not installed');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('says so when the package loads but registers no tensorflow backend', async () => {
    const error = await activationError(() => Promise.resolve({}));
    expect(error.message).toMatch(/@tensorflow\/tfjs-node failed to load \(it loaded but did not register the 'tensorflow' backend/);
  });

  it('writes each reason as one sentence', async () => {
    for (const importModule of [notInstalled, nativeMissing, () => Promise.resolve({})]) {
      const { message } = await activationError(importModule);
      expect(message.endsWith('.')).toBe(true);
      expect(message).not.toContain('\n');
      expect(message.replace(/\([^)]*\)/g, '').match(/\.\s/g)).toBeNull();
    }
  });

  it('installs the node:util shim before it imports tfjs-node', async () => {
    const util = createRequire(import.meta.url)('node:util') as LegacyUtil;
    const original = Object.getOwnPropertyDescriptor(util, 'isNullOrUndefined');
    delete util.isNullOrUndefined;
    try {
      let seen = 'not imported';
      const importModule: ModuleImporter = () => {
        seen = typeof util.isNullOrUndefined;
        return Promise.reject(new Error('stop here'));
      };
      await activationError(importModule);
      expect(seen).toBe('function');
      expect(util.isNullOrUndefined!(undefined)).toBe(true);
    } finally {
      if (original === undefined) delete util.isNullOrUndefined;
      else Object.defineProperty(util, 'isNullOrUndefined', original);
    }
  });
});

describe.skipIf(probe.available)('where @tensorflow/tfjs-node is installed but cannot load natively (this machine)', () => {
  it('fails an explicit backend: tensorflow with the reason and the fix', async () => {
    const error = await activationError();
    expect(error.message).toMatch(/^The native backend 'tensorflow' is unavailable: @tensorflow\/tfjs-node is installed but its native library did not load \(/);
    expect(error.message).toContain('npm rebuild @tensorflow/tfjs-node');
    expect(error.message).toBe(probe.reason);
  });

  it("falls through to the next backend by priority with backend: 'auto'", async () => {
    const onWarning = vi.fn();
    const runtime = await createRuntime({ backend: 'auto', plugins: [nodeBackend()], onWarning });
    expect(runtime.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(runtime.backendAttempts.map((attempt) => [attempt.name, attempt.ok])).toEqual([
      ['tensorflow', false],
      ['cpu', true],
    ]);
    expect(runtime.backendAttempts[0]?.reason).toBe(probe.reason);
    expect(onWarning).toHaveBeenCalledWith(`Backend 'tensorflow' skipped: ${probe.reason}`);
  });

  it('is reported by the probe without switching the active backend', async () => {
    await createRuntime({ backend: 'cpu' });
    const again = await probeNodeBackend();
    expect(again).toEqual({ available: false, reason: probe.reason });
    expect(tf.getBackend()).toBe('cpu');
  });
});

describe.skipIf(!probe.available)(`where @tensorflow/tfjs-node loads${skippedBecause}`, () => {
  it("activates the 'tensorflow' backend and computes on it", async () => {
    const runtime = await createRuntime({ backend: 'tensorflow', plugins: [nodeBackend()] });
    expect(runtime.backend).toBe('tensorflow');
    expect(tf.getBackend()).toBe('tensorflow');
    const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0]);
    expect(product).toBe(11);
  });

  it('is preferred by auto and restored by the probe', async () => {
    const runtime = await createRuntime({ backend: 'auto', plugins: [nodeBackend()] });
    expect(runtime.backend).toBe('tensorflow');
    await createRuntime({ backend: 'cpu' });
    expect(await probeNodeBackend()).toEqual({ available: true });
    expect(tf.getBackend()).toBe('cpu');
  });
});
