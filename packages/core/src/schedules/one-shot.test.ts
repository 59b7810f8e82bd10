import { describe, expect, it } from 'vitest';
import { isSparseError } from '../errors.js';
import { constantSparsity } from './constant-sparsity.js';
import { oneShot } from './one-shot.js';

describe('oneShot', () => {
  it('prunes once, at its step', () => {
    const schedule = oneShot({ step: 7, sparsity: 0.9 });
    expect([0, 6, 7, 8, 1000].map((s) => schedule.isUpdateStep(s))).toEqual([false, false, true, false, false]);
    expect([0, 6, 7, 8, 1000].map((s) => schedule.sparsityAt(s))).toEqual([0, 0, 0.9, 0.9, 0.9]);
  });

  it('has the update steps of tfmot ConstantSparsity with begin = end = step', () => {
    const schedule = oneShot({ step: 300, sparsity: 0.5 });
    const constant = constantSparsity({ sparsity: 0.5, begin: 300, end: 300, frequency: 100 });
    for (let step = 0; step < 1000; step += 1) expect(schedule.isUpdateStep(step)).toBe(constant.isUpdateStep(step));
  });

  it('allows sparsity 1 but nothing outside [0, 1]', () => {
    expect(oneShot({ step: 0, sparsity: 1 }).sparsityAt(0)).toBe(1);
    for (const [options, field] of [
      [{ step: 0, sparsity: 1.01 }, 'sparsity'],
      [{ step: -1, sparsity: 0.5 }, 'step'],
      [{ step: 0.5, sparsity: 0.5 }, 'step'],
      [{ sparsity: 0.5 }, 'step'],
    ] as const) {
      let caught: unknown;
      try {
        oneShot(options as never);
      } catch (error) {
        caught = error;
      }
      expect(isSparseError(caught, 'E_CONFIG')).toBe(true);
      expect((caught as { details: { field: string } }).details.field).toBe(field);
    }
  });
});
