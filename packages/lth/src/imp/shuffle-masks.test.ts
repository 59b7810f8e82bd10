import { Random } from '@sparse/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shuffleMasks } from './shuffle-masks.js';

function randomMasks(seed: number, sizes: readonly number[], density: readonly number[]) {
  const rng = new Random(seed);
  return new Map(
    sizes.map((size, t) => {
      const kept = new Uint8Array(size);
      for (let i = 0; i < size; i += 1) kept[i] = rng.nextFloat() < (density[t] ?? 0.5) ? 1 : 0;
      return [`t${t}`, { shape: [size], kept }] as const;
    }),
  );
}
const count = (kept: Uint8Array) => kept.reduce((a, b) => a + b, 0);

describe('random pruning shuffles', () => {
  it('layerwise keeps every tensor\'s count; global keeps the total; even gives every tensor the overall density', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 }), (seed, sizes) => {
        const masks = randomMasks(seed, sizes, sizes.map((_, i) => 0.1 + 0.25 * i));
        const total = [...masks.values()].reduce((sum, m) => sum + count(m.kept), 0);
        const all = sizes.reduce((a, b) => a + b, 0);
        const layerwise = shuffleMasks(masks, 'layerwise', seed);
        for (const [name, mask] of masks) expect(count(layerwise.get(name)!.kept)).toBe(count(mask.kept));
        const global = shuffleMasks(masks, 'global', seed);
        expect([...global.values()].reduce((sum, m) => sum + count(m.kept), 0)).toBe(total);
        const even = shuffleMasks(masks, 'even', seed);
        for (const [name, mask] of masks) expect(count(even.get(name)!.kept)).toBe(Math.round((total / all) * mask.kept.length));
        for (const out of [layerwise, global, even]) for (const [name, mask] of masks) expect(out.get(name)!.shape).toEqual(mask.shape);
      }),
      { numRuns: 50 },
    );
  });

  it('is seeded: the same seed gives the same mask, another seed another one', () => {
    const masks = randomMasks(3, [1000], [0.3]);
    const a = shuffleMasks(masks, 'layerwise', 1).get('t0')!.kept;
    expect([...shuffleMasks(masks, 'layerwise', 1).get('t0')!.kept]).toEqual([...a]);
    expect([...shuffleMasks(masks, 'layerwise', 2).get('t0')!.kept]).not.toEqual([...a]);
    expect([...a]).not.toEqual([...masks.get('t0')!.kept]);
  });
});
