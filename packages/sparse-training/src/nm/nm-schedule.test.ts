import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maskDecayFactor, splitNmBudget, structureDecayFrame, structureDecayPatterns } from './nm-schedule.js';

describe('maskDecayFactor (MDGF α)', () => {
  it('linear: max(0, 1 − c·t)', () => {
    expect(maskDecayFactor('linear', 2e-4, 0)).toBe(1);
    expect(maskDecayFactor('linear', 2e-4, 2500)).toBeCloseTo(0.5, 12);
    expect(maskDecayFactor('linear', 2e-4, 5000)).toBe(0);
    expect(maskDecayFactor('linear', 2e-4, 9000)).toBe(0);
  });

  it('exponential: exp(−c·t)', () => {
    expect(maskDecayFactor('exponential', 1e-3, 0)).toBe(1);
    expect(maskDecayFactor('exponential', 1e-3, 1000)).toBeCloseTo(Math.exp(-1), 12);
    expect(maskDecayFactor('exponential', 1e-4, 20000)).toBeCloseTo(Math.exp(-2), 12);
  });

  it('is in [0, 1] and non-increasing in t', () => {
    fc.assert(
      fc.property(fc.constantFrom('linear' as const, 'exponential' as const), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(100000), fc.nat(1000), (decay, c, t, dt) => {
        const a = maskDecayFactor(decay, c, t);
        const b = maskDecayFactor(decay, c, t + dt);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1);
        expect(b).toBeLessThanOrEqual(a);
      }),
    );
  });

  it('rejects a negative coefficient or step', () => {
    expect(() => maskDecayFactor('linear', -1, 0)).toThrow(/coefficient/);
    expect(() => maskDecayFactor('exponential', 1, -1)).toThrow(/step/);
  });
});

describe('structureDecayPatterns (SDGF)', () => {
  it('follows m−1, m/2, m/4, … down to n', () => {
    expect(structureDecayPatterns(1, 16)).toEqual([15, 8, 4, 2, 1]);
    expect(structureDecayPatterns(1, 8)).toEqual([7, 4, 2, 1]);
    expect(structureDecayPatterns(2, 4)).toEqual([3, 2]);
    expect(structureDecayPatterns(2, 8)).toEqual([7, 4, 2]);
    expect(structureDecayPatterns(3, 4)).toEqual([3]);
    // Not a power-of-two ratio: ends at n:m (the reference would stop at 4:8).
    expect(structureDecayPatterns(3, 8)).toEqual([7, 4, 3]);
  });

  it('is strictly decreasing from m−1 and ends at n', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 64 }), fc.double({ min: 0, max: 1, noNaN: true }), (m, f) => {
        const n = Math.min(m - 1, Math.max(1, Math.floor(f * m)));
        const kept = structureDecayPatterns(n, m);
        expect(kept[0]).toBe(m - 1);
        expect(kept[kept.length - 1]).toBe(n);
        for (let i = 1; i < kept.length; i++) expect(kept[i] as number).toBeLessThan(kept[i - 1] as number);
      }),
    );
  });

  it('splits the sparse stage into equal frames', () => {
    const frames = Array.from({ length: 100 }, (_, r) => structureDecayFrame(r, 100, 5));
    for (let f = 0; f < 5; f++) expect(frames.filter((x) => x === f)).toHaveLength(20);
    expect(structureDecayFrame(0, 0, 3)).toBe(2);
  });
});

describe('splitNmBudget', () => {
  it('gives the warm-up and fine-tune their floors and the sparse stage the rest', () => {
    expect(splitNmBudget(1000, 0.1, 0.2)).toEqual({ denseSteps: 100, sparseSteps: 700, fineTuneSteps: 200 });
    expect(splitNmBudget(7, 0.5, 0.5)).toEqual({ denseSteps: 3, sparseSteps: 1, fineTuneSteps: 3 });
    expect(splitNmBudget(10, 0, 1)).toEqual({ denseSteps: 0, sparseSteps: 0, fineTuneSteps: 10 });
  });

  it('rejects fractions out of range or summing above 1', () => {
    expect(() => splitNmBudget(10, 0.6, 0.5)).toThrow(/at most 1/);
    expect(() => splitNmBudget(10, -0.1, 0)).toThrow(/denseFraction/);
  });
});
