import { NEG_INF_KEY, POS_INF_KEY, bitsOf, valueOfKey } from './score-keys.js';
import { BUCKETS, checkCount, checkSegments, highHistogram, keyAtRank, warnNaN } from './radix-select.js';
import type { SelectionOptions, SelectionSegment } from './selection-types.js';

export type { SelectionOptions, SelectionSegment } from './selection-types.js';

/**
 * The exact selection behind {@link pruneLowest} and {@link pruneLowestAcross}: pass 1 builds the
 * histogram of high key bits; pass 2 decides every element outside the boundary bucket, builds
 * the low-bits histogram of the boundary bucket and lists its elements; a last loop over that
 * (usually tiny) list settles the boundary in `(segment, index)` order.
 */
function selectExact(segments: readonly SelectionSegment[], count: number, options?: SelectionOptions): Uint8Array[] {
  checkCount(count);
  checkSegments(segments);
  if (count === 0) return segments.map((segment) => segment.alive.slice());
  const { hist, alive, nan } = highHistogram(segments);
  const n = Math.min(count, alive);
  if (n === 0) return segments.map((segment) => segment.alive.slice());
  warnNaN(nan, options);
  if (n === alive) return segments.map((segment) => new Uint8Array(segment.alive.length));

  let bucket = 0;
  let below = 0;
  for (; bucket < BUCKETS; bucket++) {
    const c = hist[bucket] as number;
    if (below + c > n - 1) break;
    below += c;
  }
  const high = bucket - 32768;
  const boundary = new Int32Array(hist[bucket] as number);
  const boundaryEnds: number[] = [];
  const low = new Int32Array(BUCKETS);
  let listed = 0;
  const keeps = segments.map(({ scores, alive: flags }) => {
    const bits = bitsOf(scores);
    const length = bits.length;
    const keep = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const b = bits[i] as number;
      let k = b ^ ((b >> 31) & 0x7fffffff);
      if (k === -1) k = 0;
      else if (k > POS_INF_KEY || k < NEG_INF_KEY) k = NEG_INF_KEY;
      const h = k >> 16;
      const a = flags[i] as number;
      if (h === high) {
        if (a !== 0) {
          low[k & 0xffff] = (low[k & 0xffff] as number) + 1;
          boundary[listed++] = i;
        }
        continue;
      }
      keep[i] = a & +(h > high);
    }
    boundaryEnds.push(listed);
    return keep;
  });

  let lowBucket = 0;
  for (; lowBucket < BUCKETS; lowBucket++) {
    const c = low[lowBucket] as number;
    if (below + c > n - 1) break;
    below += c;
  }
  const threshold = (high << 16) | lowBucket;
  let ties = n - below;
  let start = 0;
  for (const [s, keep] of keeps.entries()) {
    const bits = bitsOf((segments[s] as SelectionSegment).scores);
    const end = boundaryEnds[s] as number;
    for (let j = start; j < end; j++) {
      const i = boundary[j] as number;
      const b = bits[i] as number;
      let k = b ^ ((b >> 31) & 0x7fffffff);
      if (k === -1) k = 0;
      else if (k > POS_INF_KEY || k < NEG_INF_KEY) k = NEG_INF_KEY;
      if (k > threshold) keep[i] = 1;
      else if (k === threshold) {
        if (ties > 0) ties--;
        else keep[i] = 1;
      }
    }
    start = end;
  }
  return keeps;
}

/**
 * Prunes exactly `count` of the alive elements: those with the lowest `(score, flat index)`.
 * Already-pruned elements are never candidates; `count` is clamped to `[0, alive]`; NaN scores
 * count as `-Infinity` (pruned first) and are reported through `options.onWarning`. Runs on the
 * CPU in two passes of a 16-bit radix select on order-preserving keys, without sorting or index
 * arrays (see `packages/core/bench/selection.bench.ts` for timings).
 *
 * @param scores - one score per element; higher is kept.
 * @param alive - `1` where the element is alive, `0` where it is already pruned.
 * @param count - how many alive elements to prune.
 * @returns the new alive flags (`1` kept), a fresh array; inputs are not modified.
 * @throws SparseError `E_ARGUMENT` when `count` is not a non-negative integer or lengths differ.
 *
 * @example
 * ```ts
 * import { pruneLowest } from '@sparse/core';
 *
 * const keep = pruneLowest(Float32Array.of(0.5, 0.1, 0.1, 0.9), Uint8Array.of(1, 1, 1, 1), 2);
 * console.log([...keep]); // [1, 0, 0, 1]
 * ```
 */
export function pruneLowest(
  scores: Float32Array,
  alive: Uint8Array,
  count: number,
  options?: SelectionOptions,
): Uint8Array {
  return selectExact([{ scores, alive }], count, options)[0] as Uint8Array;
}

/**
 * Prunes exactly `count` alive elements across several tensors with one ranking: the lowest by
 * `(score, segment order, flat index)`. The global counterpart of {@link pruneLowest}, with the
 * same rules for NaN, pruned elements and clamping, and without concatenating the tensors.
 *
 * @returns the new alive flags of each segment, in order.
 *
 * @example
 * ```ts
 * import { pruneLowestAcross } from '@sparse/core';
 *
 * const [a, b] = pruneLowestAcross(
 *   [
 *     { scores: Float32Array.of(0.2, 0.9), alive: Uint8Array.of(1, 1) },
 *     { scores: Float32Array.of(0.2, 0.1), alive: Uint8Array.of(1, 1) },
 *   ],
 *   2,
 * );
 * console.log([...a!], [...b!]); // [0, 1] [1, 0]: 0.1, then the first 0.2 by segment order
 * ```
 */
export function pruneLowestAcross(
  segments: readonly SelectionSegment[],
  count: number,
  options?: SelectionOptions,
): Uint8Array[] {
  return selectExact(segments, count, options);
}

/**
 * The float32 score at ascending 0-based `rank` among the alive scores of a pool (NaN counting as
 * `-Infinity`), or `undefined` when the pool has no more than `rank` alive elements: the k-th
 * smallest, found by radix select without sorting.
 *
 * @example
 * ```ts
 * import { valueAtRank } from '@sparse/core';
 *
 * const pool = [{ scores: Float32Array.of(5, 1, 3, 9), alive: Uint8Array.of(1, 1, 0, 1) }];
 * console.log(valueAtRank(pool, 1)); // 5 (alive scores sorted: 1, 5, 9)
 * ```
 */
export function valueAtRank(segments: readonly SelectionSegment[], rank: number): number | undefined {
  const key = keyAtRank(segments, rank);
  return key === undefined ? undefined : valueOfKey(key);
}
