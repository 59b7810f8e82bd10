import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dropPoint, essentialSweep, type EssentialPoint } from './essential-sweep.js';

const point = (sparsity: number, test: number, validation = test): EssentialPoint => ({ sparsity, measuredSparsity: sparsity, layerDensity: {}, validation, test });

describe('essentialSweep', () => {
  it('prunes exact counts with nested masks, density falling as sparsity rises (layerwise and global)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.float({ min: -3, max: 3, noNaN: true }), { minLength: 5, maxLength: 40 }),
        fc.array(fc.float({ min: -3, max: 3, noNaN: true }), { minLength: 5, maxLength: 40 }),
        fc.constantFrom('layerwise' as const, 'global' as const),
        async (a, b, allocation) => {
          const weights = new Map([['a', Float32Array.from(a)], ['b', Float32Array.from(b)]]);
          const seen: Map<string, Uint8Array>[] = [];
          const sparsities = [0.1, 0.3, 0.5, 0.8, 0.99];
          const curve = await essentialSweep(weights, ['a', 'b'], sparsities, allocation, (masks) => {
            seen.push(new Map(masks));
            return { validation: 0, test: 0 };
          });
          const total = a.length + b.length;
          curve.forEach((p, i) => {
            if (allocation === 'global') expect(Math.round(p.measuredSparsity * total)).toBe(Math.floor((sparsities[i] as number) * total + 1e-9));
            else for (const [name, values] of weights) expect(Math.round((1 - (p.layerDensity[name] as number)) * values.length)).toBe(Math.floor((sparsities[i] as number) * values.length + 1e-9));
            if (i === 0) return;
            expect(p.measuredSparsity).toBeGreaterThanOrEqual((curve[i - 1] as EssentialPoint).measuredSparsity);
            for (const name of ['a', 'b']) {
              const now = seen[i]?.get(name) as Uint8Array;
              const before = seen[i - 1]?.get(name) as Uint8Array;
              for (let j = 0; j < now.length; j += 1) if (now[j] === 1) expect(before[j]).toBe(1); // nested
            }
          });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('rejects sparsities that are not strictly ascending', async () => {
    await expect(essentialSweep(new Map(), [], [0.5, 0.5], 'global', () => ({ validation: 0, test: 0 }))).rejects.toThrow(/strictly ascending/);
    await expect(essentialSweep(new Map(), [], [], 'global', () => ({ validation: 0, test: 0 }))).rejects.toThrow(/strictly ascending/);
  });
});

describe('dropPoint', () => {
  it('is the largest sparsity up to which every point is within the tolerance of dense', () => {
    const curve = [point(0.5, 0.88), point(0.7, 0.871), point(0.8, 0.85), point(0.9, 0.88)];
    // 0.871 ≥ 0.88 − 0.01; 0.85 is not; the later recovery at 0.9 does not count
    expect(dropPoint(curve, 0.88, 0.01, 'test')).toEqual({ essential: 0.7, accuracy: 0.871, firstDrop: 0.8, accuracyAtDrop: 0.85, tolerance: 0.01 });
    expect(dropPoint(curve, 0.88, 0.05, 'test')).toEqual({ essential: 0.9, accuracy: 0.88, firstDrop: null, accuracyAtDrop: null, tolerance: 0.05 });
    expect(dropPoint(curve, 0.95, 0.01, 'test')).toEqual({ essential: null, accuracy: null, firstDrop: 0.5, accuracyAtDrop: 0.88, tolerance: 0.01 });
  });

  it('reads the split it is given', () => {
    const curve = [point(0.5, 0.88, 0.7)];
    expect(dropPoint(curve, 0.88, 0.01, 'test').essential).toBe(0.5);
    expect(dropPoint(curve, 0.88, 0.01, 'validation').essential).toBeNull();
  });
});
