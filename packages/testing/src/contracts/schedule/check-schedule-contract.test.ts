import type { Schedule } from '@sparse/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failedChecks, polynomialSchedule } from '../../../test/support/reference-implementations.js';
import { checkScheduleContract, describeScheduleContract } from './check-schedule-contract.js';

describeScheduleContract('polynomial (reference)', polynomialSchedule, { monotone: true });
describeScheduleContract('oscillating (not monotone)', () => ({
  name: 'oscillating',
  sparsityAt: (step) => 0.5 + 0.4 * Math.sin(step / 50),
  isUpdateStep: (step) => step % 10 === 0,
}));

const schedule = (sparsityAt: (step: number) => number, isUpdateStep: (step: number) => boolean = () => false): (() => Schedule) => () => ({
  name: 'broken',
  sparsityAt,
  isUpdateStep,
});

describe('checkScheduleContract', () => {
  it('accepts correct schedules, monotone or not', async () => {
    expect(await checkScheduleContract(polynomialSchedule, { monotone: true })).toEqual([]);
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 500 }), async (final, length) => {
        const ramp = schedule((step) => final * Math.min(step / length, 1), (step) => step % length === 0);
        expect(await checkScheduleContract(ramp, { monotone: true, steps: [...new Set([0, 1, 2, length - 1, length, 10 * length])].sort((a, b) => a - b) })).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it('catches sparsities outside [0, 1] and NaN', async () => {
    const violations = await checkScheduleContract(schedule((step) => (step > 1500 ? 1.2 : step === 7 ? Number.NaN : 0.5)));
    expect(failedChecks(violations)).toEqual(['has a name, and sparsityAt returns a number in [0, 1]']);
    expect(violations[0]?.message).toBe('sparsityAt is not a number in [0, 1] at 504 step(s), e.g. sparsityAt(7) = NaN; sparsityAt(1501) = 1.2; sparsityAt(1502) = 1.2');
  });

  it('catches an isUpdateStep that does not return a boolean', async () => {
    const truthy = schedule(() => 0.5, (step) => (step % 2) as unknown as boolean);
    expect(failedChecks(await checkScheduleContract(truthy))).toEqual(['isUpdateStep returns a boolean']);
  });

  it('catches a stateful schedule', async () => {
    let calls = 0;
    const drifting = schedule(() => Math.min(calls++ / 1e5, 1));
    expect(failedChecks(await checkScheduleContract(drifting))).toContain('is deterministic: same answers twice, in any order, from a fresh instance');
  });

  it('checks monotonicity only when the schedule promises it', async () => {
    const dipping = schedule((step) => (step === 600 ? 0.1 : 0.5));
    expect(await checkScheduleContract(dipping)).toEqual([]);
    const violations = await checkScheduleContract(dipping, { monotone: true });
    expect(violations).toEqual([{ check: 'sparsity never decreases', message: 'sparsity decreases at 1 step(s), e.g. sparsityAt(599) = 0.5 > sparsityAt(600) = 0.1' }]);
  });

  it('rejects steps that are not increasing non-negative integers', async () => {
    await expect(checkScheduleContract(polynomialSchedule, { steps: [0, 5, 5] })).rejects.toMatchObject({ code: 'E_ARGUMENT', message: expect.stringMatching(/steps\[2\] is 5/) as unknown });
    await expect(checkScheduleContract(polynomialSchedule, { steps: [] })).rejects.toMatchObject({ code: 'E_ARGUMENT' });
  });
});
