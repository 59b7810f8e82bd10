import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '../errors.js';
import { iterativeRounds } from './iterative-rounds.js';

describe('iterativeRounds (LTH iterative pruning)', () => {
  it('reaches density (1 − r)^n after n rounds, updating at round boundaries', () => {
    const schedule = iterativeRounds({ rate: 0.2, rounds: 3, stepsPerRound: 100, begin: 50 });
    const updates = Array.from({ length: 600 }, (_, t) => t).filter((t) => schedule.isUpdateStep(t));
    expect(updates).toEqual([150, 250, 350]);
    expect(schedule.sparsityAt(0)).toBe(0);
    expect(schedule.sparsityAt(149)).toBe(0);
    expect(schedule.sparsityAt(150)).toBeCloseTo(0.2, 14);
    expect(schedule.sparsityAt(250)).toBeCloseTo(1 - 0.8 ** 2, 14); // 0.36
    expect(schedule.sparsityAt(350)).toBeCloseTo(1 - 0.8 ** 3, 14); // 0.488
    expect(schedule.sparsityAt(1e9)).toBeCloseTo(0.488, 14);
    expect([0, 149, 150, 349, 350, 10_000].map((s) => schedule.roundAt(s))).toEqual([0, 0, 1, 2, 3, 3]);
  });

  it('matches the LeNet-300-100 densities of Frankle & Carbin (20 % per round)', () => {
    const schedule = iterativeRounds({ rate: 0.2, rounds: 20, stepsPerRound: 1 });
    // Pm after 5 rounds: 100 · 0.8^5 = 32.8 %; after 20: 1.15 %
    expect(1 - schedule.sparsityAt(5)).toBeCloseTo(0.32768, 12);
    expect(1 - schedule.sparsityAt(20)).toBeCloseTo(0.8 ** 20, 12);
  });

  it('validates its options, naming the field', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ rate: 0, rounds: 3, stepsPerRound: 10 }, 'rate'],
      [{ rate: 1, rounds: 3, stepsPerRound: 10 }, 'rate'],
      [{ rate: 0.2, rounds: 0, stepsPerRound: 10 }, 'rounds'],
      [{ rate: 0.2, rounds: 2.5, stepsPerRound: 10 }, 'rounds'],
      [{ rate: 0.2, rounds: 3, stepsPerRound: 0 }, 'stepsPerRound'],
      [{ rate: 0.2, rounds: 3, stepsPerRound: 10, begin: -3 }, 'begin'],
    ];
    for (const [options, field] of bad) {
      let caught: unknown;
      try {
        iterativeRounds(options as never);
      } catch (error) {
        caught = error;
      }
      expect(isSparseError(caught, 'E_CONFIG'), JSON.stringify(options)).toBe(true);
      expect((caught as { details: { field: string } }).details.field).toBe(field);
    }
  });

  it('is non-decreasing, in [0, 1), and changes only at update steps (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 2000 }),
        (rate, rounds, stepsPerRound, begin, step) => {
          const schedule = iterativeRounds({ rate, rounds, stepsPerRound, begin });
          const before = schedule.sparsityAt(step - 1);
          const now = schedule.sparsityAt(step);
          expect(now).toBeGreaterThanOrEqual(before);
          expect(now).toBeGreaterThanOrEqual(0);
          expect(now).toBeLessThanOrEqual(1); // (1 − r)^n can underflow to 1 in float64 for large r and n
          if (now !== before) expect(schedule.isUpdateStep(step)).toBe(true);
          if (schedule.isUpdateStep(step)) expect(now).toBeCloseTo(1 - (1 - rate) ** schedule.roundAt(step), 15);
        },
      ),
    );
  });
});
