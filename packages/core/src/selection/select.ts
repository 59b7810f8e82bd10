import { SparseError } from '../errors.js';
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
function selectExact(segments: readonly SelectionSegment[], count: number, options?: SelectionOptions, into?: readonly Uint8Array[]): Uint8Array[] {
  checkCount(count);
  checkSegments(segments);
  // each segment's output: the caller's array (which may be its alive flags) or a fresh one
  const output = (s: number, length: number): Uint8Array => into?.[s] ?? new Uint8Array(length);
  const copyAlive = (): Uint8Array[] =>
    segments.map((segment, s) => {
      const target = into?.[s];
      if (target === undefined) return segment.alive.slice();
      if (target !== segment.alive) target.set(segment.alive);
      return target;
    });
  if (count === 0) return copyAlive();
  const census = takeCensus(segments);
  const n = Math.min(count, census.alive);
  if (n === 0) return copyAlive();
  if (n === census.alive) {
    warnNaN(countNaN(segments), options);
    return segments.map((segment, s) => (into?.[s]?.fill(0) ?? new Uint8Array(segment.alive.length)));
  }
  const { key, below, nan } = locateRank(segments, n - 1, census);
  warnNaN(nan, options);
  const cut = { key, ties: n - below };
  let ties = cut.ties;
  // the flags pass reads each alive flag before it writes the same element's output, so `into` may be the alive flags
  return segments.map((segment, s) => {
    const keep = output(s, segment.alive.length);
    ties = markCutOf(segment, cut, ties, keep, 'kept', census.aliveBySegment[s] === segment.alive.length).ties;
    return keep;
  });
}

/**
 * Options of {@link pruneLowest}: {@link SelectionOptions} and where to write the result.
 *
 * @example
 * ```ts
 * import { pruneLowest, type PruneLowestOptions } from '@sparse/core';
 *
 * const alive = Uint8Array.of(1, 1, 1, 1);
 * const options: PruneLowestOptions = { into: alive }; // update the flags in place
 * pruneLowest(Float32Array.of(0.5, 0.1, 0.2, 0.9), alive, 2, options);
 * console.log([...alive]); // [1, 0, 0, 1]
 * ```
 */
export interface PruneLowestOptions extends SelectionOptions {
  /**
   * An array of the scores' length to write the new flags into and return, instead of a fresh
   * one; it may be `alive` itself, which is then updated in place (but not another view that
   * overlaps `alive` at an offset). Reusing one array across
   * rounds saves allocating (and first touching) a new array per call.
   */
  readonly into?: Uint8Array;
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
 * @param options - warnings, and `into`: an array to write the result into (may be `alive`).
 * @returns the new alive flags (`1` kept): `options.into` when given, else a fresh array; the
 * inputs are not modified unless `into` is one of them.
 * @throws SparseError `E_ARGUMENT` when `count` is not a non-negative integer or lengths differ
 * (`into` included), before anything is written.
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
  options?: PruneLowestOptions,
): Uint8Array {
  const into = options?.into;
  if (into !== undefined && into.length !== scores.length) {
    throw new SparseError('E_ARGUMENT', `pruneLowest: options.into has ${into.length} elements, the scores ${scores.length}; give an array of the scores' length (or alive itself).`, {
      field: 'into',
      received: into.length,
      allowed: [scores.length],
    });
  }
  return selectExact([{ scores, alive }], count, options, into === undefined ? undefined : [into])[0] as Uint8Array;
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
