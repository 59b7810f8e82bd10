import * as tf from '@tensorflow/tfjs-core';
import { ContainerModule } from 'inversify';
import { z } from 'zod';
import { describe, expect, it, vi } from 'vitest';
import type { BackendProvider } from './contracts/backend-provider.js';
import type { Schedule } from './contracts/schedule.js';
import { SparseError } from './errors.js';
import { createToken } from './token.js';
import { CoreTokens, Schedules, Scorers } from './tokens.js';
import { createRuntime } from './create-runtime.js';
import { definePlugin, provideImplementation } from './runtime/plugin.js';

const constantSchedule = (options: Readonly<Record<string, unknown>>): Schedule => {
  const sparsity = Number(options['sparsity'] ?? 0.5);
  return { name: 'constant', sparsityAt: () => sparsity, isUpdateStep: () => true };
};

const schedulesPlugin = definePlugin('@test/schedules', (registry) => {
  registry.provide(Schedules, 'constant', constantSchedule, { options: z.object({ sparsity: z.number().optional() }) });
});

/** A backend that always fails to load, standing in for a missing native library. */
const brokenBackend = (priority: number): BackendProvider => ({
  name: 'broken',
  priority,
  activate: () => Promise.reject(new SparseError('E_BACKEND_UNAVAILABLE', 'broken is broken; install the fix.')),
});
const brokenPlugin = definePlugin('@test/broken', (registry) => registry.backend(brokenBackend(100)));

describe('createRuntime', () => {
  it('resolves implementations by name and passes their options', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [schedulesPlugin], toolkit: false });
    const schedule = runtime.create(Schedules, 'constant', { sparsity: 0.8 });
    expect(schedule.sparsityAt(10)).toBe(0.8);
    expect(runtime.names(Schedules)).toEqual(['constant']);
    expect(runtime.has(Schedules, 'constant')).toBe(true);
    expect(runtime.has(Scorers, 'constant')).toBe(false);
  });

  it('names the registered implementations when asked for an unknown one', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [schedulesPlugin] , toolkit: false });
    expect(() => runtime.create(Schedules, 'cubic')).toThrowError(/Unknown schedule 'cubic'; registered: constant/);
    try {
      runtime.create(Schedules, 'cubic');
    } catch (error) {
      expect(error).toBeInstanceOf(SparseError);
      expect((error as SparseError).code).toBe('E_NOT_FOUND');
      expect((error as SparseError).details.allowed).toEqual(['constant']);
    }
  });

  it("lets a user's plugin add an implementation beside ours without touching them", async () => {
    const mine = {
      id: '@user/mine',
      module: new ContainerModule(({ bind }) => {
        provideImplementation(bind, Schedules, 'my-schedule', () => ({ name: 'my-schedule', sparsityAt: () => 0.3, isUpdateStep: () => false }));
      }),
    };
    const runtime = await createRuntime({ backend: 'cpu', plugins: [schedulesPlugin, mine] , toolkit: false });
    expect(runtime.names(Schedules)).toEqual(['constant', 'my-schedule']);
    expect(runtime.catalog.find((entry) => entry.name === 'my-schedule')?.pluginId).toBe('@user/mine');
  });

  it('loads a plugin id once and warns when a different object reuses it', async () => {
    const onWarning = vi.fn();
    const twin = definePlugin('@test/schedules', (registry) => registry.provide(Schedules, 'other', constantSchedule));
    const runtime = await createRuntime({ backend: 'cpu', plugins: [schedulesPlugin, schedulesPlugin, twin], onWarning , toolkit: false });
    expect(runtime.names(Schedules)).toEqual(['constant']);
    expect(runtime.pluginIds).toEqual(['@sparse/core/cpu', '@test/schedules']);
    expect(onWarning).toHaveBeenCalledTimes(1);
    expect(onWarning.mock.calls[0]?.[0]).toMatch(/'@test\/schedules' was given twice/);
  });

  it('rejects two plugins that provide the same name, naming both', async () => {
    const clash = definePlugin('@test/clash', (registry) => registry.provide(Schedules, 'constant', constantSchedule));
    await expect(createRuntime({ backend: 'cpu', plugins: [schedulesPlugin, clash] , toolkit: false })).rejects.toThrowError(
      /'@test\/schedules' and '@test\/clash' both provide a schedule named 'constant'/,
    );
  });

  it('rejects something that is not a plugin with a typed error', async () => {
    await expect(createRuntime({ backend: 'cpu', plugins: [{} as never] })).rejects.toMatchObject({ code: 'E_PLUGIN' });
  });

  it("loads core's toolkit by default, so configs can name its scorers, pruners and schedules", async () => {
    const runtime = await createRuntime({ backend: 'cpu' });
    expect(runtime.pluginIds).toEqual(['@sparse/core/cpu', '@sparse/core/toolkit']);
    expect(runtime.names(Scorers)).toContain('magnitude');
    expect(runtime.names(Schedules)).toContain('polynomial');
    expect(runtime.catalog.find((entry) => entry.name === 'magnitude')?.pluginId).toBe('@sparse/core/toolkit');
  });

  it('names both plugins when a user plugin reuses a toolkit name', async () => {
    const mine = definePlugin('@user/magnitude', (registry) =>
      registry.provide(Scorers, 'magnitude', () => ({ name: 'magnitude', requiresData: false, score: () => new Map() })),
    );
    await expect(createRuntime({ backend: 'cpu', plugins: [mine] })).rejects.toThrowError(
      /'@sparse\/core\/toolkit' and '@user\/magnitude' both provide a scorer named 'magnitude'/,
    );
  });

  it('is frozen: its object cannot be changed', async () => {
    const runtime = await createRuntime({ backend: 'cpu' });
    expect(Object.isFrozen(runtime)).toBe(true);
    expect(() => {
      (runtime as { backend: string }).backend = 'wasm';
    }).toThrow(TypeError);
  });

  it('resolves plain tokens that plugins bind, and says when nothing is bound', async () => {
    const Greeting = createToken<string>('@test/Greeting');
    const plugin = definePlugin('@test/greeting', (registry) => registry.container.bind(Greeting).toConstantValue('hello'));
    const runtime = await createRuntime({ backend: 'cpu', plugins: [plugin] });
    expect(runtime.get(Greeting)).toBe('hello');
    expect(() => runtime.get(createToken<string>('@test/Nothing'))).toThrowError(/Nothing is bound/);
  });
});

