import { SparseError, type Random } from '@sparse/core';
import { selectSmallestInto } from './exact-selection.js';
import { growAtRandomInto } from './grow-at-random.js';
import { largestMagnitudesInto } from './grow-by-magnitude.js';
import { recallMask, rememberMask } from './mask-memory.js';
import { atLeast, releaseScratch, takeScratch, type Scratch } from './scratch.js';

/**
 * How {@link dropAndGrow} picks the entries to grow: the largest `|values|` (RigL: the dense
 * gradient; ties by lower flat index; NaN last) or uniformly at random from a seeded generator (SET).
 *
 * @example
 * ```ts
 * import { Random } from '@sparse/core';
 * import type { GrowSelection } from '@sparse/sparse-training';
 *
 * const byGradient: GrowSelection = { by: 'magnitude', values: Float32Array.of(0.1, -2, 0.5) };
 * const atRandom: GrowSelection = { by: 'random', random: new Random(7) };
 * ```
 */
export type GrowSelection = { readonly by: 'magnitude'; readonly values: Float32Array } | { readonly by: 'random'; readonly random: Random };

/**
 * What {@link dropAndGrow} returns for one tensor.
 *
 * @example
 * ```ts
 * import type { DropGrowResult } from '@sparse/sparse-training';
 *
 * declare const result: DropGrowResult;
 * console.log(result.grown.length, result.dropped.length); // equal: the density is unchanged
 * ```
 */
export interface DropGrowResult {
  /** The new `0`/`1` mask (same number of ones as before). */
  readonly mask: Float32Array;
  /** Ascending flat indices whose mask went 0 → 1. */
  readonly grown: Uint32Array;
  /** Ascending flat indices whose mask went 1 → 0. */
  readonly dropped: Uint32Array;
}

/**
 * One exact-count drop-and-grow step on one tensor (spec F.3, exact-count rule of §0): drops the
 * `nDrop` active entries with the smallest `|w|` (ties by lower flat index; NaN weights first),
 * then grows `nDrop` entries among all those not kept after the drop (the just-dropped ones
 * included, as in RigL's `_get_update_op`, whose grow scores exclude only the kept entries) by
 * `grow`. An entry dropped and grown again stays active with its value and is in neither
 * `grown` nor `dropped`. The number of active entries is exactly unchanged.
 *
 * Deliberate difference from RigL's code: RigL adds N(0, 1e-5) noise to `|w|` to break ties and
 * ranks every entry (an inactive entry can then outrank an active weight that is exactly 0); we
 * rank only active entries and break ties by flat index, so the result is exact and
 * reproducible without noise.
 *
 * @param weights - the tensor's current values, flat.
 * @param mask - its current `0`/`1` mask, flat (not modified).
 * @param nDrop - entries to drop and grow, an integer in `[0, active]`.
 * @param grow - how grown entries are chosen.
 * @throws SparseError `E_ARGUMENT` for arrays of different lengths, a mask value other than 0 or
 *   1, or `nDrop` out of range.
 *
 * @example
 * ```ts
 * import { dropAndGrow } from '@sparse/sparse-training';
 *
 * const result = dropAndGrow(Float32Array.of(0.5, 0, -0.1, 0.3), Float32Array.of(1, 0, 1, 1), 1, { by: 'magnitude', values: Float32Array.of(0, 2, 0, 0) });
 * console.log([...result.mask], [...result.grown], [...result.dropped]); // [1, 1, 0, 1] [1] [2]
 * ```
 */
export function dropAndGrow(weights: Float32Array, mask: Float32Array, nDrop: number, grow: GrowSelection): DropGrowResult {
  return dropAndGrowCounted(weights, mask, () => nDrop, grow);
}

/**
 * {@link dropAndGrow} with the number to drop computed from the active count (one pass fewer for
 * callers that derive it from the active count, as the `set` and `rigl` rules do).
 *
 * @example
 * ```ts
 * import { dropAndGrowCounted } from '@sparse/sparse-training';
 * import { Random } from '@sparse/core';
 *
 * const result = dropAndGrowCounted(Float32Array.of(0.5, 0, -0.1, 0.3), Float32Array.of(1, 0, 1, 1), (active) => Math.floor(0.5 * active), { by: 'random', random: new Random(1) });
 * console.log(result.mask.reduce((a, b) => a + b, 0)); // 3
 * ```
 */
export function dropAndGrowCounted(weights: Float32Array, mask: Float32Array, dropCount: (active: number) => number, grow: GrowSelection): DropGrowResult {
  const size = mask.length;
  if (weights.length !== size || (grow.by === 'magnitude' && grow.values.length !== size)) {
    throw new SparseError('E_ARGUMENT', `dropAndGrow: weights (${weights.length}), mask (${size})${grow.by === 'magnitude' ? ` and grow values (${grow.values.length})` : ''} must have the same length.`, {
      field: 'weights',
      received: weights.length,
      allowed: [size],
    });
  }
  const scratch = takeScratch();
  try {
    return dropAndGrowWith(weights, mask, dropCount, grow, scratch);
  } finally {
    releaseScratch(scratch);
  }
}

/** The first entry of `mask` that is neither 0 nor 1, refused as before any work. */
function refuseMask(mask: Float32Array): never {
  for (let i = 0; i < mask.length; i += 1) {
    const m = mask[i] as number;
    if (m !== 1 && m !== 0) {
      throw new SparseError('E_ARGUMENT', `dropAndGrow: a mask holds only 0 and 1; element ${i} is ${String(m)}.`, { field: `mask[${i}]`, received: m, allowed: [0, 1] });
    }
  }
  throw new Error('dropAndGrow: unreachable (the mask check found a value other than 0 and 1)');
}

