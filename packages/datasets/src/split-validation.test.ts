import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import type { ImageSet } from './image-set.js';
import { splitValidation } from './split-validation.js';

/** Example i has label i % 10 and pixels [i, i + 0.5], so every row can be traced back. */
function tracedSet(count: number): ImageSet<Float32Array> {
  const images = new Float32Array(count * 2);
  for (let i = 0; i < count; i += 1) images.set([i, i + 0.5], 2 * i);
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count, shape: [2] };
}

describe('splitValidation', () => {
  it('gives disjoint parts that cover the set, with matching rows and labels', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.maxSafeNat())), ([n, size, seed]) => {
        const set = tracedSet(n);
        const { train, validation, trainIndices, validationIndices } = splitValidation(set, { validationSize: size, seed });
        expect(validation.count).toBe(size);
        expect(train.count).toBe(n - size);
        const all = [...trainIndices, ...validationIndices].sort((a, b) => a - b);
        expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
        for (const [part, indices] of [[train, trainIndices], [validation, validationIndices]] as const) {
          indices.forEach((index, row) => {
            expect(part.images[2 * row]).toBe(index);
            expect(part.labels[row]).toBe(index % 10);
          });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('is deterministic per seed and different across seeds (55,000 / 5,000 as in the LTH paper)', () => {
    const set = tracedSet(60_000);
    const a = splitValidation(set, { validationSize: 5_000, seed: 0 });
    expect(a.train.count).toBe(55_000);
    expect(a.validation.count).toBe(5_000);
    expect(splitValidation(set, { validationSize: 5_000, seed: 0 }).validationIndices).toEqual(a.validationIndices);
    const b = splitValidation(set, { validationSize: 5_000, seed: 1 });
    expect(b.validationIndices).not.toEqual(a.validationIndices);
    // Two independent 5,000-of-60,000 draws share about 5,000 × 5,000 / 60,000 ≈ 417 indices.
    const inA = new Set(a.validationIndices);
    const shared = b.validationIndices.filter((index) => inA.has(index)).length;
    expect(shared).toBeGreaterThan(300);
    expect(shared).toBeLessThan(550);
  });

  it('rejects a validationSize outside [0, count] and a bad seed', () => {
    const set = tracedSet(10);
    for (const validationSize of [-1, 11, 0.5]) {
      try {
        splitValidation(set, { validationSize, seed: 0 });
        expect.fail('expected an error');
      } catch (error) {
        expect(isSparseError(error, 'E_ARGUMENT')).toBe(true);
        expect((error as Error).message).toContain(`validationSize must be an integer in [0, 10] (the size of the set), got ${validationSize}`);
      }
    }
    expect(() => splitValidation(set, { validationSize: 1, seed: Number.POSITIVE_INFINITY })).toThrow(/seed must be an integer in \[0, 2\^53\)/);
  });

  it('accepts another generator', () => {
    const calls: string[] = [];
    const split = splitValidation(tracedSet(5), {
      validationSize: 1,
      seed: 9,
      random: (seed, purpose, name) => {
        calls.push(`${seed}/${purpose}/${name}`);
        return () => 0;
      },
    });
    expect(calls).toEqual(['9/split/validation']);
    // u = 0 always: i ↔ 0 for i = 4 … 1 gives the order [1, 2, 3, 4, 0]; the first is held out.
    expect(Array.from(split.validationIndices)).toEqual([1]);
  });
});
