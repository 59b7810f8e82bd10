import { Regularizers, createRuntime, isSparseError } from '@sparse/core';
import { ExperimentKinds } from '@sparse/experiments';
import { describe, expect, it } from 'vitest';
import groupEnvelopeDefault from './index.js';
import { GROUP_ENVELOPE_PLUGIN_ID, groupEnvelopePlugin } from './plugin.js';
import { GroupLassoRegularizer } from './regularizer/group-lasso.js';
import { GsefRegularizer } from './regularizer/gsef-regularizer.js';
import { SefRegularizer } from './regularizer/sef-regularizer.js';

function configError(make: () => unknown): { field: unknown; message: string } {
  try {
    make();
  } catch (error) {
    expect(isSparseError(error, 'E_CONFIG'), String(error)).toBe(true);
    return { field: (error as { details: { field?: unknown } }).details.field, message: (error as Error).message };
  }
  throw new Error('expected an E_CONFIG error');
}

describe('groupEnvelopePlugin', () => {
  it("registers 'gsef', 'sef' and 'group-lasso' in the Regularizers kind and the 'group-envelope' experiment kind", async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [groupEnvelopePlugin({ compute: 'host' })] });
    expect(runtime.pluginIds).toContain(GROUP_ENVELOPE_PLUGIN_ID);
    expect(runtime.names(Regularizers)).toEqual(expect.arrayContaining(['group-lasso', 'gsef', 'sef']));
    expect(runtime.names(ExperimentKinds)).toEqual(['group-envelope']);
    expect(runtime.create(ExperimentKinds, 'group-envelope').name).toBe('group-envelope');
    const made = runtime.create(Regularizers, 'gsef', { lambda: 0.05, targetGroupSparsity: 0.75, warmupSteps: 100 });
    expect(made).toBeInstanceOf(GsefRegularizer);
    expect((made as GsefRegularizer).compute).toBe('host');
    const unstructured = runtime.resolve(Regularizers, { name: 'sef', lambda: 0.5, k: 10 });
    expect(unstructured).toBeInstanceOf(SefRegularizer);
    expect(unstructured.name).toBe('sef');
    expect((unstructured as SefRegularizer).options.groups).toBe('unstructured');
    expect(runtime.create(Regularizers, 'group-lasso', { lambda: 0.01, compute: 'backend' })).toBeInstanceOf(GroupLassoRegularizer);
    expect(runtime.catalog.find((entry) => entry.name === 'gsef')?.summary).toMatch(/envelope/);
  });

  it('is the default export, so configs and commands can load it by package name', () => {
    expect(groupEnvelopeDefault).toBe(groupEnvelopePlugin);
  });

  it('checks the options a configuration passes against each schema, naming the field', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [groupEnvelopePlugin()] });
    const failing: [string, Record<string, unknown>, string, RegExp][] = [
      ['gsef', { lambda: 0.05 }, 'regularizer.k', /exactly one of k .* got neither/],
      ['gsef', { lambda: 0.05, k: 3, targetGroupSparsity: 0.5 }, 'regularizer.targetGroupSparsity', /got both/],
      ['gsef', { lambda: -1, k: 3 }, 'regularizer.lambda', /lambda: .*>=0|lambda: .*≥ ?0|lambda: .*received -1/],
      ['gsef', { lambda: 'big', k: 3 }, 'regularizer.lambda', /expected a number, received "big"/],
      ['gsef', { lambda: 0.1, k: 3, warmup: 10 }, 'regularizer.warmup', /unknown field; allowed: .*warmupSteps/],
      ['gsef', { lambda: 0.1, k: 3, compute: 'gpu' }, 'regularizer.compute', /expected one of "host", "backend", received "gpu"/],
      ['gsef', { lambda: 0.1, k: 3, groups: [{ kind: 'neurons' }] }, 'regularizer.groups[0].kind', /expected one of "dense-neurons"/],
      ['gsef', { lambda: 0.1, k: 3, groups: 'neurons' }, 'regularizer.groups', /expected one of "output-units", "unstructured"/],
      ['gsef', { lambda: 0.1, k: { fc1: 0 } }, 'regularizer.k.fc1', /received 0/],
      ['gsef', { lambda: 0.1, k: 1.5 }, 'regularizer.k', /expected an integer, received 1.5/],
      ['gsef', { lambda: 0.1, targetGroupSparsity: { fc1: 0.5 }, scope: 'global' }, 'regularizer.targetGroupSparsity', /single number/],
      ['gsef', { lambda: 0.1, k: 3, warmupSteps: 1.5 }, 'regularizer.warmupSteps', /expected an integer, received 1.5/],
      ['sef', { lambda: 0.1, k: 3, groups: 'output-units' }, 'regularizer.groups', /unknown field; allowed: lambda/],
      ['group-lasso', { lambda: 0.1, k: 3 }, 'regularizer.k', /unknown field/],
    ];
    for (const [name, options, field, message] of failing) {
      const error = configError(() => runtime.create(Regularizers, name, options));
      expect(error.field, `${name} ${JSON.stringify(options)}`).toBe(field);
      expect(error.message, `${name} ${JSON.stringify(options)}`).toMatch(message);
    }
  });

  it('checks its own options', () => {
    expect(configError(() => groupEnvelopePlugin({ compute: 'gpu' as never })).field).toBe('compute');
    expect(configError(() => groupEnvelopePlugin({ threads: 2 } as never)).message).toMatch(/threads: unknown field; allowed: compute/);
  });
});
