import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteBiconjugate, bruteEnvelope } from '../../test/support/brute-force.js';
import { seeded, uniform } from '../../test/support/seeded.js';
import { sefValue } from './sef-value.js';

const half = (x: readonly number[]): number => 0.5 * x.reduce((s, v) => s + v * v, 0);
const close = (a: number, b: number, tolerance = 1e-9): boolean => Math.abs(a - b) <= tolerance * (1 + Math.abs(a) + Math.abs(b));
/** Entries that are 0 or of magnitude in [1e-3, 10] (no underflow in ½‖x‖²), either sign. */
const entry = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 10, noNaN: true }), fc.double({ min: -10, max: -1e-3, noNaN: true }));
const vector = (min: number, max: number) => fc.array(entry, { minLength: min, maxLength: max });
const vectorWithK = fc.integer({ min: 1, max: 30 }).chain((n) => fc.tuple(vector(n, n), fc.integer({ min: 1, max: n })));
const RUNS = { seed: 20240, numRuns: 300 };

describe('sefValue against a brute-force biconjugate (spec B.1)', () => {
  // f(x) = ½ Σ d_i² x_i² + δ(‖x‖₀ ≤ k). Two brute-force computations of f** that use no SEF
  // formula bracket the true value: the dual sup_y <x,y> − f*(y), with f* by enumerating supports
  // and y searched on a grid (a lower bound), and the convex envelope by its definition, the
  // minimum over mixtures of points with k-sparse supports (an upper bound).
  const random = seeded(11);
  const cases: { x: number[]; k: number; d?: number[] }[] = [];
  for (let c = 0; c < 16; c++) {
    const n = 2 + (c % 2);
    const x = uniform(random, n, -3, 3);
    if (c % 5 === 0) x[0] = 0;
    cases.push({ x, k: 1 + (c % n) });
  }
  for (let c = 0; c < 8; c++) cases.push({ x: uniform(random, 3, -3, 3), k: 1 + (c % 3), d: uniform(random, 3, 0.5, 2) });

  it.each(cases)('x = $x, k = $k, d = $d', ({ x, k, d }) => {
    const value = sefValue(x, k, d === undefined ? {} : { weights: d });
    const upper = bruteEnvelope(x, k, d);
    const lower = bruteBiconjugate(x, k, d);
    expect(lower).toBeLessThanOrEqual(value + 1e-12 * (1 + value));
    expect(value).toBeLessThanOrEqual(upper + 1e-12 * (1 + value));
    expect(upper - value).toBeLessThanOrEqual(1e-9 * (1 + value));
    expect(value - lower).toBeLessThanOrEqual(1e-2 * (1 + value)); // the grid's ridge search is coarse
  });

  it('matches the closed form of spec B.1 on a worked example', () => {
    // z = (3, 1, 1), k = 2: r = 0 since z_1 = 3 > z_2 + z_3 = 2 ≥ z_2 = 1 → ½ (9 + 2²) = 6.5.
    expect(sefValue([3, -1, 1], 2)).toBeCloseTo(6.5, 12);
    // k = 2, z = (1, 1, 1): r = 1: ½ (0 + (1/2)·3²) = 2.25
    expect(sefValue([1, 1, -1], 2)).toBeCloseTo(2.25, 12);
  });
});

describe('sefValue properties (spec B.1)', () => {
  it('SEF_k(x) ≥ ½‖x‖², with equality iff ‖x‖₀ ≤ k', () => {
    fc.assert(
      fc.property(vectorWithK, ([x, k]) => {
        const value = sefValue(x, k);
        const nnz = x.filter((v) => v !== 0).length;
        expect(value).toBeGreaterThanOrEqual(half(x) * (1 - 1e-12) - 1e-300);
        if (nnz <= k) expect(close(value, half(x))).toBe(true);
        else expect(value).toBeGreaterThan(half(x) * (1 + 1e-12));
      }),
      RUNS,
    );
  });

  it('SEF_1 = ½‖x‖₁² and SEF_n = ½‖x‖²', () => {
    fc.assert(
      fc.property(vector(1, 30), (x) => {
        const l1 = x.reduce((s, v) => s + Math.abs(v), 0);
        expect(close(sefValue(x, 1), 0.5 * l1 * l1)).toBe(true);
        expect(close(sefValue(x, x.length), half(x))).toBe(true);
        expect(close(sefValue(x, x.length + 3), half(x))).toBe(true);
      }),
      RUNS,
    );
  });

  it('is convex (midpoint inequality)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }).chain((n) => fc.tuple(vector(n, n), vector(n, n), fc.integer({ min: 1, max: n }))),
        ([x, y, k]) => {
          const mid = x.map((v, i) => 0.5 * (v + (y[i] as number)));
          const lhs = sefValue(mid, k);
          const rhs = 0.5 * (sefValue(x, k) + sefValue(y, k));
          expect(lhs).toBeLessThanOrEqual(rhs + 1e-9 * (1 + rhs));
        },
      ),
      RUNS,
    );
  });

  it('is absolutely symmetric (sign flips and permutations) and positively 2-homogeneous', () => {
    fc.assert(
      fc.property(vectorWithK, fc.double({ min: 1e-3, max: 100, noNaN: true }), fc.integer({ min: 0, max: 1000 }), ([x, k], alpha, shift) => {
        const value = sefValue(x, k);
        const flipped = x.map((v, i) => (i % 2 === 0 ? -v : v));
        const rotated = x.map((_, i) => x[(i + shift) % x.length] as number);
        expect(close(sefValue(flipped, k), value)).toBe(true);
        expect(close(sefValue(rotated, k), value)).toBe(true);
        expect(close(sefValue(x.map((v) => alpha * v), k), alpha * alpha * value)).toBe(true);
      }),
      RUNS,
    );
  });

  it('with weights d equals SEF_k(d ⊙ x)', () => {
    fc.assert(
      fc.property(vectorWithK, fc.array(fc.double({ min: 0.1, max: 5, noNaN: true }), { minLength: 30, maxLength: 30 }), ([x, k], raw) => {
        const d = raw.slice(0, x.length);
        expect(close(sefValue(x, k, { weights: d }), sefValue(x.map((v, i) => v * (d[i] as number)), k))).toBe(true);
      }),
      RUNS,
    );
  });

  it('rejects a bad k, non-finite entries and bad weights', () => {
    expect(() => sefValue([1, 2], 0)).toThrow(expect.objectContaining({ code: 'E_ARGUMENT' }));
    expect(() => sefValue([1, 2], 1.5)).toThrow(/k must be an integer/);
    expect(() => sefValue([1, Number.NaN], 1)).toThrow(/x\[1\] is NaN/);
    expect(() => sefValue([1, 2], 1, { weights: [1] })).toThrow(/weights has 1 entries/);
    expect(() => sefValue([1, 2], 1, { weights: [1, 0] })).toThrow(/weights\[1\] is 0/);
  });

  it('handles the empty vector and all zeros', () => {
    expect(sefValue([], 1)).toBe(0);
    expect(sefValue([0, 0, 0], 2)).toBe(0);
  });
});
