import { Regularizers, createRuntime, isSparseError } from '@sparse/core';
import { describe, expect, it } from 'vitest';
import { GROUP_ENVELOPE_PLUGIN_ID, groupEnvelope } from './plugin.js';
import { GroupLassoRegularizer } from './regularizer/group-lasso.js';
import { GsefRegularizer } from './regularizer/gsef-regularizer.js';

describe('groupEnvelope plugin', () => {
  it("registers 'gsef' and 'group-lasso' in the Regularizers kind", async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [groupEnvelope({ compute: 'host' })] });
    expect(runtime.pluginIds).toContain(GROUP_ENVELOPE_PLUGIN_ID);
    expect(runtime.names(Regularizers)).toEqual(expect.arrayContaining(['gsef', 'group-lasso']));
    const made = runtime.create(Regularizers, 'gsef', { lambda: 0.05, targetGroupSparsity: 0.75, warmupSteps: 100 });
    expect(made).toBeInstanceOf(GsefRegularizer);
    expect((made as GsefRegularizer).compute).toBe('host');
    expect(runtime.create(Regularizers, 'group-lasso', { lambda: 0.01, compute: 'backend' })).toBeInstanceOf(GroupLassoRegularizer);
  });

  it('checks the options a configuration passes, naming the field', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [groupEnvelope()] });
    const failing: [Record<string, unknown>, string, RegExp][] = [
      [{ lambda: 0.05 }, 'k', /exactly one of k/],
      [{ lambda: -1, k: 3 }, 'lambda', /lambda must be a finite number ≥ 0/],
      [{ lambda: 0.1, k: 3, warmup: 10 }, 'warmup', /unknown option 'warmup'/],
      [{ lambda: 0.1, k: 3, compute: 'gpu' }, 'compute', /compute must be 'host' or 'backend'/],
      [{ lambda: 0.1, k: 3, groups: [{ kind: 'neurons' }] }, 'groups[0].kind', /kind must be one of/],
      [{ lambda: 0.1, k: 3, warmupSteps: 1.5 }, 'warmupSteps', /integer ≥ 0/],
    ];
    for (const [options, field, message] of failing) {
      let error: unknown;
      try {
        runtime.create(Regularizers, 'gsef', options);
      } catch (caught) {
        error = caught;
      }
      expect(isSparseError(error), JSON.stringify(options)).toBe(true);
      expect(error).toMatchObject({ code: 'E_CONFIG', details: { field } });
      expect((error as Error).message).toMatch(message);
    }
    expect(() => runtime.create(Regularizers, 'group-lasso', { lambda: 0.1, k: 3 })).toThrow(/unknown option 'k'/);
  });

  it('checks its own options', () => {
    expect(() => groupEnvelope({ compute: 'gpu' as never })).toThrow(expect.objectContaining({ code: 'E_CONFIG', details: expect.objectContaining({ field: 'compute' }) }));
    expect(() => groupEnvelope({ threads: 2 } as never)).toThrow(/unknown option 'threads'/);
  });
});
