import { describe, expect, it } from 'vitest';
import { createRuntime, isSparseError, type SparseRuntime } from '@sparse/core';
import { ExperimentKinds } from '@sparse/experiments';
import { DeltaMethods, deltaPlugin, pruneDeltas } from '../src/index.js';

const ALL = ['dare', 'darex-q', 'darex-q-analytical', 'darex-q-output-change', 'darex-q-validation', 'drop-only', 'magnitude', 'random'];

function configError(run: () => unknown): { message: string; field: unknown; allowed: unknown } {
  try {
    run();
  } catch (error) {
    expect(isSparseError(error) && error.code).toBe('E_CONFIG');
    const details = (error as { details: { field?: unknown; allowed?: unknown } }).details;
    return { message: (error as Error).message, field: details.field, allowed: details.allowed };
  }
  throw new Error('expected an E_CONFIG error');
}

describe('deltaPlugin', () => {
  let runtime: SparseRuntime;

  it('registers every delta method with a summary and the experiment kind delta', async () => {
    runtime = await createRuntime({ backend: 'cpu', plugins: [deltaPlugin()] });
    expect(runtime.names(DeltaMethods)).toEqual(ALL);
    expect(runtime.names(ExperimentKinds)).toEqual(['delta']);
    for (const name of ALL) expect(runtime.describe(DeltaMethods, name)?.summary).toMatch(/\w/);
    expect(runtime.catalog.find((entry) => entry.name === 'dare')?.pluginId).toBe('@sparse/delta');
  });

  it('builds each method through the runtime with its rule, label and rescale stated', async () => {
    const plan = async (ref: Parameters<SparseRuntime['resolve']>[1], rate = 0.9) => (await runtime.resolve(DeltaMethods, ref).plan(rate)).rule;
    expect(await plan('dare')).toEqual({ method: 'random', rescale: 'dare' });
    expect(await plan('drop-only')).toEqual({ method: 'random', rescale: 'none' });
    expect(await plan({ name: 'darex-q', q: 0.2 }, 0.99)).toEqual({ method: 'random', rescale: { q: 0.2 } });
    expect(await plan('magnitude')).toEqual({ method: 'magnitude', rescale: 'none' });
    expect(await plan({ name: 'magnitude', rescale: 'dare', scope: 'global' })).toEqual({ method: 'magnitude', rescale: 'dare', scope: 'global' });
    expect(await plan({ name: 'random', q: 0.5 })).toEqual({ method: 'random', rescale: { q: 0.5 } });
    expect(await plan({ name: 'random', rescale: 'l1' })).toEqual({ method: 'random', rescale: 'l1' });
    expect(runtime.resolve(DeltaMethods, 'dare').label).toBe('DARE (rescale 1/(1−p))');
    expect(runtime.resolve(DeltaMethods, 'magnitude').stochastic).toBe(false);

    const base = new Map([['w', new Float32Array(50)], ['head', new Float32Array(2)]]);
    const tuned = new Map([['w', new Float32Array(50).fill(0.01)], ['head', new Float32Array([1, 2])]]);
    const darex = runtime.resolve(DeltaMethods, { name: 'darex-q', q: 0.2 });
    const { rule } = await darex.plan(0.99);
    const viaMethod = await pruneDeltas(base, tuned, { ...rule, rate: 0.99, seed: 4, exclude: [/^head/] });
    const direct = await pruneDeltas(base, tuned, { rate: 0.99, rescale: { q: 0.2 }, seed: 4, exclude: [/^head/] });
    expect(viaMethod.tensors).toEqual(direct.tensors);
  });

  it.each([
    [{ name: 'darex-q', q: 'big' }, 'method.q', /expected a number/],
    [{ name: 'darex-q' }, 'method.q', /q/],
    [{ name: 'dare', rescale: 'none' }, 'method.rescale', /unknown field/],
    [{ name: 'magnitude', rescale: 'dare', q: 0.5 }, 'method.q', /q is only used with rescale 'q'/],
    [{ name: 'random', rescale: 'q' }, 'method.q', /rescale 'q' needs q/],
    [{ name: 'magnitude', scope: 'layer' }, 'method.scope', /tensor|global/],
    [{ name: 'darex-q-validation', upper: 2 }, 'method.upper', /1/],
  ])('%j is an E_CONFIG error naming %s', (ref, field, message) => {
    const error = configError(() => runtime.resolve(DeltaMethods, ref, 'method'));
    expect(error.message).toContain(field);
    expect(error.message).toMatch(message);
  });

  it('an unknown method names the registered ones', () => {
    const error = configError(() => runtime.resolve(DeltaMethods, 'dar', 'methods[0]'));
    expect(error.message).toMatch(/methods\[0\]: unknown delta method 'dar'; registered: dare, darex-q/);
    expect(error.allowed).toEqual(ALL);
  });

  it('checks q against the drop rate, and what a data-driven method needs', async () => {
    const darex = runtime.resolve(DeltaMethods, { name: 'darex-q', q: 0.2 });
    darex.check(0.99);
    const error = configError(() => darex.check(0.5));
    expect(error.field).toBe('q');
    expect(error.message).toMatch(/q must be in \[1 − p, 1\] = \[0\.5, 1\] for drop rate p = 0\.5/);
    const search = runtime.resolve(DeltaMethods, 'darex-q-validation');
    expect(search.needs).toEqual(['validation']);
    await expect(search.plan(0.9)).rejects.toThrowError(/needs labelled validation data/);
    const analytical = runtime.resolve(DeltaMethods, 'darex-q-analytical');
    await expect(analytical.plan(0.9, { dropSeeds: [0] })).rejects.toThrowError(/needs unlabelled calibration inputs/);
  });

  it('searches q with the objectives it is given', async () => {
    const byValidation = runtime.resolve(DeltaMethods, 'darex-q-validation');
    const seeds: number[] = [];
    const plan = await byValidation.plan(0.9, {
      dropSeeds: [3, 4],
      validationAccuracy: async (options) => {
        seeds.push(options.seed ?? -1);
        return -Math.abs((options.rescale as { q: number }).q - 0.237);
      },
    });
    expect(plan.q).toBe('0.237');
    expect(plan.evaluations).toBeGreaterThan(5);
    expect(new Set(seeds)).toEqual(new Set([3]));
    const byChange = runtime.resolve(DeltaMethods, { name: 'darex-q-output-change', upper: 0.5, step: 0.05 });
    const changePlan = await byChange.plan(0.9, { dropSeeds: [0, 1, 2], outputChange: async (options) => Math.abs((options.rescale as { q: number }).q - 0.3) + (options.seed ?? 0) * 1e-3 });
    expect(changePlan.rule).toEqual({ method: 'random', rescale: { q: 0.3 } });
  });

  it('takes one options object: a subset of methods, the experiment kind on or off, unknown options rejected', async () => {
    const subset = await createRuntime({ backend: 'cpu', plugins: [deltaPlugin({ methods: ['dare', 'magnitude'], experiment: false })] });
    expect(subset.names(DeltaMethods)).toEqual(['dare', 'magnitude']);
    expect(subset.names(ExperimentKinds)).toEqual([]);
    expect(configError(() => deltaPlugin({ methods: ['dares'] })).message).toMatch(/methods\[0\] "dares" is not a built-in delta method; allowed: random, magnitude/);
    expect(configError(() => deltaPlugin({ method: ['dare'] } as never)).message).toMatch(/unknown option 'method'/);
  });
});
