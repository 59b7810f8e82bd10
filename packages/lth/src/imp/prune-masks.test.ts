import { Random } from '@sparse/core';
import { describe, expect, it } from 'vitest';
import { pruneCount, pruneMasks, prunePools, remainingFraction } from './prune-masks.js';

const SPEC_A4: Record<number, number> = {
  1: 80.0, 2: 64.1, 3: 51.3, 4: 41.1, 5: 32.9, 6: 26.3, 7: 21.1, 8: 16.9, 9: 13.5,
  10: 10.8, 11: 8.7, 12: 7.0, 13: 5.6, 14: 4.5, 15: 3.6, 16: 2.9, 17: 2.3, 18: 1.9,
};

describe('layerwise IMP with the output layer at half rate (spec A.4)', () => {
  it('reproduces the Pm(k) table of LeNet-300-100 exactly (266,200 weights, 18 rounds)', () => {
    const shapes = new Map<string, readonly number[]>([
      ['fc1/kernel', [784, 300]],
      ['fc2/kernel', [300, 100]],
      ['fc3/kernel', [100, 10]],
    ]);
    const sizes = new Map([...shapes].map(([name, shape]) => [name, shape[0]! * shape[1]!] as const));
    expect([...sizes.values()].reduce((a, b) => a + b, 0)).toBe(266200);
    const scores = new Map([...sizes].map(([name, size]) => [name, new Random(size).fillNormal(new Float32Array(size))] as const));
    const pools = prunePools([...shapes.keys()], { default: 0.2 }, 'fc3/kernel', 'layerwise');
    expect(pools.map((p) => p.rate)).toEqual([0.2, 0.2, 0.1]);
    let masks = new Map<string, { shape: readonly number[]; kept: Uint8Array }>();
    for (let k = 1; k <= 18; k += 1) {
      const previous = masks;
      masks = pruneMasks({ scores, shapes, masks, pools });
      const pm = 100 * remainingFraction(masks, sizes);
      const formula = (100 * (265200 * 0.8 ** k + 1000 * 0.9 ** k)) / 266200;
      expect(Math.abs(pm - formula)).toBeLessThanOrEqual(0.01);
      expect(Math.round(pm * 10) / 10).toBe(SPEC_A4[k]);
      // never revive: every weight pruned before is still pruned
      let revived = 0;
      for (const [name, mask] of previous) {
        const now = masks.get(name)!.kept;
        for (let i = 0; i < mask.kept.length; i += 1) if (mask.kept[i] === 0 && now[i] !== 0) revived += 1;
      }
      expect(revived).toBe(0);
    }
  });

  it('prunes exactly floor(rate · alive) of the remaining weights, lowest scores first, ties by index', () => {
    const scores = new Map([['w', Float32Array.of(0.3, 0.1, 0.1, 0.5, 0.2, 0.9, 0.1, 0.4, 0.6, 0.7)]]);
    const shapes = new Map([['w', [10] as const]]);
    const first = pruneMasks({ scores, shapes, masks: new Map(), pools: [{ names: ['w'], rate: 0.25 }] });
    expect([...first.get('w')!.kept]).toEqual([1, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    const second = pruneMasks({ scores, shapes, masks: first, pools: [{ names: ['w'], rate: 0.5 }] });
    expect([...second.get('w')!.kept]).toEqual([0, 0, 0, 1, 0, 1, 0, 0, 1, 1]);
    expect(pruneCount(0.29, 100)).toBe(29);
    expect(pruneCount(1, 7)).toBe(7);
  });

  it('ranks all tensors together in global scope', () => {
    const scores = new Map([
      ['a', Float32Array.of(1, 2, 3, 4)],
      ['b', Float32Array.of(0.5, 0.6, 5, 6)],
    ]);
    const shapes = new Map([['a', [4] as const], ['b', [4] as const]]);
    const pools = prunePools(['a', 'b'], { default: 0.5, output: 0.1 }, 'b', 'global');
    expect(pools).toEqual([{ names: ['a', 'b'], rate: 0.5 }]);
    const masks = pruneMasks({ scores, shapes, masks: new Map(), pools });
    expect([...masks.get('a')!.kept]).toEqual([0, 0, 1, 1]);
    expect([...masks.get('b')!.kept]).toEqual([0, 0, 1, 1]);
    const keepB = prunePools(['a', 'b'], { default: 0.5, perTensor: { b: 0 } }, undefined, 'global');
    const onlyA = pruneMasks({ scores, shapes, masks: new Map(), pools: keepB });
    expect([...onlyA.get('a')!.kept]).toEqual([0, 0, 1, 1]);
    expect([...onlyA.get('b')!.kept]).toEqual([1, 1, 1, 1]);
  });
});
