import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '../errors.js';
import { polynomialDecay } from './polynomial-decay.js';

/** The tfmot formula, written out independently of the implementation (float64). */
function tfmotSparsity(initial: number, final: number, begin: number, end: number, power: number, step: number): number {
  const p = Math.min(1, Math.max(0, (step - begin) / (end - begin)));
  return final + (initial - final) * (1 - p) ** power;
}

/** The same formula evaluated in float32 as TensorFlow does, to bound the float64 difference. */
function tfmotSparsityFloat32(initial: number, final: number, begin: number, end: number, power: number, step: number): number {
  const f = Math.fround;
  const p = Math.min(1, Math.max(0, f(f(step - begin) / f(end - begin))));
  return f(f(f(initial - final) * f(f(1 - p) ** power)) + f(final));
}

describe('polynomialDecay (tfmot PolynomialDecay)', () => {
  it('reproduces tfmot testPolynomialDecay_PrunesCorrectly', () => {
    // PolynomialDecay(0.2, 0.8, 100, 110, power 3, frequency 2); values from tfmot's test.
    const schedule = polynomialDecay({ initialSparsity: 0.2, finalSparsity: 0.8, begin: 100, end: 110, power: 3, frequency: 2 });
    expect(schedule.sparsityAt(100)).toBeCloseTo(0.2, 12);
    expect(schedule.sparsityAt(102)).toBeCloseTo(0.4928, 12);
    expect(schedule.sparsityAt(105)).toBeCloseTo(0.725, 12);
    expect(schedule.sparsityAt(110)).toBeCloseTo(0.8, 12);
  });

  it('is initial before begin, final after end, and hand-computed values in between', () => {
    const schedule = polynomialDecay({ initialSparsity: 0.1, finalSparsity: 0.9, begin: 1000, end: 5000 });
    expect(schedule.sparsityAt(0)).toBe(0.1);
    expect(schedule.sparsityAt(999)).toBe(0.1);
    expect(schedule.sparsityAt(1000)).toBe(0.1);
    // p = 0.25: 0.9 - 0.8 * 0.75^3 = 0.5625
    expect(schedule.sparsityAt(2000)).toBeCloseTo(0.5625, 14);
    // p = 0.5: 0.9 - 0.8 * 0.125 = 0.8
    expect(schedule.sparsityAt(3000)).toBeCloseTo(0.8, 14);
    expect(schedule.sparsityAt(5000)).toBe(0.9);
    expect(schedule.sparsityAt(50_000)).toBe(0.9);
  });

  it('defaults to power 3, frequency 100, begin 0, initial 0', () => {
    expect(polynomialDecay({ finalSparsity: 0.5, end: 10 }).config).toEqual({
      initialSparsity: 0,
      finalSparsity: 0.5,
      begin: 0,
      end: 10,
      power: 3,
      frequency: 100,
    });
  });

  it('validates as tfmot (begin ≥ 0, end ≥ begin, end ≠ -1, frequency > 0, sparsities in [0, 1))', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ finalSparsity: 0.8, begin: -1, end: 1000 }, 'begin'],
      [{ finalSparsity: 0.8, begin: 10, end: -1 }, 'end'],
      [{ finalSparsity: 0.8, begin: 10, end: -5 }, 'end'],
      [{ finalSparsity: 0.8, begin: 10, end: 5 }, 'end'],
      [{ finalSparsity: 0.8, begin: 10 }, 'end'],
      [{ finalSparsity: 0.8, end: 10, frequency: 0 }, 'frequency'],
      [{ finalSparsity: 0.8, end: 10, frequency: -5 }, 'frequency'],
      [{ finalSparsity: 1, end: 10 }, 'finalSparsity'],
      [{ finalSparsity: -0.001, end: 10 }, 'finalSparsity'],
      [{ initialSparsity: 1, finalSparsity: 0.8, end: 10 }, 'initialSparsity'],
      [{ finalSparsity: 0.8, end: 10, power: 0 }, 'power'],
      [{ finalSparsity: 0.8, end: 10, power: Number.POSITIVE_INFINITY }, 'power'],
      [{ finalSparsity: 0.8, end: 10, exponent: 2 }, 'exponent'],
    ];
    for (const [options, field] of bad) {
      let caught: unknown;
      try {
        polynomialDecay(options as never);
      } catch (error) {
        caught = error;
      }
      expect(isSparseError(caught, 'E_CONFIG'), JSON.stringify(options)).toBe(true);
      expect((caught as { details: { field: string } }).details.field).toBe(field);
    }
    expect(() => polynomialDecay({ finalSparsity: 0.8, begin: 10, end: -1 })).toThrowError(/-1 \(forever\) is not allowed here/);
    for (const s of [0, 0.001, 0.5, 0.99]) {
      expect(() => polynomialDecay({ initialSparsity: s, finalSparsity: 0.8, end: 10 })).not.toThrow();
      expect(() => polynomialDecay({ initialSparsity: 0.2, finalSparsity: s, end: 10 })).not.toThrow();
    }
  });

  it('treats end == begin as p = 1 from begin on (tfmot divides by zero there)', () => {
    const schedule = polynomialDecay({ initialSparsity: 0.2, finalSparsity: 0.7, begin: 50, end: 50, frequency: 10 });
    expect(schedule.sparsityAt(49)).toBe(0.2);
    expect(schedule.sparsityAt(50)).toBe(0.7);
    expect(schedule.sparsityAt(51)).toBe(0.7);
    expect([40, 49, 50, 51, 60].map((s) => schedule.isUpdateStep(s))).toEqual([false, false, true, false, false]);
  });

  it('prunes only in [begin, end] on the frequency grid (tfmot predicate tests)', () => {
    const everyStep = polynomialDecay({ initialSparsity: 0.2, finalSparsity: 0.8, begin: 100, end: 200, frequency: 1 });
    expect([90, 99, 100, 110, 200, 201, 210].map((s) => everyStep.isUpdateStep(s))).toEqual([false, false, true, true, true, false, false]);
    const every10 = polynomialDecay({ initialSparsity: 0.2, finalSparsity: 0.8, begin: 100, end: 200, frequency: 10 });
    expect([100, 109, 110, 111].map((s) => every10.isUpdateStep(s))).toEqual([true, false, true, false]);
    // end off the grid is not an update step, as in tfmot
    const offGrid = polynomialDecay({ finalSparsity: 0.8, begin: 0, end: 250, frequency: 100 });
    expect([0, 100, 200, 250, 300].map((s) => offGrid.isUpdateStep(s))).toEqual([true, true, true, false, false]);
  });

  const config = fc
    .record({
      initialSparsity: fc.double({ min: 0, max: 0.999, noNaN: true }),
      finalSparsity: fc.double({ min: 0, max: 0.999, noNaN: true }),
      begin: fc.integer({ min: 0, max: 10_000 }),
      span: fc.integer({ min: 1, max: 10_000 }),
      power: fc.double({ min: 0.1, max: 8, noNaN: true }),
      frequency: fc.integer({ min: 1, max: 500 }),
    })
    .map(({ span, ...rest }) => ({ ...rest, end: rest.begin + span }));

  it('equals the tfmot formula, stays in range, and agrees with float32 TensorFlow to 1e-6 (property)', () => {
    fc.assert(
      fc.property(config, fc.integer({ min: 0, max: 25_000 }), (options, step) => {
        const value = polynomialDecay(options).sparsityAt(step);
        const { initialSparsity: i, finalSparsity: f, begin, end, power } = options;
        expect(value).toBeCloseTo(tfmotSparsity(i, f, begin, end, power, step), 15);
        expect(value).toBeGreaterThanOrEqual(Math.min(i, f) - 1e-15);
        expect(value).toBeLessThanOrEqual(Math.max(i, f) + 1e-15);
        expect(Math.abs(value - tfmotSparsityFloat32(i, f, begin, end, power, step))).toBeLessThan(1e-6);
      }),
    );
  });

  it('is monotone from initial towards final (property)', () => {
    fc.assert(
      fc.property(config, fc.integer({ min: 0, max: 25_000 }), fc.integer({ min: 0, max: 25_000 }), (options, a, b) => {
        const schedule = polynomialDecay(options);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const direction = Math.sign(options.finalSparsity - options.initialSparsity);
        expect(direction * (schedule.sparsityAt(hi) - schedule.sparsityAt(lo))).toBeGreaterThanOrEqual(-1e-15);
      }),
    );
  });

  it('update steps follow the tfmot predicate (property)', () => {
    fc.assert(
      fc.property(config, fc.integer({ min: 0, max: 25_000 }), (options, step) => {
        const expected = options.begin <= step && step <= options.end && (step - options.begin) % options.frequency === 0;
        expect(polynomialDecay(options).isUpdateStep(step)).toBe(expected);
      }),
    );
  });

  it('rejects a non-finite step', () => {
    expect(() => polynomialDecay({ finalSparsity: 0.5, end: 10 }).sparsityAt(Number.NaN)).toThrowError(/step must be a finite number/);
  });
});
