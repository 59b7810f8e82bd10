import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random, deriveSeed } from '@sparse/core';
import { BernoulliDrops, DARE_SEED_PURPOSE } from './drop-stream.js';

describe('BernoulliDrops', () => {
  it('drops entry i exactly when the i-th nextFloat() of Random(deriveSeed(seed, "dare", name)) is < p', () => {
    fc.assert(
      fc.property(fc.nat(), fc.string(), fc.double({ min: 0, max: 1, noNaN: true }), (seed, name, rate) => {
        const flags = new Uint8Array(64);
        new BernoulliDrops(seed, name, rate).fill(flags, 64);
        const rng = new Random(deriveSeed(seed, DARE_SEED_PURPOSE, name));
        const expected = Array.from({ length: 64 }, () => (rng.nextFloat() < rate ? 1 : 0));
        expect(Array.from(flags)).toEqual(expected);
      }),
    );
  });

  it('gives the same stream whatever the chunk sizes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 8 }), (sizes) => {
        const total = sizes.reduce((a, b) => a + b, 0);
        const whole = new Uint8Array(total);
        new BernoulliDrops(5, 'w', 0.7).fill(whole, total);
        const drops = new BernoulliDrops(5, 'w', 0.7);
        const parts: number[] = [];
        for (const size of sizes) {
          const flags = new Uint8Array(size);
          drops.fill(flags, size);
          parts.push(...flags);
        }
        expect(parts).toEqual(Array.from(whole));
      }),
    );
  });

  it('never drops at p = 0 and always drops at p = 1', () => {
    const flags = new Uint8Array(10_000);
    expect(new BernoulliDrops(1, 'a', 0).fill(flags, flags.length)).toBe(0);
    expect(new BernoulliDrops(1, 'a', 1).fill(flags, flags.length)).toBe(flags.length);
  });

  it('realizes the drop rate p over many seeds (within 4 binomial standard errors)', () => {
    const n = 1000;
    const seeds = 400;
    const flags = new Uint8Array(n);
    for (const rate of [0.1, 0.5, 0.9, 0.99]) {
      let dropped = 0;
      for (let seed = 0; seed < seeds; seed++) dropped += new BernoulliDrops(seed, 'layer/kernel', rate).fill(flags, n);
      const trials = n * seeds;
      const se = Math.sqrt((rate * (1 - rate)) / trials);
      expect(Math.abs(dropped / trials - rate)).toBeLessThan(4 * se);
    }
  });
});
