import { describe, expect, it } from 'vitest';
import { Scorers } from '../tokens.js';
import { createRuntime } from '../create-runtime.js';
import { definePlugin } from './plugin.js';

describe('provideImplementation', () => {
  it('rejects names a config could not write', async () => {
    const plugin = definePlugin('@test/bad-name', (registry) =>
      registry.provide(Scorers, 'My Scorer', () => ({ name: 'x', requiresData: false, score: () => new Map() })),
    );
    await expect(createRuntime({ backend: 'cpu', plugins: [plugin] })).rejects.toMatchObject({
      code: 'E_PLUGIN',
      message: expect.stringMatching(/scorer name must be lowercase/) as unknown,
    });
  });

  it('rejects a factory that is not a function', async () => {
    const plugin = definePlugin('@test/bad-factory', (registry) => registry.provide(Scorers, 'x', 42 as never));
    await expect(createRuntime({ backend: 'cpu', plugins: [plugin] })).rejects.toThrowError(/must be registered with a factory function/);
  });
});
