import { describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { describeRun, expandSweep } from './expand.js';
import { getFieldPath, setFieldPath } from './field-path.js';
import { sweepConfigSchema } from './sweep-config.js';

const base = { kind: 'lth', name: 'x', seeds: [0], rates: { default: 0.2 }, model: { layerSizes: [784, 300, 10] } };

function sweep(raw: Record<string, unknown>) {
  return sweepConfigSchema.parse({ name: 's', base, ...raw });
}

describe('expandSweep', () => {
  it('takes every combination of the grid, axes in the order written, seeds innermost', () => {
    const runs = expandSweep(sweep({ grid: { scorer: ['magnitude', 'random'], 'rates.default': [0.2, 0.5, 0.8] }, seeds: [3, 4] }), base);
    expect(runs).toHaveLength(12);
    expect(runs.map((run) => describeRun(run)).slice(0, 4)).toEqual([
      'scorer=magnitude rates.default=0.2 seed=3',
      'scorer=magnitude rates.default=0.2 seed=4',
      'scorer=magnitude rates.default=0.5 seed=3',
      'scorer=magnitude rates.default=0.5 seed=4',
    ]);
    expect(runs[11]?.raw).toEqual({ ...base, scorer: 'random', rates: { default: 0.8 }, seeds: [4] });
    expect(runs.map((run) => run.index)).toEqual([...Array(12).keys()]);
    expect(base.rates.default).toBe(0.2);
  });

  it('puts a seed in "seed" as a number when the base has "seed", and in seedField when named', () => {
    const single = { kind: 'delta', name: 'd', seed: 0 };
    expect(expandSweep(sweepConfigSchema.parse({ name: 's', base: single, seeds: [7] }), single)[0]?.raw['seed']).toBe(7);
    const named = { kind: 'k', name: 'n', training: { seed: 1 } };
    expect(expandSweep(sweepConfigSchema.parse({ name: 's', base: named, seeds: [9], seedField: 'training.seed' }), named)[0]?.raw).toEqual({ ...named, training: { seed: 9 } });
  });

  it('is one run of the base without grid or seeds', () => {
    expect(expandSweep(sweep({}), base)).toEqual([{ index: 0, axes: [], raw: base }]);
  });

  it('refuses seeds without a seed field, a grid on the seed field and too many runs', () => {
    const noSeed = { kind: 'k', name: 'n' };
    expect(() => expandSweep(sweepConfigSchema.parse({ name: 's', base: noSeed, seeds: [1] }), noSeed)).toThrow(/neither "seeds" nor "seed".*seedField/);
    expect(() => expandSweep(sweep({ grid: { seeds: [[1]] }, seeds: [1] }), base)).toThrow(/grid "seeds": this is the seed field/);
    const values = Array.from({ length: 101 }, (_, index) => index);
    try {
      expandSweep(sweep({ grid: { a: values, b: values } }), base);
      expect.unreachable();
    } catch (error) {
      expect(isSparseError(error, 'E_CONFIG')).toBe(true);
      expect((error as Error).message).toMatch(/10201 runs; at most 10000/);
    }
  });
});

describe('field paths', () => {
  it('sets nested fields and list items without changing the target', () => {
    const target = { model: { layerSizes: [784, 300, 10] } };
    expect(setFieldPath(target, 'model.layerSizes.1', 100, 'grid')).toEqual({ model: { layerSizes: [784, 100, 10] } });
    expect(setFieldPath(target, 'optimizer.learningRate', 0.1, 'grid')).toEqual({ ...target, optimizer: { learningRate: 0.1 } });
    expect(target.model.layerSizes[1]).toBe(300);
    expect(getFieldPath(target, 'model.layerSizes.2')).toBe(10);
    expect(getFieldPath(target, 'model.nothing.here')).toBeUndefined();
  });

  it('names the path that runs through a number or past a list', () => {
    expect(() => setFieldPath({ rates: 0.2 }, 'rates.default', 1, 'grid')).toThrow(/grid "rates.default": "rates" is 0.2, not an object or a list/);
    expect(() => setFieldPath({ sizes: [1, 2] }, 'sizes.5', 1, 'grid')).toThrow(/"sizes" is a list of 2; "5" is not an index in it \(0 to 1\)/);
  });
});

describe('sweepConfigSchema', () => {
  it('rejects unknown fields, bad names, empty axes and bad paths, naming them', () => {
    const result = sweepConfigSchema.safeParse({ name: '../x', base, grid: { 'a..b': [1], c: [] }, extra: 1 });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.')) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['name', 'grid.a..b', 'grid.c']));
    expect(result.error?.issues.some((issue) => issue.code === 'unrecognized_keys')).toBe(true);
  });
});
