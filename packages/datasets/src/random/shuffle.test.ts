import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { randomPermutation, shuffleInPlace } from './shuffle.js';
import { seededRandom } from './uniform-random.js';

/** A generator that replays fixed values, to check the algorithm step by step. */
const replay = (values: number[]) => {
  let i = 0;
  return () => values[i++] ?? 0;
};

describe('seededRandom', () => {
  it('returns numbers in [0, 1), the same stream for the same triple, a different one otherwise', () => {
    const draw = (seed: number, purpose: string, name: string) => Array.from({ length: 64 }, seededRandom(seed, purpose, name));
    const a = draw(1, 'split', 'validation');
    expect(a.every((u) => u >= 0 && u < 1)).toBe(true);
    expect(draw(1, 'split', 'validation')).toEqual(a);
    expect(draw(2, 'split', 'validation')).not.toEqual(a);
    expect(draw(1, 'batches', 'validation')).not.toEqual(a);
    expect(draw(1, 'split', 'train')).not.toEqual(a);
  });

  it('is roughly uniform: each tenth of [0, 1) gets 10% ± 1% of 100,000 draws', () => {
    const random = seededRandom(0, 'test', 'uniformity');
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i += 1) bins[Math.floor(random() * 10)]! += 1;
    for (const bin of bins) expect(Math.abs(bin - 10_000)).toBeLessThan(1_000);
  });

  it('rejects a seed that is not an integer in [0, 2^53)', () => {
    expect(() => seededRandom(1.5, 'a', 'b')).toThrow(/seed must be an integer in \[0, 2\^53\), got 1.5/);
    expect(() => seededRandom(Number.NaN, 'a', 'b')).toThrow(expect.objectContaining({ code: 'E_ARGUMENT' }));
  });
});

describe('Fisher–Yates shuffle', () => {
  it('swaps element i with floor(u·(i+1)) from the end down', () => {
    // i = 3: u = 0 → j = 0: [3,1,2,0]; i = 2: u = 0.99 → j = 2: same; i = 1: u = 0.5 → j = 1: same.
    expect(Array.from(shuffleInPlace([0, 1, 2, 3], replay([0, 0.99, 0.5])))).toEqual([3, 1, 2, 0]);
    // Always the top of the range: the identity.
    expect(Array.from(shuffleInPlace([0, 1, 2, 3], replay([0.999, 0.999, 0.999])))).toEqual([0, 1, 2, 3]);
  });

  it('makes a permutation of any length, deterministic per seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.maxSafeNat(), (n, seed) => {
        const order = randomPermutation(n, seededRandom(seed, 'test', 'permutation'));
        expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(randomPermutation(n, seededRandom(seed, 'test', 'permutation'))).toEqual(order);
      }),
    );
  });

  it('draws each of the 6 orders of 3 elements about equally often', () => {
    const random = seededRandom(5, 'test', 'orders');
    const counts = new Map<string, number>();
    for (let i = 0; i < 60_000; i += 1) {
      const key = Array.from(randomPermutation(3, random)).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const count of counts.values()) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('rejects a generator that leaves [0, 1)', () => {
    expect(() => shuffleInPlace([1, 2, 3], () => 1)).toThrow(/must return numbers in \[0, 1\), got 1/);
    expect(() => randomPermutation(-1, () => 0)).toThrow(/integer in \[0, 2\^31\), got -1/);
    expect(() => shuffleInPlace([1, 2], () => Number.NaN)).toSatisfy((run: () => unknown) => {
      try {
        run();
        return false;
      } catch (error) {
        return isSparseError(error, 'E_ARGUMENT');
      }
    });
  });
});
