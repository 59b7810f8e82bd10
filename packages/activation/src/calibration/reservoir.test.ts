import { describe, expect, it } from 'vitest';
import { RowReservoir } from './reservoir.js';

const rows = (n: number, width: number, offset = 0) => Float32Array.from({ length: n * width }, (_, i) => offset + Math.floor(i / width));

describe('RowReservoir', () => {
  it('keeps every row, in order, while under capacity', () => {
    const reservoir = new RowReservoir({ width: 3, capacity: 100, seed: 1 });
    reservoir.add(rows(10, 3), 0);
    reservoir.add(rows(5, 3, 10), 1);
    expect(reservoir.size).toBe(15);
    expect(reservoir.sampled).toBe(false);
    expect(Array.from(reservoir.rows().filter((_, i) => i % 3 === 0))).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(Array.from(reservoir.batches())).toEqual([...Array<number>(10).fill(0), ...Array<number>(5).fill(1)]);
  });

  it('keeps whole rows, a uniform sample, reproducibly from its seed', () => {
    const take = (seed: number) => {
      const reservoir = new RowReservoir({ width: 2, capacity: 500, seed });
      for (let b = 0; b < 20; b += 1) reservoir.add(rows(500, 2, b * 500), b);
      return reservoir;
    };
    const a = take(3);
    expect(a.size).toBe(500);
    expect(a.seen).toBe(10_000);
    expect(a.sampled).toBe(true);
    const kept = a.rows();
    for (let r = 0; r < a.size; r += 1) expect(kept[2 * r]).toBe(kept[2 * r + 1]); // rows stay whole
    expect(Array.from(take(3).rows())).toEqual(Array.from(kept));
    expect(Array.from(take(4).rows())).not.toEqual(Array.from(kept));
    // uniform: each half of the stream contributes about half of the sample (binomial sd ≈ 11)
    const firstHalf = Array.from(a.batches()).filter((b) => b < 10).length;
    expect(Math.abs(firstHalf - 250)).toBeLessThan(60);
  });

  it('rejects bad sizes', () => {
    expect(() => new RowReservoir({ width: 0, capacity: 1, seed: 0 })).toThrow(/width must be a positive integer/);
  });
});
