import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSparseError } from '../errors.js';
import { CUT_ALL, CUT_NONE, RadixSelect, countCut, markCut } from './radix-select.js';
import { pruneLowestAcross } from './select.js';
import type { SelectionSegment } from './selection-types.js';

const score = fc.oneof(fc.float(), fc.constantFrom(0, -0, 1, 1, 0.5, -0.5, Number.NaN, Infinity, -Infinity, 1e-45, -1e-45));
const segment = fc
  .array(fc.tuple(score, fc.boolean()), { maxLength: 40 })
  .map((pairs): SelectionSegment => ({ scores: Float32Array.from(pairs.map(([s]) => s)), alive: Uint8Array.from(pairs.map(([, a]) => (a ? 1 : 0))) }));

/** Runs both passes of a RadixSelect over `segments` (a stream of chunks) and marks the cut chunk by chunk. */
function streamCut(segments: readonly SelectionSegment[], count: number): { flags: Uint8Array[]; nan: number; counted: number } {
  const select = new RadixSelect(count);
  let nan = 0;
  for (const s of segments) nan += select.addHigh(s);
  select.endHigh();
  for (const s of segments) select.addLow(s);
  const cut = select.endLow();
  expect(cut.ties).toBe(count - cut.below);
  let ties = cut.ties;
  let tiesCounted = cut.ties;
  let counted = 0;
  const flags = segments.map((s) => {
    const out = new Uint8Array(s.scores.length);
    const marked = markCut(s, cut, ties, out);
    ties = marked.ties;
    const c = countCut(s, cut, tiesCounted);
    tiesCounted = c.ties;
    expect(c.pruned).toBe(marked.pruned);
    counted += marked.pruned;
    return out;
  });
  return { flags, nan, counted };
}

describe('RadixSelect', () => {
  it('streamed over chunks, takes exactly the count lowest alive by (score, chunk, index), like pruneLowestAcross', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.nat(200), (segments, wanted) => {
        const alive = segments.reduce((sum, s) => sum + s.alive.reduce((a, b) => a + b, 0), 0);
        fc.pre(alive > 0);
        const count = 1 + (wanted % alive);
        const { flags, counted } = streamCut(segments, count);
        expect(counted).toBe(count);
        const keep = pruneLowestAcross(segments, count);
        flags.forEach((pruned, s) => {
          const expected = Array.from(segments[s]!.alive, (a, i) => a & (keep[s]![i]! ^ 1));
          expect([...pruned]).toEqual(expected);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('counts alive NaN scores in pass 1', () => {
    const { nan } = streamCut([{ scores: Float32Array.of(Number.NaN, Number.NaN, 1), alive: Uint8Array.of(1, 0, 1) }], 1);
    expect(nan).toBe(1);
  });

  it('refuses a count it cannot take and calls out of order', () => {
    expect(() => new RadixSelect(0)).toThrowError(/count must be an integer >= 1/);
    const select = new RadixSelect(3);
    select.addHigh({ scores: Float32Array.of(1, 2), alive: Uint8Array.of(1, 1) });
    try {
      select.endHigh();
      expect.unreachable();
    } catch (error) {
      expect(isSparseError(error, 'E_ARGUMENT')).toBe(true);
    }
    expect(() => new RadixSelect(1).addLow({ scores: Float32Array.of(1), alive: Uint8Array.of(1) })).toThrowError(/before endHigh/);
  });
});

describe('CUT_NONE and CUT_ALL', () => {
  it('take no alive score and every alive score', () => {
    const s: SelectionSegment = { scores: Float32Array.of(Number.NaN, -Infinity, -0, 3, Infinity), alive: Uint8Array.of(1, 1, 1, 0, 1) };
    const out = new Uint8Array(5);
    expect(markCut(s, CUT_NONE, CUT_NONE.ties, out).pruned).toBe(0);
    expect([...out]).toEqual([0, 0, 0, 0, 0]);
    expect(markCut(s, CUT_ALL, CUT_ALL.ties, out).pruned).toBe(4);
    expect([...out]).toEqual([1, 1, 1, 0, 1]);
    expect(countCut(s, CUT_ALL, CUT_ALL.ties).pruned).toBe(4);
  });
});
