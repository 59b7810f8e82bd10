import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveSeed, mix32 } from './derive-seed.js';
import { Random } from './random.js';

// Expected values printed by `python3 packages/core/src/random/reference.py`.
describe('deriveSeed', () => {
  it('matches the Python reference', () => {
    expect(deriveSeed(42, 'random-scores', 'dense_1/kernel')).toBe(1496864995);
    expect(deriveSeed(0, '', '')).toBe(3252299835);
    expect(deriveSeed(2 ** 40 + 5, 'dare-drop', 'é/kernel')).toBe(817176635);
    expect(mix32(1)).toBe(1364076727);
  });

  it('separates purposes and names, including ones that concatenate alike', () => {
    const seeds = [deriveSeed(1, 'ab', 'c'), deriveSeed(1, 'a', 'bc'), deriveSeed(1, 'abc'), deriveSeed(2, 'ab', 'c')];
    expect(new Set(seeds).size).toBe(4);
  });

  it('is a uint32 and rejects seeds that are not integers in [0, 2^53)', () => {
    fc.assert(fc.property(fc.nat(), fc.string(), fc.string(), (seed, purpose, name) => {
      const s = deriveSeed(seed, purpose, name);
      expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
    }));
    expect(() => deriveSeed(-1, 'x')).toThrowError(/runSeed must be an integer in \[0, 2\^53\)/);
    expect(() => deriveSeed(1.5, 'x')).toThrowError(/runSeed/);
  });
});

describe('Random (xoshiro128**)', () => {
  it('matches the Python reference stream', () => {
    const rng = new Random(12345);
    expect([0, 1, 2, 3, 4].map(() => rng.nextUint32())).toEqual([518667457, 440444462, 4232892992, 3757857622, 3939018813]);
    expect([0, 1, 2].map(() => rng.nextFloat())).toEqual([0.31075519323349, 0.88360595703125, 0.48723018169403076]);
    expect([0, 1, 2, 3, 4].map(() => rng.nextInt(10))).toEqual([7, 3, 2, 6, 9]);
    const normals = [0, 1, 2].map(() => rng.nextNormal());
    [-0.7563473791713944, 0.46273068027380965, 1.2959127159994066].forEach((v, i) => expect(normals[i]).toBeCloseTo(v, 14));
    expect(new Random(7).shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([3, 9, 6, 5, 4, 7, 2, 1, 8, 0]);
  });

  it('is reproducible and draws floats in [0, 1) exact in float32', () => {
    const a = new Random(99).fillUniform(new Float32Array(1000));
    const b = Random.derived(99, 'x') && new Random(99).fillUniform(new Float32Array(1000));
    expect(a).toEqual(b);
    for (const v of a) expect(v >= 0 && v < 1 && Math.fround(v) === v).toBe(true);
  });

  it('draws normals with about the right moments and unbiased integers', () => {
    const z = new Random(5).fillNormal(new Float64Array(100_000), 2, 3);
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
    expect(mean).toBeCloseTo(2, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(3, 1);
    const rng = new Random(6);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[rng.nextInt(3)]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect(() => rng.nextInt(0)).toThrowError(/bound must be an integer/);
  });
});
