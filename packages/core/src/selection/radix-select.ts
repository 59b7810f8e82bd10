import { SparseError } from '../errors.js';
import { NEG_INF_KEY, POS_INF_KEY, bitsOf } from './score-keys.js';
import type { Cut, SelectionOptions, SelectionSegment } from './selection-types.js';
import { flagsSimd } from './flags-simd.js';

/**
 * Radix selection on order-preserving float keys: 16-bit histograms of the keys of alive
 * elements locate the k-th smallest in two passes, without sorting (the exact fallback of
 * `sampled-select.ts`, and `@sparse/delta`'s streaming magnitude cut).
 */

/** Buckets of each radix pass (16 bits). */
const BUCKETS = 65536;
/** Segments of at least this many elements take the WebAssembly SIMD flags pass (`flags-simd.ts`). */
export const FLAGS_SIMD_MIN = 1 << 10;

/**
 * Exact selection of the `count` lowest alive scores of a pool fed segment by segment, in two
 * passes and O(65536) memory whatever the pool's size: pass 1 ({@link RadixSelect.addHigh})
 * counts the alive keys by their high 16 bits, pass 2 ({@link RadixSelect.addLow}) counts those of
 * the bucket holding the cut by their low 16 bits. Both passes must see the same segments (in any
 * order), so a pool too large for memory can be streamed in chunks, twice. Keys order scores like
 * {@link pruneLowest} does: NaN as `-Infinity`, `-0` as `+0`. Counts are float64, exact up to 2^53.
 *
 * The result is a {@link Cut}: the candidates below its key, plus the first `ties` equal to it in
 * the order they are visited ({@link markCut}, {@link countCut}), are the `count` lowest.
 *
 * @example
 * ```ts
 * import { RadixSelect, markCut } from '@sparse/core';
 *
 * const chunks = [Float32Array.of(0.5, 0.1), Float32Array.of(0.1, 0.9)].map((scores) => ({ scores, alive: Uint8Array.of(1, 1) }));
 * const select = new RadixSelect(2);
 * for (const chunk of chunks) select.addHigh(chunk);
 * select.endHigh();
 * for (const chunk of chunks) select.addLow(chunk);
 * const cut = select.endLow();
 * let ties = cut.ties;
 * for (const chunk of chunks) {
 *   const pruned = new Uint8Array(2);
 *   ties = markCut(chunk, cut, ties, pruned).ties;
 *   console.log([...pruned]); // [0, 1] then [1, 0]
 * }
 * ```
 */
export class RadixSelect {
  private readonly high = new Float64Array(BUCKETS);
  private low: Float64Array | undefined;
  /** The high 16 bits (signed) of the cut's key, once pass 1 has ended. */
  private bucket = 0;
  /** Alive keys below the cut's bucket (after pass 1), then below its key (after pass 2). */
  private below = 0;

