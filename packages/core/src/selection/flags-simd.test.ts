import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flagsSimd, flagsSimdAvailable } from './flags-simd.js';
import { FLAGS_SIMD_MIN, markCut } from './radix-select.js';
import { keyOf } from './score-keys.js';
import { pruneLowest, pruneLowestAcross } from './select.js';

/** The selection rule the slow way: sort the alive elements by (score with NaN as -Infinity, segment, index), prune the first `count`. */
function sortReference(segments: readonly { scores: Float32Array; alive: Uint8Array }[], count: number): Uint8Array[] {
  const rank = (x: number): number => (Number.isNaN(x) ? -Infinity : x);
  const entries: { s: number; seg: number; i: number }[] = [];
  segments.forEach(({ scores, alive }, seg) => {
    for (let i = 0; i < scores.length; i++) if (alive[i] === 1) entries.push({ s: rank(scores[i] as number), seg, i });
  });
  entries.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.seg - b.seg || a.i - b.i));
  const keeps = segments.map(({ alive }) => alive.slice());
  for (const e of entries.slice(0, Math.min(count, entries.length))) (keeps[e.seg] as Uint8Array)[e.i] = 0;
  return keeps;
}

/** The scalar flags pass: `markCut` over the same elements with SIMD out of the way (one element at a time). */
function scalarMarkCut(scores: Float32Array, alive: Uint8Array, key: number, ties: number, write: 'pruned' | 'kept'): { out: Uint8Array; pruned: number; ties: number } {
  const out = new Uint8Array(scores.length);
  let left = ties;
  let pruned = 0;
  for (let i = 0; i < scores.length; i++) {
    const r = markCut({ scores: scores.subarray(i, i + 1), alive: alive.subarray(i, i + 1) }, { key, ties: left }, left, out.subarray(i, i + 1), write);
    left = r.ties;
    pruned += r.pruned;
  }
  return { out, pruned, ties: left };
}

/** Few distinct values, so that ties are common; NaN of both signs, ±0, ±Infinity, subnormals. */
const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 0.25, Number.NaN, -Number.NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38];
const negativeNaN = new Float32Array(new Uint32Array([0xffc00001]).buffer)[0] as number;

/** A pool of `segments` random segments from a seed: scores from SPECIAL or a spread, some elements dead. */
function makePool(seed: number, lengths: readonly number[], deadFraction: number, spread: number): { scores: Float32Array; alive: Uint8Array }[] {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return lengths.map((n) => {
    const scores = new Float32Array(n);
    const bits = new Uint32Array(scores.buffer);
    const alive = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const u = next();
      if (u < 0.02) bits[i] = 0xffc00001; // a negative NaN with payload
      else scores[i] = u < 0.5 ? (SPECIAL[Math.floor(next() * SPECIAL.length)] as number) : Math.round((next() - 0.3) * spread) / 4;
      alive[i] = next() < deadFraction ? 0 : 1;
    }
    return { scores, alive };
  });
}

describe('flagsSimd', () => {
  it('is available on Node 20 (WebAssembly SIMD)', () => {
    expect(flagsSimdAvailable()).toBe(true);
    expect(Number.isNaN(negativeNaN)).toBe(true);
  });

  it('writes what the scalar markCut writes, for any bits, alive flags, cut key and ties, both ways', () => {
    const bitPattern = fc.oneof(
      fc.integer({ min: -0x80000000, max: 0x7fffffff }),
      fc.constantFrom(...SPECIAL, negativeNaN).map((value) => new Int32Array(new Float32Array([value]).buffer)[0] as number),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(bitPattern, fc.boolean()), { maxLength: 200, size: 'max' }),
        fc.boolean(),
        fc.constantFrom(...SPECIAL),
        fc.oneof(fc.nat(20), fc.constant(Number.POSITIVE_INFINITY)),
        fc.constantFrom('pruned' as const, 'kept' as const),
        (pairs, allAlive, cutScore, ties, write) => {
          const bits = Int32Array.from(pairs.map(([b]) => b));
          const scores = new Float32Array(bits.buffer);
          const alive = Uint8Array.from(pairs.map(([, a]) => (allAlive || a ? 1 : 0)));
          const key = keyOf(cutScore);
          const expected = scalarMarkCut(scores, alive, key, ties, write);
          const out = new Uint8Array(bits.length).fill(7);
          const simd = flagsSimd(bits, allAlive ? undefined : alive, key, ties, out, write);
          expect(simd).toBeDefined();
          const whole = bits.length & ~15;
          const tail = markCut({ scores: scores.subarray(whole), alive: alive.subarray(whole) }, { key, ties }, simd?.ties ?? 0, out.subarray(whole), write);
          expect(Array.from(out)).toEqual(Array.from(expected.out));
          expect((simd?.pruned ?? 0) + tail.pruned).toBe(expected.pruned);
          expect(tail.ties).toBe(expected.ties);
        },
      ),
      { seed: 20_261_207, numRuns: 400 },
    );
  });
});

describe('pruneLowest and pruneLowestAcross on the SIMD flags path', () => {
  it('pruneLowest equals a sort-based reference on segments long enough for the SIMD pass (ties, NaN, ±0, dead elements)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: FLAGS_SIMD_MIN, max: 3 * FLAGS_SIMD_MIN + 37 }),
        fc.constantFrom(0, 0, 0.1, 0.5, 0.95),
        fc.constantFrom(4, 40, 4000),
        fc.integer({ min: 0, max: 1100 }).map((permille) => permille / 1000),
        (seed, n, dead, spread, fraction) => {
          const [segment] = makePool(seed, [n], dead, spread) as [{ scores: Float32Array; alive: Uint8Array }];
          const count = Math.floor(fraction * n);
          expect(Array.from(pruneLowest(segment.scores, segment.alive, count))).toEqual(Array.from(sortReference([segment], count)[0] as Uint8Array));
        },
      ),
      { seed: 20_261_208, numRuns: 60 },
    );
  });

  it('pruneLowestAcross equals the reference over several segments, ties by (segment, index), whichever segments are all alive', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(fc.integer({ min: 0, max: 2 * FLAGS_SIMD_MIN + 21 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(0, 0.2),
        fc.constantFrom(4, 40),
        fc.integer({ min: 0, max: 1000 }).map((permille) => permille / 1000),
        (seed, lengths, dead, spread, fraction) => {
          const segments = makePool(seed, lengths, dead, spread);
          const count = Math.floor(fraction * lengths.reduce((a, b) => a + b, 0));
          expect(pruneLowestAcross(segments, count).map((keep) => Array.from(keep))).toEqual(sortReference(segments, count).map((keep) => Array.from(keep)));
        },
      ),
      { seed: 20_261_209, numRuns: 40 },
    );
  });

  it('is exact on a pool large enough for the sampled bracket too (70 000 scores, heavy ties at the cut)', () => {
    for (const [seed, dead] of [
      [11, 0],
      [12, 0.3],
    ] as const) {
      const segments = makePool(seed, [50_000, 20_000], dead, 8);
      for (const fraction of [0.3, 0.9]) {
        const count = Math.floor(fraction * 70_000);
        expect(pruneLowestAcross(segments, count).map((keep) => Array.from(keep))).toEqual(sortReference(segments, count).map((keep) => Array.from(keep)));
      }
    }
  });
});
