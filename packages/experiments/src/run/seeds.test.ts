import { describe, expect, it } from 'vitest';
import { deriveSeedSha256 } from './seeds.js';

describe('deriveSeedSha256', () => {
  it('is a fixed function of (run seed, purpose, name)', () => {
    expect(deriveSeedSha256(42, 'init', 'dense_1/kernel')).toBe(deriveSeedSha256(42, 'init', 'dense_1/kernel'));
    // Pinned (computed independently with Python's hashlib) so that a change to the derivation,
    // which would change every experiment, is noticed.
    expect(deriveSeedSha256(0, 'init', 'w')).toBe(4176854304);
    expect(deriveSeedSha256(42, 'init', 'dense_1/kernel')).toBe(2430191148);
    const seeds = new Set([deriveSeedSha256(1, 'init', 'w'), deriveSeedSha256(2, 'init', 'w'), deriveSeedSha256(1, 'mask', 'w'), deriveSeedSha256(1, 'init', 'b'), deriveSeedSha256(1, 'init')]);
    expect(seeds.size).toBe(5);
  });

  it('separates the parts, so that moving text between them changes the seed', () => {
    expect(deriveSeedSha256(1, 'ab', 'c')).not.toBe(deriveSeedSha256(1, 'a', 'bc'));
    expect(deriveSeedSha256(1, 'a', '')).toBe(deriveSeedSha256(1, 'a'));
  });

  it('returns unsigned 32-bit integers and rejects unsafe run seeds', () => {
    for (let i = 0; i < 50; i += 1) {
      const seed = deriveSeedSha256(i, 'p', String(i));
      expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
    }
    expect(() => deriveSeedSha256(0.5, 'p')).toThrow(/safe integer/);
  });
});
