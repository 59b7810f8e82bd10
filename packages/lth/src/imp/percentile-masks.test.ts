import { describe, expect, it } from 'vitest';
import { percentile, percentileMasks } from './percentile-masks.js';

describe('MIR-L percentile pruning', () => {
  it('matches np.percentile (linear)', () => {
    // np.percentile([1, 2, 3, 4], 50) = 2.5; [0, 10] at 20 -> 2.0; [3, 1, 2] at 90 -> 2.8
    expect(percentile(Float32Array.of(1, 2, 3, 4), 50)).toBe(2.5);
    expect(percentile(Float32Array.of(0, 10), 20)).toBe(2);
    expect(percentile(Float64Array.of(3, 1, 2), 90)).toBeCloseTo(2.8, 12);
    expect(percentile(Float32Array.of(5), 30)).toBe(5);
  });

  it('pools alive scores of all tensors, prunes |w| < threshold, never revives', () => {
    const scores = new Map([
      ['a.weight', Float32Array.of(0.1, 0.5, 0.9, 0.3)],
      ['norm.weight', Float32Array.of(0.2, 1.0)],
    ]);
    const shapes = new Map([['a.weight', [4] as const], ['norm.weight', [2] as const]]);
    const previous = new Map([['a.weight', { shape: [4], kept: Uint8Array.of(1, 1, 1, 0) }]]);
    // alive scores 0.1, 0.5, 0.9, 0.2, 1.0 -> 40th percentile = 0.2 + 0.6·(0.5 − 0.2)... sorted [0.1, 0.2, 0.5, 0.9, 1.0], virtual 1.6 -> 0.38
    const masks = percentileMasks(scores, shapes, previous, 0.4);
    expect([...masks.get('a.weight')!.kept]).toEqual([0, 1, 1, 0]);
    expect([...masks.get('norm.weight')!.kept]).toEqual([0, 1]);
  });
});
