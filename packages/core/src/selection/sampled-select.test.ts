import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../random/random.js';
import { countAlive, locateRank, type SampledSelectTuning, takeCensus } from './sampled-select.js';
import { keyOf } from './score-keys.js';
import type { SelectionSegment } from './selection-types.js';

/** The rule written the slow way: sort the alive keys, read the one at `rank`, count those below it and the NaNs. */
function reference(segments: readonly SelectionSegment[], rank: number): { key: number; below: number; nan: number } {
  const keys: number[] = [];
  let nan = 0;
  for (const { scores, alive } of segments) {
    for (let i = 0; i < scores.length; i++) {
      if (alive[i] !== 1) continue;
      if (Number.isNaN(scores[i])) nan++;
      keys.push(keyOf(scores[i] as number));
    }
  }
  keys.sort((a, b) => a - b);
  const key = keys[rank] as number;
  return { key, below: keys.filter((k) => k < key).length, nan };
}

const score = fc.oneof(
  fc.float(),
  fc.constantFrom(0, -0, 1, 1, 0.5, -0.5, Number.NaN, Infinity, -Infinity, 1e-45, -1e-45),
);
const segment = fc
  .array(fc.tuple(score, fc.boolean()), { maxLength: 300 })
  .map((pairs) => ({ scores: Float32Array.from(pairs.map(([s]) => s)), alive: Uint8Array.from(pairs.map(([, a]) => (a ? 1 : 0))) }));

/** Forces the sampled path on small pools; a tiny sample also makes the bracket miss now and then. */
const tunings: SampledSelectTuning[] = [
  { minPool: 0, sampleSize: 64 },
  { minPool: 0, sampleSize: 8 },
  { minPool: 0, sampleSize: 1000, seed: 7 },
  { minPool: 0, sampleSize: 100, standardErrors: 0 },
];

describe('locateRank', () => {
  it('equals a sort of the alive keys, on any scores, flags and rank (sampled path forced)', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...tunings), (segments, where, tuning) => {
        const census = takeCensus(segments);
        fc.pre(census.alive > 0);
        const rank = Math.min(census.alive - 1, Math.floor(where * census.alive));
        expect(locateRank(segments, rank, census, tuning)).toEqual(reference(segments, rank));
      }),
      { numRuns: 600 },
    );
  });

  it('is exact on a million scores with duplicates, whether all, half or 3 % are alive', () => {
    const random = new Random(11);
    const n = 1_000_000;
    const scores = random.fillNormal(new Float32Array(n));
    for (let i = 0; i < n; i += 7) scores[i] = Math.fround((scores[i] as number) * 0.01);
    for (let i = 0; i < n; i += 1000) scores[i] = Number.NaN;
    for (const fraction of [1, 0.5, 0.03]) {
      const alive = new Uint8Array(n);
      for (let i = 0; i < n; i++) alive[i] = random.nextFloat() < fraction ? 1 : 0;
      const segments = [
        { scores: scores.subarray(0, 300_000), alive: alive.subarray(0, 300_000) },
        { scores: scores.subarray(300_000), alive: alive.subarray(300_000) },
      ];
      const census = takeCensus(segments);
      for (const q of [0, 0.2, 0.9, 0.999]) {
        const rank = Math.floor(q * (census.alive - 1));
        expect(locateRank(segments, rank, census), `alive ${fraction}, q ${q}`).toEqual(reference(segments, rank));
      }
    }
  });

  it('answers the same whatever the seed', () => {
    const scores = new Random(3).fillNormal(new Float32Array(200_000));
    const segments = [{ scores, alive: new Uint8Array(scores.length).fill(1) }];
    const census = takeCensus(segments);
    const answers = [1, 2, 3, 4].map((seed) => locateRank(segments, 123_456, census, { seed }));
    expect(new Set(answers.map((a) => a.key)).size).toBe(1);
    expect(answers[0]).toEqual(reference(segments, 123_456));
  });
});

describe('countAlive', () => {
  it('counts the ones of any flag array, at any byte offset, past the 255-word lane limit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ min: 0, max: 1, maxLength: 3000 }), fc.nat(3), (flags, offset) => {
        const view = flags.subarray(Math.min(offset, flags.length));
        expect(countAlive(view)).toBe(view.reduce((a, b) => a + b, 0));
      }),
      { numRuns: 300 },
    );
    expect(countAlive(new Uint8Array(1_000_003).fill(1))).toBe(1_000_003);
  });
});