  /**
   * @param count - how many of the lowest alive scores the cut takes, an integer `>= 1`.
   * @throws SparseError `E_ARGUMENT` when `count` is not an integer `>= 1`.
   */
  constructor(readonly count: number) {
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new SparseError('E_ARGUMENT', `count must be an integer >= 1, got ${count}.`, { field: 'count', received: count, allowed: 'integers >= 1' });
    }
  }

  /** Pass 1: adds a segment's alive keys to the high histogram. Returns its alive NaN scores. */
  addHigh(segment: SelectionSegment): number {
    if (this.low !== undefined) throw new SparseError('E_INTERNAL', 'RadixSelect.addHigh after endHigh.');
    const hist = this.high;
    const { scores, alive } = segment;
    const bits = bitsOf(scores);
    const n = bits.length;
    const negativeInfinityKey = -2139095041; // NEG_INF_KEY and POS_INF_KEY as locals: V8 folds those
    const positiveInfinityKey = 2139095040;
    let nan = 0;
    for (let i = 0; i < n; i++) {
      const b = bits[i] as number;
      let k = b ^ ((b >> 31) & 0x7fffffff);
      if (k === -1) k = 0;
      else if (k > positiveInfinityKey || k < negativeInfinityKey) {
        if (k !== negativeInfinityKey) nan += alive[i] as number;
        k = negativeInfinityKey;
      }
      const bucket = (k >> 16) + 32768;
      hist[bucket] = (hist[bucket] as number) + (alive[i] as number);
    }
    return nan;
  }

  /**
   * Ends pass 1: picks the bucket holding the cut.
   *
   * @throws SparseError `E_ARGUMENT` when pass 1 saw fewer than `count` alive scores.
   */
  endHigh(): void {
    const hist = this.high;
    let below = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      const count = hist[bucket] as number;
      if (below + count >= this.count) {
        this.bucket = bucket - 32768;
        this.below = below;
        this.low = new Float64Array(BUCKETS);
        return;
      }
      below += count;
    }
    throw new SparseError('E_ARGUMENT', `RadixSelect: asked for the ${this.count} lowest scores of a pool with ${below} alive.`, {
      field: 'count',
      received: this.count,
      allowed: `<= ${below}`,
    });
  }

  /** Pass 2: adds a segment's alive keys of the cut's bucket to the low histogram; returns how many it saw. */
  addLow(segment: SelectionSegment): number {
    const low = this.low;
    if (low === undefined) throw new SparseError('E_INTERNAL', 'RadixSelect.addLow before endHigh.');
    const high = this.bucket;
    const { scores, alive } = segment;
    const bits = bitsOf(scores);
    const n = bits.length;
    const negativeInfinityKey = -2139095041; // NEG_INF_KEY and POS_INF_KEY as locals: V8 folds those
    const positiveInfinityKey = 2139095040;
    let seen = 0;
    for (let i = 0; i < n; i++) {
      const b = bits[i] as number;
      let k = b ^ ((b >> 31) & 0x7fffffff);
      if (k === -1) k = 0;
      else if (k > positiveInfinityKey || k < negativeInfinityKey) k = negativeInfinityKey;
      if (k >> 16 === high) {
        const a = alive[i] as number;
        low[k & 0xffff] = (low[k & 0xffff] as number) + a;
        seen += a;
      }
    }
    return seen;
  }

  /**
   * Ends pass 2: the cut taking exactly `count` alive scores, and `below`, the alive scores strictly
   * below its key (so `ties = count − below`).
   */
  endLow(): Cut & { readonly below: number } {
    const low = this.low;
    if (low === undefined) throw new SparseError('E_INTERNAL', 'RadixSelect.endLow before endHigh.');
    let below = this.below;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      const count = low[bucket] as number;
      if (below + count >= this.count) return { key: (this.bucket << 16) | bucket, ties: this.count - below, below };
      below += count;
    }
    throw new SparseError('E_ARGUMENT', 'RadixSelect: pass 2 saw fewer alive scores in the cut\'s bucket than pass 1.');
  }
}

/**
 * A cut taking nothing (no key is below it, no tie is taken).
 *
 * @example
 * ```ts
 * import { CUT_NONE, markCut } from '@sparse/core';
 *
 * const pruned = new Uint8Array(2);
 * markCut({ scores: Float32Array.of(NaN, -Infinity), alive: Uint8Array.of(1, 1) }, CUT_NONE, CUT_NONE.ties, pruned);
 * console.log([...pruned]); // [0, 0]
 * ```
 */
export const CUT_NONE: Cut = Object.freeze({ key: NEG_INF_KEY, ties: 0 });

/**
 * A cut taking every alive score (all keys are below it or, for `+Infinity`, ties without limit).
 *
 * @example
 * ```ts
 * import { CUT_ALL, markCut } from '@sparse/core';
 *
 * const pruned = new Uint8Array(2);
 * markCut({ scores: Float32Array.of(1, Infinity), alive: Uint8Array.of(1, 1) }, CUT_ALL, CUT_ALL.ties, pruned);
 * console.log([...pruned]); // [1, 1]
 * ```
 */
export const CUT_ALL: Cut = Object.freeze({ key: POS_INF_KEY, ties: Number.POSITIVE_INFINITY });

export function warnNaN(nan: number, options: SelectionOptions | undefined): void {
  if (nan > 0 && options?.onWarning !== undefined) {
    const where = options.label === undefined ? '' : ` in ${options.label}`;
    options.onWarning(`${nan} NaN score${nan === 1 ? '' : 's'}${where} counted as -Infinity (pruned first).`);
  }
}

export function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new SparseError('E_ARGUMENT', `count must be a non-negative integer, got ${count}.`, {
      field: 'count',
      received: count,
      allowed: 'integers >= 0',
    });
  }
}

export function checkSegments(segments: readonly SelectionSegment[]): void {
  for (const [index, { scores, alive }] of segments.entries()) {
    if (scores.length !== alive.length) {
      throw new SparseError(
        'E_ARGUMENT',
        `segments[${index}] has ${scores.length} scores but ${alive.length} alive flags; they must match.`,
        { field: `segments[${index}]`, received: [scores.length, alive.length] },
      );
    }
  }
}

