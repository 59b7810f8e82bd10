import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { Random } from '../random/random.js';
import { keyAtLeast, keyOf, valueOfKey } from './score-keys.js';
import { pruneLowest, pruneLowestAcross, valueAtRank } from './select.js';

/** The spec's rule written the slow way: sort alive (score asc with NaN as -Infinity, index asc), prune the first n. */
function bruteForce(segments: { scores: Float32Array; alive: Uint8Array }[], count: number): Uint8Array[] {
  const rank = (x: number): number => (Number.isNaN(x) ? -Infinity : x);
  const entries: { s: number; seg: number; i: number }[] = [];
  segments.forEach(({ scores, alive }, seg) => {
    for (let i = 0; i < scores.length; i++) if (alive[i] === 1) entries.push({ s: rank(scores[i]!), seg, i });
  });
  entries.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.seg - b.seg || a.i - b.i));
  const keeps = segments.map(({ alive }) => alive.slice());
  for (const e of entries.slice(0, Math.min(count, entries.length))) keeps[e.seg]![e.i] = 0;
  return keeps;
}

const score = fc.oneof(
  fc.float(),
  fc.constantFrom(0, -0, 1, 1, 0.5, -0.5, Number.NaN, Infinity, -Infinity, 1e-45, -1e-45),
);
const segment = fc
  .array(fc.tuple(score, fc.boolean()), { maxLength: 60 })
  .map((pairs) => ({ scores: Float32Array.from(pairs.map(([s]) => s)), alive: Uint8Array.from(pairs.map(([, a]) => (a ? 1 : 0))) }));

describe('score keys', () => {
  it('order floats like numbers, fold -0 onto +0 and NaN onto -Infinity', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), fc.float({ noNaN: true }), (a, b) => {
        expect(Math.sign(keyOf(a) - keyOf(b))).toBe(Math.sign(a - b) || 0);
      }),
    );
    expect(keyOf(-0)).toBe(keyOf(0));
    expect(keyOf(Number.NaN)).toBe(keyOf(-Infinity));
    expect(valueOfKey(keyOf(0.375))).toBe(0.375);
  });

  it('keyAtLeast turns a float64 threshold into a strict key threshold', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), fc.double({ noNaN: true }), (x, threshold) => {
        expect(keyOf(x) < keyAtLeast(threshold)).toBe(x < threshold);
      }),
    );
  });
});