describe('backend selection', () => {
  it('uses the explicit option first', async () => {
    const runtime = await createRuntime({ backend: 'cpu', env: { SPARSE_BACKEND: 'broken' }, plugins: [brokenPlugin] });
    expect(runtime.backend).toBe('cpu');
    expect(runtime.backendSource).toBe('option');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('then SPARSE_BACKEND', async () => {
    await expect(createRuntime({ env: { SPARSE_BACKEND: 'broken' }, plugins: [brokenPlugin] })).rejects.toThrowError(
      'broken is broken; install the fix.',
    );
    const runtime = await createRuntime({ env: { SPARSE_BACKEND: 'cpu' }, plugins: [brokenPlugin] });
    expect(runtime.backendSource).toBe('environment');
  });

  it('then the highest-priority backend that initialises, recording why others failed', async () => {
    const onWarning = vi.fn();
    const runtime = await createRuntime({ env: {}, plugins: [brokenPlugin], onWarning });
    expect(runtime.backend).toBe('cpu');
    expect(runtime.backendSource).toBe('auto');
    expect(runtime.backendAttempts).toEqual([
      { name: 'broken', ok: false, reason: 'broken is broken; install the fix.' },
      { name: 'cpu', ok: true },
    ]);
    expect(onWarning).toHaveBeenCalledWith("Backend 'broken' skipped: broken is broken; install the fix.");
  });

  it('names the available backends when an unknown one is requested', async () => {
    await expect(createRuntime({ backend: 'gpu' })).rejects.toThrowError(/Unknown backend 'gpu' \(from backend\); available: auto, cpu/);
    await expect(createRuntime({ env: { SPARSE_BACKEND: 'gpu' } })).rejects.toThrowError(/from SPARSE_BACKEND/);
  });

  it('wraps a provider that throws a plain error into a typed one', async () => {
    const plain = definePlugin('@test/plain', (registry) =>
      registry.backend({ name: 'plain', priority: 0, activate: () => Promise.reject(new Error('dlopen failed')) }),
    );
    await expect(createRuntime({ backend: 'plain', plugins: [plain] })).rejects.toMatchObject({
      code: 'E_BACKEND_UNAVAILABLE',
      message: "The 'plain' backend could not initialise: dlopen failed",
    });
  });

  it('contributes backends through the Backend token', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [brokenPlugin] });
    expect(runtime.getAll(CoreTokens.Backend).map((provider) => provider.name)).toEqual(['cpu', 'broken']);
    expect(runtime.getAll(createToken<string>('@test/Unbound'))).toEqual([]);
  });
});

describe('gradients', () => {
  it('are registered by createRuntime, so tf.grad works', async () => {
    await createRuntime({ backend: 'cpu' });
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, -2]));
    expect(Array.from(gradient.dataSync())).toEqual([2, -4]);
    gradient.dispose();
  });
});
