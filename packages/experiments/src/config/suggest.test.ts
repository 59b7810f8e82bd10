import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swaps', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('seeds', 'sedes')).toBe(1);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('didYouMean', () => {
  it('suggests the closest candidate when it is close enough', () => {
    expect(didYouMean('lerning_rate', ['learningRate', 'learning_rate', 'epochs'])).toBe('learning_rate');
    expect(didYouMean('Epochs', ['epochs'])).toBe('epochs');
    expect(didYouMean('xyz', ['epochs', 'seeds'])).toBeUndefined();
    expect(didYouMean('a', ['b'])).toBe('b');
  });

  it('returns at once for a 10 MB input (no quadratic distance on long values)', () => {
    const started = performance.now();
    expect(didYouMean('m'.repeat(10_000_000), ['magnitude', 'random', 'snip', 'grasp', 'synflow', 'taylor', 'movement'])).toBeUndefined();
    expect(didYouMean('magnitudes', ['m'.repeat(10_000_000), 'magnitude'])).toBe('magnitude');
    expect(performance.now() - started).toBeLessThan(200);
  });
});
