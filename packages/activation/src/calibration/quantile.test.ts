import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { calibrationRank, chessQuantile, exactQuantile, meanOfBatchQuantiles } from './quantile.js';
import { kthSmallest } from './select.js';

/** How many values the zeroing rule `|a| <= t` zeroes. */
const zeroed = (values: ArrayLike<number>, t: number) => Array.from(values).filter((v) => v <= t).length;

const magnitude = fc.float({ min: 0, max: 1000, noNaN: true, noDefaultInfinity: true }).map(Math.fround);
const target = fc.double({ min: 0, max: 1, noNaN: true });

describe('kthSmallest', () => {
  it('equals the sorted array at rank k, for any values and rank (also with many ties)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(magnitude, fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 400 }), fc.nat(), (values, r) => {
        const k = (r % values.length) + 1;
        const sorted = Float32Array.from(values).sort();
        expect(kthSmallest(Float32Array.from(values), k)).toBe(sorted[k - 1]);
      }),
    );
  });

  it('handles adversarial orders (sorted, reversed, constant) at size 100k', () => {
    const n = 100_000;
    const up = Float64Array.from({ length: n }, (_, i) => i);
    expect(kthSmallest(up, 12_345)).toBe(12_344);
    expect(kthSmallest(up.slice().reverse(), 1)).toBe(0);
    expect(kthSmallest(new Float64Array(n).fill(7), n)).toBe(7);
  });

  it('rejects an out-of-range rank', () => {
    expect(() => kthSmallest([1, 2], 3)).toThrow(/k must be an integer in \[1, 2\], got 3/);
  });
});

describe('exactQuantile: the zeroing rule |a| <= t hits the target exactly on the calibration values', () => {
  it('without ties: exactly round(target · n) values are zeroed', () => {
    fc.assert(
      fc.property(fc.uniqueArray(magnitude.filter((v) => v > 0), { minLength: 1, maxLength: 500 }), target, (values, s) => {
        const { threshold, rank } = exactQuantile(Float32Array.from(values), s);
        expect(rank).toBe(Math.round(s * values.length));
        expect(zeroed(values, threshold)).toBe(rank);
      }),
    );
  });

  it('with ties: never under-zeroes; over-zeroes exactly the copies of the m-th value ranked after m', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 300 }), target, (ints, s) => {
        const values = Float32Array.from(ints, (v) => v / 4);
        const { threshold, rank } = exactQuantile(values, s);
        const sorted = values.slice().sort();
        const count = zeroed(values, threshold);
        expect(count).toBeGreaterThanOrEqual(rank);
        if (rank > 0) expect(count).toBe(sorted.filter((v) => v <= (sorted[rank - 1] as number)).length);
        else expect(count).toBe(sorted.filter((v) => v === 0).length); // t = 0: only exact zeros
      }),
    );
  });

  it('is the spec quantile min{ t : F(t) >= m/n } and t = 0 for m = 0', () => {
    const values = Float32Array.from([0.4, 0.1, 0.3, 0.2]);
    expect(exactQuantile(values, 0.5)).toEqual({ threshold: Math.fround(0.2), rank: 2, count: 4 });
    expect(exactQuantile(values, 0.1).threshold).toBe(0);
    expect(exactQuantile(values, 1).threshold).toBe(Math.fround(0.4));
    expect(calibrationRank(7, 0.5)).toBe(4);
  });

  it('rejects an empty set, a bad target and a bad value with the field named', () => {
    expect(() => exactQuantile([], 0.5)).toThrow(/no values/);
    expect(() => exactQuantile([1], 1.5)).toThrow(/target must be a sparsity in \[0, 1\], got 1.5/);
    try {
      exactQuantile([1, -2], 0.5);
      expect.unreachable();
    } catch (error) {
      expect(isSparseError(error, 'E_ARGUMENT')).toBe(true);
      expect((error as Error).message).toContain('values[1]');
    }
  });
});

describe("CHESS's per-batch quantile and its mean", () => {
  it('chessQuantile is kthvalue at max(1, floor(q · n))', () => {
    fc.assert(
      fc.property(fc.array(magnitude, { minLength: 1, maxLength: 200 }), target, (values, q) => {
        const sorted = Float32Array.from(values).sort();
        const k = Math.min(values.length, Math.max(1, Math.floor(q * values.length)));
        expect(chessQuantile(Float32Array.from(values), q)).toBe(sorted[k - 1]);
      }),
    );
  });

  it('meanOfBatchQuantiles averages the batches with equal weight', () => {
    const batches = [Float32Array.from([1, 2, 3, 4]), Float32Array.from([10, 20])];
    expect(meanOfBatchQuantiles(batches, 0.5)).toBe((2 + 10) / 2);
    expect(() => meanOfBatchQuantiles([], 0.5)).toThrow(/no batches/);
  });
});