describe('pruneLowest', () => {
  it('prunes exactly min(count, alive) alive elements, the lowest by (score, index)', () => {
    fc.assert(
      fc.property(segment, fc.nat(80), (seg, count) => {
        const keep = pruneLowest(seg.scores, seg.alive, count);
        expect([...keep]).toEqual([...bruteForce([seg], count)[0]!]);
      }),
      { numRuns: 500 },
    );
  });

  it('writes into options.into, or into alive itself in place, exactly what it returns fresh (short segments and ones past the SIMD pass\'s minimum)', () => {
    const large = fc.tuple(fc.integer({ min: 1024, max: 3000 }), fc.nat()).map(([n, seed]) => {
      const random = new Random(seed);
      const pool = [0, -0, 0.25, 0.5, 1, Number.NaN, -1, Infinity];
      return {
        scores: Float32Array.from({ length: n }, () => (random.nextInt(4) === 0 ? (pool[random.nextInt(pool.length)] as number) : random.nextFloat())),
        alive: Uint8Array.from({ length: n }, () => (random.nextInt(5) === 0 ? 0 : 1)),
      };
    });
    fc.assert(
      fc.property(fc.oneof(segment, large), fc.nat(4000), (seg, count) => {
        const fresh = pruneLowest(seg.scores, seg.alive, count);
        const into = new Uint8Array(seg.scores.length).fill(7);
        expect(pruneLowest(seg.scores, seg.alive, count, { into })).toBe(into);
        expect(into).toEqual(fresh);
        const alive = seg.alive.slice();
        expect(pruneLowest(seg.scores, alive, count, { into: alive })).toBe(alive);
        expect(alive).toEqual(fresh);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an into array of another length before writing anything', () => {
    const into = new Uint8Array(3).fill(9);
    expect(() => pruneLowest(Float32Array.of(1, 2, 3, 4), Uint8Array.of(1, 1, 1, 1), 2, { into })).toThrow(/options\.into has 3 elements, the scores 4/);
    expect([...into]).toEqual([9, 9, 9]);
  });

  it('never revives and returns binary flags', () => {
    fc.assert(
      fc.property(segment, fc.nat(80), (seg, count) => {
        const keep = pruneLowest(seg.scores, seg.alive, count);
        for (let i = 0; i < keep.length; i++) {
          expect(keep[i]! <= seg.alive[i]!).toBe(true);
          expect(keep[i] === 0 || keep[i] === 1).toBe(true);
        }
      }),
    );
  });

  it('breaks ties by flat index: the lower index goes first', () => {
    const keep = pruneLowest(Float32Array.of(1, 1, 1, 1), Uint8Array.of(1, 1, 1, 1), 2);
    expect([...keep]).toEqual([0, 0, 1, 1]);
  });

  it('skips pruned elements: they are never candidates', () => {
    const keep = pruneLowest(Float32Array.of(0, 5, 1, 2), Uint8Array.of(0, 1, 1, 1), 1);
    expect([...keep]).toEqual([0, 1, 0, 1]);
  });

  it('treats NaN as -Infinity and reports it', () => {
    const onWarning = vi.fn();
    const keep = pruneLowest(Float32Array.of(0.3, Number.NaN, -Infinity, 0.1), Uint8Array.of(1, 1, 1, 1), 1, { onWarning, label: 'w' });
    expect([...keep]).toEqual([1, 0, 1, 1]); // NaN at index 1 ties with -Infinity at 2 and wins by index
    expect(onWarning).toHaveBeenCalledWith('1 NaN score in w counted as -Infinity (pruned first).');
  });

  it('treats -0 and +0 as a tie', () => {
    expect([...pruneLowest(Float32Array.of(0, -0), Uint8Array.of(1, 1), 1)]).toEqual([0, 1]);
  });

  it('clamps the count and does not touch its inputs', () => {
    const scores = Float32Array.of(3, 2, 1);
    const alive = Uint8Array.of(1, 1, 1);
    expect([...pruneLowest(scores, alive, 10)]).toEqual([0, 0, 0]);
    expect([...pruneLowest(scores, alive, 0)]).toEqual([1, 1, 1]);
    expect([...alive]).toEqual([1, 1, 1]);
    expect([...scores]).toEqual([3, 2, 1]);
  });

  it('rejects a negative or fractional count and mismatched lengths', () => {
    expect(() => pruneLowest(Float32Array.of(1), Uint8Array.of(1), -1)).toThrowError(/non-negative integer/);
    expect(() => pruneLowest(Float32Array.of(1), Uint8Array.of(1), 0.5)).toThrowError(/non-negative integer/);
    expect(() => pruneLowest(Float32Array.of(1, 2), Uint8Array.of(1), 1)).toThrowError(/must match/);
  });

  it('is correct on 1e6 random scores with duplicates (sanity, not timed)', () => {
    const rng = new Random(2024);
    const size = 1_000_000;
    const scores = new Float32Array(size);
    for (let i = 0; i < size; i++) scores[i] = Math.round(rng.nextNormal() * 1000) / 1000; // many ties
    const alive = new Uint8Array(size);
    for (let i = 0; i < size; i++) alive[i] = rng.nextFloat() < 0.8 ? 1 : 0;
    const count = 654_321;
    const keep = pruneLowest(scores, alive, count);
    const order = Array.from({ length: size }, (_, i) => i)
      .filter((i) => alive[i] === 1)
      .sort((a, b) => scores[a]! - scores[b]! || a - b);
    const expected = alive.slice();
    for (const i of order.slice(0, count)) expected[i] = 0;
    let mismatches = 0;
    for (let i = 0; i < size; i++) if (keep[i] !== expected[i]) mismatches++;
    expect(mismatches).toBe(0);
  });
});

describe('pruneLowestAcross (global)', () => {
  it('equals a brute-force sort over the concatenation, ties by (segment, index)', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.nat(150), (segments, count) => {
        const keeps = pruneLowestAcross(segments, count);
        expect(keeps.map((k) => [...k])).toEqual(bruteForce(segments, count).map((k) => [...k]));
      }),
      { numRuns: 300 },
    );
  });

  it('breaks ties between tensors by tensor order', () => {
    const [a, b] = pruneLowestAcross(
      [
        { scores: Float32Array.of(1, 2), alive: Uint8Array.of(1, 1) },
        { scores: Float32Array.of(1, 0), alive: Uint8Array.of(1, 1) },
      ],
      2,
    );
    expect([...a!]).toEqual([0, 1]);
    expect([...b!]).toEqual([1, 0]);
  });
});

describe('valueAtRank', () => {
  it('returns the k-th smallest alive score', () => {
    const segments = [{ scores: Float32Array.of(5, 1, 3, 9), alive: Uint8Array.of(1, 1, 0, 1) }];
    expect([0, 1, 2].map((r) => valueAtRank(segments, r))).toEqual([1, 5, 9]);
    expect(valueAtRank(segments, 3)).toBeUndefined();
  });
});