/**
 * The body of {@link dropAndGrowCounted} on reusable buffers. Its one pass over the whole mask
 * reads the float32 bits (an `Int32Array` view) and has no branch on the mask's scattered ones:
 * with `t = (b >>> 29) & 1` (1 for 1.0 = 0x3f800000, 0 for ±0), the value is valid exactly when
 * `b` is 0x3f800000 (t = 1) or ±0 (t = 0), and `t` is its active flag. A mask this step returned
 * before and gets back bit for bit unchanged skips even that pass (see `mask-memory.ts`).
 */
function dropAndGrowWith(weights: Float32Array, mask: Float32Array, dropCount: (active: number) => number, grow: GrowSelection, scratch: Scratch): DropGrowResult {
  const size = mask.length;
  scratch.indices2 = atLeast(scratch.indices2, size, (n) => new Uint32Array(n));
  const activeAll = scratch.indices2;
  let active = 0;
  // The mask this step returned last time, back unchanged: its active entries are known (and it holds only 0 and 1).
  const recalled = recallMask(mask);
  if (recalled !== undefined) {
    active = recalled.count;
    activeAll.set(recalled.active.subarray(0, active));
  } else {
    const bits = new Int32Array(mask.buffer, mask.byteOffset, size);
    let bad = 0;
    for (let i = 0; i < size; i += 1) {
      const b = bits[i] as number;
      const t = (b >>> 29) & 1;
      bad |= (b ^ (-t & 0x3f800000)) & (0x7fffffff | (t << 31));
      activeAll[active] = i;
      active += t;
    }
    if (bad !== 0) refuseMask(mask);
  }
  const nDrop = dropCount(active);
  if (!Number.isSafeInteger(nDrop) || nDrop < 0 || nDrop > active) {
    throw new SparseError('E_ARGUMENT', `dropAndGrow: nDrop must be an integer in [0, ${active}] (the active entries), got ${String(nDrop)}.`, { field: 'nDrop', received: nDrop, allowed: `[0, ${active}]` });
  }
  const next = mask.slice();
  if (nDrop === 0) {
    rememberMask(next, activeAll, active);
    return { mask: next, grown: new Uint32Array(0), dropped: new Uint32Array(0) };
  }

  // Drop: the nDrop active entries with the smallest |w| (NaN first), ties by lower index.
  scratch.scores = atLeast(scratch.scores, active, (n) => new Float32Array(n));
  scratch.work = atLeast(scratch.work, active, (n) => new Float32Array(n));
  const magnitudes = scratch.scores;
  for (let n = 0; n < active; n += 1) {
    const w = Math.abs(weights[activeAll[n] as number] as number);
    magnitudes[n] = w === w ? w : -Infinity;
  }
  const dropSelected = new Uint32Array(nDrop);
  selectSmallestInto(activeAll, magnitudes, active, nDrop, scratch.work, dropSelected);
  for (let d = 0; d < nDrop; d += 1) next[dropSelected[d] as number] = 0;

  // The kept entries, ascending: the active ones minus the dropped ones (both ascending), in place.
  let kept = 0;
  for (let n = 0, d = 0; n < active; n += 1) {
    const index = activeAll[n] as number;
    if (d < nDrop && dropSelected[d] === index) d += 1;
    else activeAll[kept++] = index;
  }
  // Grow nDrop among every entry not kept after the drop (inactive before, or just dropped).
  const free = size - active + nDrop;
  const chosen = new Uint32Array(nDrop);
  if (grow.by === 'magnitude') largestMagnitudesInto(grow.values, new Int32Array(next.buffer, next.byteOffset, size), free, nDrop, scratch, chosen);
  else growAtRandomInto(activeAll, kept, free, nDrop, grow.random, scratch, chosen);
  for (let c = 0; c < nDrop; c += 1) next[chosen[c] as number] = 1;
  // The new mask's active entries, ascending (the kept ones and the chosen ones, disjoint), remembered with it.
  scratch.indices = atLeast(scratch.indices, active, (n) => new Uint32Array(n));
  const after = scratch.indices;
  for (let n = 0, a = 0, c = 0; n < active; n += 1) {
    if (c >= nDrop || (a < kept && (activeAll[a] as number) < (chosen[c] as number))) after[n] = activeAll[a++] as number;
    else after[n] = chosen[c++] as number;
  }
  rememberMask(next, after, active);
  // Both selections are ascending: grown = chosen entries inactive before; dropped = dropped entries not regrown.
  return { mask: next, grown: entriesWhereZero(chosen, mask), dropped: entriesWhereZero(dropSelected, next) };
}

/** The entries of `indices` (ascending) where `values` is 0 (±0), in order: `indices.filter((i) => values[i] === 0)` without a callback per entry. */
function entriesWhereZero(indices: Uint32Array, values: Float32Array): Uint32Array {
  let count = 0;
  for (let c = 0; c < indices.length; c += 1) if (values[indices[c] as number] === 0) count += 1;
  const out = new Uint32Array(count);
  for (let c = 0, o = 0; o < count; c += 1) {
    const index = indices[c] as number;
    if (values[index] === 0) out[o++] = index;
  }
  return out;
}
