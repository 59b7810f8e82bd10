import { SparseError } from '../errors.js';
import { checkCount, checkSegments, warnNaN } from './radix-select.js';
import { locateRank, takeCensus } from './sampled-select.js';
import { NEG_INF_KEY, POS_INF_KEY } from './score-keys.js';
import type { Cut, SelectionOptions, SelectionSegment } from './selection-types.js';

/**
 * Cuts through a selection pool (internal module): where the `count` lowest candidates end, and
 * the key at a rank, both exact, in about one pass over the scores (see `sampled-select.ts`).
 */

/**
 * Finds the cut that prunes exactly `count` candidates of the pool, the lowest by
 * `(score, segment order, flat index)`. `count` is clamped to `[0, alive]`. About one pass over
 * the scores (see `sampled-select.ts`), no sorting and no index arrays.
 */
export function findCut(
  segments: readonly SelectionSegment[],
  count: number,
  options?: SelectionOptions,
): { cut: Cut; alive: number; count: number } {
  checkCount(count);
  checkSegments(segments);
  if (count === 0) return { cut: { key: NEG_INF_KEY, ties: 0 }, alive: -1, count: 0 };
  const census = takeCensus(segments);
  const n = Math.min(count, census.alive);
  if (n === 0) return { cut: { key: NEG_INF_KEY, ties: 0 }, alive: census.alive, count: 0 };
  if (n === census.alive) {
    warnNaN(countNaN(segments), options);
    return { cut: { key: POS_INF_KEY, ties: n }, alive: n, count: n };
  }
  const { key, below, nan } = locateRank(segments, n - 1, census);
  warnNaN(nan, options);
  return { cut: { key, ties: n - below }, alive: census.alive, count: n };
}

/**
 * The key at ascending 0-based `rank` among the pool's alive scores (NaN as `-Infinity`), or
 * `undefined` when the pool has no more than `rank` alive elements.
 */
export function keyAtRank(segments: readonly SelectionSegment[], rank: number): number | undefined {
  if (!Number.isInteger(rank)) {
    throw new SparseError('E_ARGUMENT', `rank must be an integer, got ${rank}.`, { field: 'rank', received: rank, allowed: 'integers' });
  }
  const census = takeCensus(segments);
  if (rank < 0 || rank >= census.alive) return undefined;
  return locateRank(segments, rank, census).key;
}

/** Alive NaN scores of a pool. */
export function countNaN(segments: readonly SelectionSegment[]): number {
  let nan = 0;
  for (const { scores, alive } of segments) {
    for (let i = 0; i < scores.length; i++) if (Number.isNaN(scores[i])) nan += alive[i] as number;
  }
  return nan;
}
