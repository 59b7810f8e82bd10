import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { zeroPrunedBytes } from './plan.js';

/** The rule byte by byte: every byte of a pruned element becomes 0, the others stay. */
function reference(bytes: Uint8Array, elementSize: number, kept: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < kept.length * elementSize; i++) if (kept[Math.floor(i / elementSize)] === 0) out[i] = 0;
  return out;
}

describe('zeroPrunedBytes', () => {
  it('zeroes exactly the bytes of pruned elements, for 1-, 2-, 4- and 8-byte elements, aligned or not', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 4, 8),
        fc.array(fc.boolean(), { maxLength: 40 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 255 }),
        (size, flags, offset, fill) => {
          const kept = Uint8Array.from(flags, (flag) => (flag ? 1 : 0));
          const backing = new Uint8Array(offset + kept.length * size + 3).map((_, i) => (i * 31 + fill) % 251 || 1);
          const bytes = backing.subarray(offset, offset + kept.length * size);
          const expected = reference(bytes, size, kept);
          const before = backing.slice();
          expect(zeroPrunedBytes(bytes, size, kept)).toBe(bytes);
          expect(Array.from(bytes)).toEqual(Array.from(expected));
          // Nothing outside the tensor's bytes is touched.
          expect(Array.from(backing.subarray(0, offset))).toEqual(Array.from(before.subarray(0, offset)));
          expect(Array.from(backing.subarray(offset + bytes.length))).toEqual(Array.from(before.subarray(offset + bytes.length)));
        },
      ),
      { seed: 20_261_207, numRuns: 300 },
    );
  });
});
