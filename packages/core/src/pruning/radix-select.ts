import { SparseError } from '../errors.js';
import { NEG_INF_KEY, POS_INF_KEY, bitsOf } from './score-keys.js';
import type { Cut, SelectionOptions, SelectionSegment } from './selection-types.js';

/**
 * Radix selection on order-preserving float keys (internal module): 16-bit histograms of the
 * keys of alive elements locate the k-th smallest in two passes, without sorting.
 */

/** Buckets of each radix pass (16 bits). */
export const BUCKETS = 65536;

/** First pass: histogram of the high 16 bits of alive keys, alive and NaN counts. */
export function highHistogram(segments: readonly SelectionSegment[]): { hist: Int32Array; alive: number; nan: number } {
  const hist = new Int32Array(BUCKETS);
  let nan = 0;
  for (const { scores, alive } of segments) {
    const bits = bitsOf(scores);
    const n = bits.length;
    for (let i = 0; i < n; i++) {
      const b = bits[i] as number;
      let k = b ^ ((b >> 31) & 0x7fffffff);
      if (k === -1) k = 0;
      else if (k > POS_INF_KEY || k < NEG_INF_KEY) {
        if (k !== NEG_INF_KEY) nan += alive[i] as number;
        k = NEG_INF_KEY;
      }
      const bucket = (k >> 16) + 32768;
      hist[bucket] = (hist[bucket] as number) + (alive[i] as number);
    }
  }
  let total = 0;
  for (let i = 0; i < BUCKETS; i++) total += hist[i] as number;
  return { hist, alive: total, nan };
}

/** Second pass: the exact key at ascending 0-based `rank` among alive keys, and how many are below it. */
export function keyAtRankFromHistogram(
  segments: readonly SelectionSegment[],
  hist: Int32Array,
  rank: number,
): { key: number; below: number } {
  let bucket = 0;
  let below = 0;
  for (; bucket < BUCKETS; bucket++) {
    const count = hist[bucket] as number;
    if (below + count > rank) break;
    below += count;
  }
  const high = bucket - 32768;
  const low = new Int32Array(BUCKETS);
  for (const { scores, alive } of segments) {
    const bits = bitsOf(scores);
    const n = bits.length;
    for (let i = 0; i < n; i++) {
      const b = bits[i] as number;
      let k = b ^ ((b >> 31) & 0x7fffffff);
      if (k === -1) k = 0;
      else if (k > POS_INF_KEY || k < NEG_INF_KEY) k = NEG_INF_KEY;
      if (k >> 16 === high) low[k & 0xffff] = (low[k & 0xffff] as number) + (alive[i] as number);
    }
  }
  let lowBucket = 0;
  for (; lowBucket < BUCKETS; lowBucket++) {
    const count = low[lowBucket] as number;
    if (below + count > rank) break;
    below += count;
  }
  return { key: (high << 16) | lowBucket, below };
}

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
 * How many alive elements of a segment a cut prunes, given the ties still available to it.
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
