import { describe, expect, it } from 'vitest';
import { createRuntime } from '../create-runtime.js';
import { sparseToolkit } from '../toolkit-plugin.js';
import { Schedules } from '../tokens.js';

describe('schedules in the sparseToolkit plugin', () => {
  it('are resolved by name from a config, and validate it', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [sparseToolkit()] });
    expect(runtime.names(Schedules)).toEqual(expect.arrayContaining(['constant', 'cubic', 'iterative', 'one-shot', 'polynomial']));
    const polynomial = runtime.create(Schedules, 'polynomial', { initialSparsity: 0.2, finalSparsity: 0.8, begin: 100, end: 110, frequency: 2 });
    expect(polynomial.name).toBe('polynomial');
    expect(polynomial.sparsityAt(105)).toBeCloseTo(0.725, 12);
    expect(runtime.create(Schedules, 'cubic', { finalSparsity: 0.5, frequency: 10, pruningSteps: 2 }).isUpdateStep(20)).toBe(true);
    expect(runtime.create(Schedules, 'iterative', { rate: 0.2, rounds: 2, stepsPerRound: 5 }).sparsityAt(10)).toBeCloseTo(0.36, 12);
    expect(runtime.create(Schedules, 'one-shot', { step: 3, sparsity: 0.9 }).isUpdateStep(3)).toBe(true);
    expect(runtime.create(Schedules, 'constant', { sparsity: 0.5 }).isUpdateStep(200)).toBe(true);
    expect(() => runtime.create(Schedules, 'polynomial', { finalSparsity: 0.8, begin: 10, end: 5 })).toThrowError(
      expect.objectContaining({ code: 'E_CONFIG', details: expect.objectContaining({ field: 'end' }) as unknown }) as Error,
    );
    expect(() => runtime.create(Schedules, 'constant', { sparsity: 0.5, freq: 10 })).toThrowError(/schedule\.freq: unknown field; allowed: sparsity, begin, end, frequency/);
  });
});
