import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erkDensities } from './erk.js';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

const shapes = fc.array(
  fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 })),
    fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 32 }), fc.integer({ min: 1, max: 32 })),
  ),
  { minLength: 1, maxLength: 6 },
);

describe('erkDensities', () => {
  it('keeps exactly the uniform budget, with every density in [0, 1]', () => {
    fc.assert(
      fc.property(shapes, fc.integer({ min: 0, max: 100 }), fc.constantFrom(0.5, 1, 2), (list, percent, powerScale) => {
        const s = percent / 100;
        const tensors = list.map((shape, i) => ({ name: `t${i}`, shape }));
        const { densities, kept } = erkDensities(tensors, s, { powerScale });
        const budget = tensors.reduce((sum, t) => sum + size(t.shape) - Math.floor(s * size(t.shape) + 1e-9), 0);
        expect([...kept.values()].reduce((a, b) => a + b, 0)).toBe(budget);
        for (const t of tensors) {
          const d = densities.get(t.name)!;
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(1);
          expect(kept.get(t.name)!).toBeLessThanOrEqual(size(t.shape));
          expect(Math.abs(kept.get(t.name)! - d * size(t.shape))).toBeLessThanOrEqual(1 + 1e-6);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('matches the closed form on a LeNet-300-100 at 98% (no layer needs the re-solve)', () => {
    const tensors = [
      { name: 'fc1', shape: [784, 300] },
      { name: 'fc2', shape: [300, 100] },
      { name: 'fc3', shape: [100, 10] },
    ];
    const { densities, epsilon, dense } = erkDensities(tensors, 0.98);
    const raw = tensors.map((t) => (t.shape[0]! + t.shape[1]!) / size(t.shape));
    const budget = tensors.reduce((sum, t) => sum + size(t.shape) - Math.floor(0.98 * size(t.shape) + 1e-9), 0);
    const expected = budget / tensors.reduce((sum, t, i) => sum + raw[i]! * size(t.shape), 0);
    expect(dense.size).toBe(0);
    expect(epsilon).toBeCloseTo(expected, 12);
    tensors.forEach((t, i) => expect(densities.get(t.name)).toBeCloseTo(expected * raw[i]!, 12));
  });

  it('makes the densest layer dense and re-solves when ε·raw > 1', () => {
    const tensors = [
      { name: 'big', shape: [1000, 1000] },
      { name: 'tiny', shape: [2, 2] },
    ];
    const { densities, dense } = erkDensities(tensors, 0.5);
    expect([...dense]).toEqual(['tiny']);
    expect(densities.get('tiny')).toBe(1);
    // big takes the rest of the budget: 500000 + 2 kept overall, 4 of them in tiny.
    expect(densities.get('big')! * 1e6).toBeCloseTo(500000 + 2 - 4, 6);
  });

  it('leaves custom sparsities out of the solve and rejects unknown names', () => {
    const tensors = [
      { name: 'a', shape: [100, 100] },
      { name: 'b', shape: [100, 10] },
    ];
    const { densities, kept } = erkDensities(tensors, 0.9, { custom: { b: 0.5 } });
    expect(densities.get('b')).toBe(0.5);
    expect(densities.get('a')).toBeCloseTo(0.1, 12); // alone in the solve, it gets the uniform density
    expect(kept.has('b')).toBe(false);
    expect(() => erkDensities(tensors, 0.9, { custom: { c: 0.5 } })).toThrowError(/'c', which is not among the tensors/);
  });

  it('applies the power scale to the raw densities', () => {
    const tensors = [
      { name: 'a', shape: [100, 100] },
      { name: 'b', shape: [10, 10] },
    ];
    const flat = erkDensities(tensors, 0.5, { powerScale: 0 }).densities;
    expect(flat.get('a')).toBeCloseTo(flat.get('b')!, 12); // raw^0 = 1: uniform
  });
});
