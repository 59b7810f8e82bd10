import { valueOfKey } from './score-keys.js';
import { countNaN, keyAtRank } from './cut.js';
import { checkCount, checkSegments, markCutOf, warnNaN } from './radix-select.js';
import { locateRank, takeCensus } from './sampled-select.js';
import type { SelectionOptions, SelectionSegment } from './selection-types.js';

export type { SelectionOptions, SelectionSegment } from './selection-types.js';

/**
 * The exact selection behind {@link pruneLowest} and {@link pruneLowestAcross}: locate the key
 * of the `count`-th lowest candidate (about one pass, `sampled-select.ts`), then one pass writes
 * the flags, pruning the candidates below that key and the first of those equal to it in
 * `(segment, index)` order.
 */
function selectExact(segments: readonly SelectionSegment[], count: number, options?: SelectionOptions): Uint8Array[] {
  checkCount(count);
  checkSegments(segments);
  if (count === 0) return segments.map((segment) => segment.alive.slice());
  const census = takeCensus(segments);
  const n = Math.min(count, census.alive);
  if (n === 0) return segments.map((segment) => segment.alive.slice());
  if (n === census.alive) {
    warnNaN(countNaN(segments), options);
    return segments.map((segment) => new Uint8Array(segment.alive.length));
  }
  const { key, below, nan } = locateRank(segments, n - 1, census);
  warnNaN(nan, options);
  const cut = { key, ties: n - below };
  let ties = cut.ties;
  return segments.map((segment, s) => {
    const keep = new Uint8Array(segment.alive.length);
    ties = markCutOf(segment, cut, ties, keep, 'kept', census.aliveBySegment[s] === segment.alive.length).ties;
    return keep;
  });
}

/**
 * Prunes exactly `count` of the alive elements: those with the lowest `(score, flat index)`.
 * Already-pruned elements are never candidates; `count` is clamped to `[0, alive]`; NaN scores
 * count as `-Infinity` (pruned first) and are reported through `options.onWarning`. Runs on the
 * CPU in about two passes over the scores (a sampled bracket of the cut, then the flags, both in
 * WebAssembly SIMD where available), without sorting or index arrays (timings:
 * `pnpm bench --only selection`, docs/performance.md).
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
 * smallest, found in about one pass without sorting.
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
