import { describe, expect, it } from 'vitest';
import * as core from '@sparse/core';
import { deriveStreamSeed, seededRandom } from './uniform-random.js';

/**
 * First four outputs × 2^32 of `Random.derived(seed, purpose, name).nextUint32()` from
 * packages/core/src/random (its documented stream), computed with that implementation.
 */
const REFERENCE: [number, string, string, number, number[]][] = [
  [0, 'split', 'validation', 173102021, [1901426652, 4139468606, 1521372633, 2126318088]],
  [42, 'batches', 'epoch 3', 2918124397, [268573227, 2671287640, 1382891539, 3344127600]],
  [2 ** 40 + 7, 'balanced-subset', 'train/class 9', 2203051355, [454433430, 3750105513, 1460727054, 2248360224]],
  [20240, 'ünïcødé', '', 3892090287, [2490965642, 391636377, 3164009961, 2876325196]],
];


describe('seededRandom stream', () => {
  it.each(REFERENCE)('reproduces the @sparse/core stream for (%d, %s, %s)', (seed, purpose, name, streamSeed, first) => {
    expect(deriveStreamSeed(seed, purpose, name)).toBe(streamSeed);
    const random = seededRandom(seed, purpose, name);
    expect(first.map(() => random() * 2 ** 32)).toEqual(first);
  });

  it('equals Random.derived(…).nextUint32() / 2^32 of @sparse/core', () => {
    for (const [seed, purpose, name] of REFERENCE) {
      const theirs = core.Random.derived(seed, purpose, name);
      const ours = seededRandom(seed, purpose, name);
      for (let i = 0; i < 1000; i += 1) expect(ours()).toBe(theirs.nextUint32() / 2 ** 32);
    }
  });
});
