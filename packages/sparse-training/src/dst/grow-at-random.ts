import type { Random } from '@sparse/core';
import { atLeast, type Scratch } from './scratch.js';

/**
 * SET's growth (internal): the first `k` of a partial Fisher–Yates shuffle of the candidates (the
 * ascending flat indices not in `kept`, `free` of them), drawn as `j = i + random.nextInt(free − i)`
 * for `i = 0 … k − 1`, written ascending to `out[0..k)`. The same draws, in the same order, and the
 * same result as shuffling the materialised candidate list, without materialising it: position
 * `p` of the untouched list is the `p`-th index not in `kept` (a short walk over `kept` from a
 * bucketed table), and the few positions a swap displaced are remembered in stamped scratch arrays.
 *
 * @param kept - the entries kept after the drop, ascending (`count` of them).
 */
export function growAtRandomInto(kept: Uint32Array, count: number, free: number, k: number, random: Random, scratch: Scratch, out: Uint32Array): void {
  if (scratch.stamps.length < free) {
    scratch.stamps = atLeast(scratch.stamps, free, (n) => new Uint32Array(n));
    scratch.displaced = new Uint32Array(scratch.stamps.length);
  }
  if (scratch.generation >= 0xfffffffe) {
    scratch.stamps.fill(0);
    scratch.generation = 0;
  }
  scratch.generation += 1;
  const { stamps, displaced, generation } = scratch;
  // Where to start looking: for every 2^shift-th candidate position, the number of kept entries
  // before it (about 8 kept entries between two such positions, so a lookup walks a few steps).
  const shift = Math.max(0, Math.min(12, Math.floor(Math.log2((8 * free) / Math.max(1, count)))));
  const buckets = (free >>> shift) + 1;
  scratch.indices = atLeast(scratch.indices, buckets, (n) => new Uint32Array(n));
  const start = scratch.indices;
  for (let b = 0, t = 0; b < buckets; b += 1) {
    const p = b << shift;
    while (t < count && (kept[t] as number) - t <= p) t += 1;
    start[b] = t;
  }
  /** The `p`-th (0-based) index not in `kept`: `p` plus the number of kept entries before it, those with `kept[t] − t ≤ p` (nondecreasing in `t`). */
  const candidate = (p: number): number => {
    let t = start[p >>> shift] as number;
    while (t < count && (kept[t] as number) - t <= p) t += 1;
    return p + t;
  };
  for (let i = 0; i < k; i += 1) {
    const j = i + random.nextInt(free - i);
    const atJ = stamps[j] === generation ? (displaced[j] as number) : candidate(j);
    if (j !== i) {
      // Position i is never read again; position j now holds what position i held.
      displaced[j] = stamps[i] === generation ? (displaced[i] as number) : candidate(i);
      stamps[j] = generation;
    }
    out[i] = atJ;
  }
  sortIndices(out, k, scratch);
}

/**
 * Sorts `list[0..n)` ascending (distinct flat indices, below 2³²) as `TypedArray.prototype.sort` would, by
 * a least-significant-digit radix sort on 11-bit digits through scratch buffers: a few linear passes
 * instead of a comparison sort (a SET update sorts thousands of grown indices per layer).
 */
function sortIndices(list: Uint32Array, n: number, scratch: Scratch): void {
  if (n < 64) {
    list.subarray(0, n).sort();
    return;
  }
  // The bucket table in `indices` is no longer needed; `kept` (the caller's) is not touched.
  scratch.indices = atLeast(scratch.indices, n, (size) => new Uint32Array(size));
  const counts = new Uint32Array(2048);
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, list[i] as number);
  let from = list;
  let to = scratch.indices;
  for (let shift = 0; shift < 32 && largest >>> shift > 0; shift += 11) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const digit = ((from[i] as number) >>> shift) & 2047;
      counts[digit] = (counts[digit] as number) + 1;
    }
    for (let d = 0, total = 0; d < 2048; d++) {
      const c = counts[d] as number;
      counts[d] = total;
      total += c;
    }
    for (let i = 0; i < n; i++) {
      const value = from[i] as number;
      const digit = (value >>> shift) & 2047;
      const at = counts[digit] as number;
      to[at] = value;
      counts[digit] = at + 1;
    }
    [from, to] = [to, from];
  }
  if (from !== list) list.set(from.subarray(0, n));
}
