import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancedSubsetIndices } from './balanced-subset.js';

describe('balancedSubsetIndices', () => {
  it('takes perClass distinct examples of every class, ascending, deterministic per seed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 30 }),
        fc.maxSafeNat(),
        (numClasses, perClass, extra, seed) => {
          const labels = Uint8Array.from({ length: numClasses * (perClass + extra) }, (_, i) => i % numClasses);
          const picked = balancedSubsetIndices(labels, { perClass, seed, numClasses });
          expect(picked.length).toBe(numClasses * perClass);
          expect(new Set(picked).size).toBe(picked.length);
          expect(Array.from(picked)).toEqual(Array.from(picked).sort((a, b) => a - b));
          const perLabel = new Array<number>(numClasses).fill(0);
          for (const index of picked) perLabel[labels[index]!]! += 1;
          expect(perLabel).toEqual(new Array<number>(numClasses).fill(perClass));
          expect(balancedSubsetIndices(labels, { perClass, seed, numClasses })).toEqual(picked);
        },
      ),
    );
  });

  it('draws differently across seeds and names', () => {
    const labels = Uint8Array.from({ length: 1000 }, (_, i) => i % 10);
    const a = balancedSubsetIndices(labels, { perClass: 10, seed: 1 });
    expect(balancedSubsetIndices(labels, { perClass: 10, seed: 2 })).not.toEqual(a);
    expect(balancedSubsetIndices(labels, { perClass: 10, seed: 1, name: 'test' })).not.toEqual(a);
  });

  it('says which class is too small and which label is out of range', () => {
    const labels = new Uint8Array([0, 0, 1]);
    expect(() => balancedSubsetIndices(labels, { perClass: 2, seed: 0, numClasses: 2 })).toThrow(/Class 1 has 1 example\(s\), fewer than perClass = 2/);
    expect(() => balancedSubsetIndices(new Uint8Array([0, 3]), { perClass: 1, seed: 0, numClasses: 2 })).toThrow(/labels\[1\] is 3, outside the 2 classes/);
  });
});
