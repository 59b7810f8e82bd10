import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '../errors.js';
import { cubicSparsity } from './cubic-sparsity.js';
import { polynomialDecay } from './polynomial-decay.js';

describe('cubicSparsity (Zhu & Gupta 2017)', () => {
  it('follows s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³ at begin, middle and end', () => {
    const schedule = cubicSparsity({ initialSparsity: 0.05, finalSparsity: 0.85, begin: 200, frequency: 50, pruningSteps: 8 });
    expect(schedule.end).toBe(600);
    expect(schedule.sparsityAt(0)).toBe(0.05);
    expect(schedule.sparsityAt(200)).toBe(0.05);
    // t - t0 = 100 of nΔt = 400: 0.85 - 0.8 * 0.75³ = 0.5125
    expect(schedule.sparsityAt(300)).toBeCloseTo(0.5125, 14);
    // half-way: 0.85 - 0.8 / 8 = 0.75
    expect(schedule.sparsityAt(400)).toBeCloseTo(0.75, 14);
    expect(schedule.sparsityAt(600)).toBe(0.85);
    expect(schedule.sparsityAt(10_000)).toBe(0.85);
  });

  it('updates masks at t0, t0+Δt, …, t0+nΔt only', () => {
    const schedule = cubicSparsity({ finalSparsity: 0.9, begin: 10, frequency: 5, pruningSteps: 3 });
    const updates = Array.from({ length: 60 }, (_, t) => t).filter((t) => schedule.isUpdateStep(t));
    expect(updates).toEqual([10, 15, 20, 25]);
  });

  it('validates its options, naming the field', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ finalSparsity: 0.9, frequency: 0, pruningSteps: 3 }, 'frequency'],
      [{ finalSparsity: 0.9, frequency: 10, pruningSteps: 0 }, 'pruningSteps'],
      [{ finalSparsity: 0.9, frequency: 10 }, 'pruningSteps'],
      [{ finalSparsity: 1, frequency: 10, pruningSteps: 3 }, 'finalSparsity'],
      [{ finalSparsity: 0.9, frequency: 10, pruningSteps: 3, begin: -1 }, 'begin'],
      [{ finalSparsity: 0.9, frequency: 10, pruningSteps: 3, t0: 1 }, 't0'],
    ];
    for (const [options, field] of bad) {
      let caught: unknown;
      try {
        cubicSparsity(options as never);
      } catch (error) {
        caught = error;
      }
      expect(isSparseError(caught, 'E_CONFIG'), JSON.stringify(options)).toBe(true);
      expect((caught as { details: { field: string } }).details.field).toBe(field);
    }
  });

  it('equals polynomialDecay with power 3, end = t0 + nΔt, frequency Δt at every step (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 20_000 }),
        (initialSparsity, finalSparsity, begin, frequency, pruningSteps, step) => {
          const cubic = cubicSparsity({ initialSparsity, finalSparsity, begin, frequency, pruningSteps });
          const polynomial = polynomialDecay({
            initialSparsity,
            finalSparsity,
            begin,
            end: begin + pruningSteps * frequency,
            power: 3,
            frequency,
          });
          expect(cubic.sparsityAt(step)).toBeCloseTo(polynomial.sparsityAt(step), 12);
          expect(cubic.isUpdateStep(step)).toBe(polynomial.isUpdateStep(step));
        },
      ),
    );
  });

  it('is monotone and within [min(s_i, s_f), max(s_i, s_f)] (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        (initialSparsity, finalSparsity, a, b) => {
          const schedule = cubicSparsity({ initialSparsity, finalSparsity, begin: 1000, frequency: 100, pruningSteps: 50 });
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const direction = Math.sign(finalSparsity - initialSparsity);
          expect(direction * (schedule.sparsityAt(hi) - schedule.sparsityAt(lo))).toBeGreaterThanOrEqual(-1e-15);
          for (const value of [schedule.sparsityAt(lo), schedule.sparsityAt(hi)]) {
            expect(value).toBeGreaterThanOrEqual(Math.min(initialSparsity, finalSparsity) - 1e-15);
            expect(value).toBeLessThanOrEqual(Math.max(initialSparsity, finalSparsity) + 1e-15);
          }
        },
      ),
    );
  });
});