/**
 * How many alive elements of a segment a {@link Cut} takes, given the ties still available to it
 * (the segments before it in visiting order took the others). Returns that count and the ties left
 * for the next segment; {@link markCut} writes the same elements as flags.
 *
 * @example
 * ```ts
 * import { countCut, type Cut } from '@sparse/core';
 *
 * const cut: Cut = { key: 0x3dcccccd, ties: 1 }; // the key of 0.1: everything below, one 0.1
 * console.log(countCut({ scores: Float32Array.of(0.1, 0.1, 0.05), alive: Uint8Array.of(1, 1, 1) }, cut, cut.ties)); // { pruned: 2, ties: 0 }
 * ```
 */
export function countCut(segment: SelectionSegment, cut: Cut, ties: number): { pruned: number; ties: number } {
  const { below, equal } = countAround(segment, cut.key);
  const fromTies = Math.min(ties, equal);
  return { pruned: below + fromTies, ties: ties - fromTies };
}

/** Alive elements of a segment whose key is below `key`, and equal to it. */
export function countAround(segment: SelectionSegment, key: number): { below: number; equal: number } {
  const { scores, alive } = segment;
  const bits = bitsOf(scores);
  const n = bits.length;
  const negativeInfinityKey = -2139095041; // NEG_INF_KEY and POS_INF_KEY as locals: V8 folds those
  const positiveInfinityKey = 2139095040;
  let below = 0;
  let equal = 0;
  for (let i = 0; i < n; i++) {
    const b = bits[i] as number;
    let k = b ^ ((b >> 31) & 0x7fffffff);
    if (k === -1) k = 0;
    else if (k > positiveInfinityKey || k < negativeInfinityKey) k = negativeInfinityKey;
    const a = alive[i] as number;
    below += a & +(k < key);
    equal += a & +(k === key);
  }
  return { below, equal };
}

/**
 * Writes into `out` (at least as long as the segment) `1` for each alive element a {@link Cut}
 * takes and `0` elsewhere: those whose key is below the cut's, and the first `ties` equal to it in
 * index order. With `write: 'kept'` it writes the complement among alive elements instead (the new
 * alive flags: `1` for alive elements the cut leaves). Returns how many it took and the ties left
 * for the next segment (or chunk), so a cut found by {@link RadixSelect} over a stream is applied
 * chunk by chunk.
 *
 * @example
 * ```ts
 * import { markCut, type Cut } from '@sparse/core';
 *
 * const cut: Cut = { key: 0x3dcccccd, ties: 1 }; // the key of 0.1: everything below, one 0.1
 * const pruned = new Uint8Array(3);
 * markCut({ scores: Float32Array.of(0.1, 0.1, 0.05), alive: Uint8Array.of(1, 1, 1) }, cut, cut.ties, pruned);
 * console.log([...pruned]); // [1, 0, 1]
 * ```
 */
export function markCut(
  segment: SelectionSegment,
  cut: Cut,
  ties: number,
  out: Uint8Array,
  write: 'pruned' | 'kept' = 'pruned',
): { pruned: number; ties: number } {
  return markCutOf(segment, cut, ties, out, write, false);
}

/**
 * {@link markCut}, told whether every element of the segment is alive (the SIMD pass then skips
 * the alive flags). Segments of at least `FLAGS_SIMD_MIN` elements take the WebAssembly SIMD
 * pass (`flags-simd.ts`) for all but their last few elements; the rest, and every element where
 * WebAssembly SIMD is missing, take the scalar loop below. Both write the same flags.
 */
export function markCutOf(
  segment: SelectionSegment,
  cut: Cut,
  ties: number,
  out: Uint8Array,
  write: 'pruned' | 'kept',
  allAlive: boolean,
): { pruned: number; ties: number } {
  const { scores, alive } = segment;
  const bits = bitsOf(scores);
  const n = bits.length;
  const key = cut.key;
  const negativeInfinityKey = -2139095041; // NEG_INF_KEY and POS_INF_KEY as locals: V8 folds those
  const positiveInfinityKey = 2139095040;
  const kept = write === 'kept' ? 1 : 0;
  let left = ties;
  let taken = 0;
  let first = 0;
  const simd = n >= FLAGS_SIMD_MIN ? flagsSimd(bits, allAlive ? undefined : alive, key, ties, out, write) : undefined;
  if (simd !== undefined) {
    left = simd.ties;
    taken = simd.pruned;
    first = n & ~15;
  }
  for (let i = first; i < n; i++) {
    const b = bits[i] as number;
    let k = b ^ ((b >> 31) & 0x7fffffff);
    if (k === -1) k = 0;
    else if (k > positiveInfinityKey || k < negativeInfinityKey) k = negativeInfinityKey;
    const a = alive[i] as number;
    let p = a & +(k < key);
    if (k === key && a !== 0 && left > 0) {
      left--;
      p = 1;
    }
    out[i] = p ^ (a & kept); // p <= a, so a ^ p is "alive and not taken"
    taken += p;
  }
  return { pruned: taken, ties: left };
}
