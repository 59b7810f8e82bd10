import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '../errors.js';
import { constantSparsity } from './constant-sparsity.js';

// Ported from tfmot pruning_schedule_test.py (PruningScheduleTest / ConstantSparsityTest).
describe('constantSparsity (tfmot ConstantSparsity)', () => {
  it('validates steps, frequency and sparsity as tfmot does, naming the field', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ sparsity: 0.5, begin: -1, end: 1000 }, 'begin'],
      [{ sparsity: 0.5, begin: -5, end: 1000 }, 'begin'],
      [{ sparsity: 0.5, begin: 10, end: -5 }, 'end'],
      [{ sparsity: 0.5, begin: 10, end: 5 }, 'end'],
      [{ sparsity: 0.5, begin: 10, end: 1000, frequency: 0 }, 'frequency'],
      [{ sparsity: 0.5, begin: 10, end: 1000, frequency: -1 }, 'frequency'],
      [{ sparsity: -0.001 }, 'sparsity'],
      [{ sparsity: 1 }, 'sparsity'],
      [{ sparsity: 10 }, 'sparsity'],
      [{ sparsity: Number.NaN }, 'sparsity'],
      [{ sparsity: '0.5' }, 'sparsity'],
      [{}, 'sparsity'],
      [{ sparsity: 0.5, begin: 1.5 }, 'begin'],
      [{ sparsity: 0.5, frequency: 2.5 }, 'frequency'],
      [{ sparsity: 0.5, beginStep: 3 }, 'beginStep'],
    ];
    for (const [options, field] of bad) {
      let caught: unknown;
      try {
        constantSparsity(options as never);
      } catch (error) {
        caught = error;
      }
      expect(isSparseError(caught, 'E_CONFIG'), JSON.stringify(options)).toBe(true);
      expect((caught as { details: { field: string } }).details.field).toBe(field);
      expect((caught as Error).message).toContain(field);
    }
    expect(() => constantSparsity({ sparsity: 0.5, begin: 10, end: 1000, frequency: 0 })).toThrowError(
      /constant: frequency must be an integer ≥ 1; got 0/,
    );
    for (const sparsity of [0, 0.001, 0.5, 0.99]) expect(() => constantSparsity({ sparsity })).not.toThrow();
    for (const [begin, end] of [[0, 0], [0, 1], [10, 10], [10, 20], [0, -1]] as const) {
      expect(() => constantSparsity({ sparsity: 0.5, begin, end })).not.toThrow();
    }
  });

  it('fills in tfmot defaults: end = -1, frequency = 100', () => {
    expect(constantSparsity({ sparsity: 0.3 }).config).toEqual({ sparsity: 0.3, begin: 0, end: -1, frequency: 100 });
  });

  it('prunes only in [begin, end] (testPrunesOnlyInBeginEndStepRange)', () => {
    const schedule = constantSparsity({ sparsity: 0.5, begin: 100, end: 200, frequency: 1 });
    for (const step of [90, 99, 201, 210]) expect(schedule.isUpdateStep(step)).toBe(false);
    for (const step of [100, 110, 200]) expect(schedule.isUpdateStep(step)).toBe(true);
  });

  it('prunes only on the frequency grid (testOnlyPrunesAtValidFrequencySteps)', () => {
    const schedule = constantSparsity({ sparsity: 0.5, begin: 100, end: 200, frequency: 10 });
    expect([100, 109, 110, 111, 200, 205].map((s) => schedule.isUpdateStep(s))).toEqual([true, false, true, false, true, false]);
  });

  it('prunes forever when end = -1 (testPrunesForeverIfEndStepIsNegativeOne)', () => {
    const schedule = constantSparsity({ sparsity: 0.5, begin: 0, end: -1, frequency: 10 });
    expect(schedule.isUpdateStep(10_000)).toBe(true);
    expect(schedule.isUpdateStep(100_000_000)).toBe(true);
    expect(schedule.sparsityAt(10_000)).toBe(0.5);
    expect(schedule.sparsityAt(100_000_000)).toBe(0.5);
  });

  it('returns the target at every step, before begin too, as tfmot does', () => {
    const schedule = constantSparsity({ sparsity: 0.5, begin: 100, end: 200, frequency: 10 });
    expect([0, 99, 100, 110, 200, 300].map((s) => schedule.sparsityAt(s))).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('matches the predicate of the spec for any configuration (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 1000 })),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 3000 }),
        (begin, endOffset, frequency, step) => {
          const end = endOffset === -1 ? -1 : begin + endOffset;
          const schedule = constantSparsity({ sparsity: 0.25, begin, end, frequency });
          const expected = begin <= step && (step <= end || end < 0) && (step - begin) % frequency === 0;
          expect(schedule.isUpdateStep(step)).toBe(expected);
          expect(schedule.sparsityAt(step)).toBe(0.25);
        },
      ),
    );
  });
});
