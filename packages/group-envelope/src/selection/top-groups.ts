import * as tf from '@tensorflow/tfjs-core';
import { SparseError, type MaskSet, type NamedParameter } from '@sparse/core';
import type { GroupSet, ResolvedGroups } from '../groups/group-layout.js';
import type { ResolvedTarget } from '../regularizer/k-target.js';

/**
 * Keeps exactly `k` of the scores: the highest, ties broken towards the lower index (spec §0:
 * order by `(score ascending, index ascending)` and prune the first `m − k`). NaN counts as `-∞`.
 *
 * @returns `1` for kept, `0` for pruned.
 * @throws SparseError `E_ARGUMENT` unless `0 ≤ k ≤ scores.length`.
 *
 * @example
 * ```ts
 * import { keepTopK } from '@sparse/group-envelope';
 *
 * console.log(Array.from(keepTopK([0.5, 2, 0.5, 1], 2))); // [0, 1, 0, 1]
 * console.log(Array.from(keepTopK([1, 1, 1], 2)));        // [0, 1, 1]: ties prune the lower index first
 * ```
 */
export function keepTopK(scores: ArrayLike<number>, k: number): Uint8Array {
  const m = scores.length;
  if (!Number.isInteger(k) || k < 0 || k > m) {
    throw new SparseError('E_ARGUMENT', `keepTopK: k must be an integer in [0, ${m}]; got ${String(k)}.`, { field: 'k', received: k, allowed: `[0, ${m}]` });
  }
  const key = (i: number): number => {
    const s = scores[i] as number;
    return Number.isNaN(s) ? Number.NEGATIVE_INFINITY : s;
  };
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => key(a) - key(b) || a - b);
  const keep = new Uint8Array(m).fill(1);
  for (let i = 0; i < m - k; i++) keep[order[i] as number] = 0;
  return keep;
}

/**
 * What a hard selection kept, per set of groups.
 *
 * @example
 * ```ts
 * import type { SetSelection } from '@sparse/group-envelope';
 *
 * const line = (s: SetSelection) => `${s.name}: kept ${s.kept} of ${s.groups}`;
 * ```
 */
export interface SetSelection {
  readonly name: string;
  /** Groups in the set. */
  readonly groups: number;
  /** Groups kept (exactly the target with `layerwise` scope). */
  readonly kept: number;
  /** `1` for each kept group, `0` for each removed one, in group order. */
  readonly keep: Uint8Array;
}

/**
 * A hard top-k selection of groups: masks for every grouped parameter (`1` kept, `0` removed;
 * elements in no group are `1`) and what each set kept. The caller owns the mask tensors.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { GroupSelection } from '@sparse/group-envelope';
 *
 * declare const selection: GroupSelection;
 * console.log(selection.sets.map((s) => `${s.name} ${s.kept}/${s.groups}`));
 * tf.dispose([...selection.masks.values()]);
 * ```
 */
export interface GroupSelection {
  readonly masks: MaskSet;
  readonly sets: readonly SetSelection[];
}

/**
 * Selects the top-k groups by Euclidean norm (per set, or over all sets with `global` scope)
 * given the norms, and builds the masks.
 *
 * @internal
 */
export function buildSelection(groups: ResolvedGroups, norms: readonly Float64Array[], target: ResolvedTarget): GroupSelection {
  let keeps: Uint8Array[];
  if (target.scope === 'global') {
    const all = new Float64Array(groups.totalGroups);
    let offset = 0;
    for (const n of norms) {
      all.set(n, offset);
      offset += n.length;
    }
    const keep = keepTopK(all, target.k);
    offset = 0;
    keeps = norms.map((n) => {
      const part = keep.slice(offset, offset + n.length);
      offset += n.length;
      return part;
    });
  } else {
    keeps = norms.map((n, s) => keepTopK(n, target.perSet[s] ?? n.length));
  }
  const buffers = new Map<NamedParameter, Float32Array>();
  groups.sets.forEach((set, s) => writeMask(set, keeps[s] ?? new Uint8Array(set.count).fill(1), buffers));
  const masks = new Map<string, tf.Tensor>();
  for (const [parameter, buffer] of buffers) masks.set(parameter.name, tf.tensor(buffer, parameter.variable.shape, 'float32'));
  const sets = groups.sets.map((set, s) => {
    const keep = keeps[s] ?? new Uint8Array(set.count).fill(1);
    return { name: set.name, groups: set.count, kept: keep.reduce((a, b) => a + b, 0), keep };
  });
  return { masks, sets };
}

function writeMask(set: GroupSet, keep: Uint8Array, buffers: Map<NamedParameter, Float32Array>): void {
  for (const { parameter, outer, axis, inner, groupOf } of set.members) {
    let buffer = buffers.get(parameter);
    if (buffer === undefined) {
      buffer = new Float32Array(outer * axis * inner).fill(1);
      buffers.set(parameter, buffer);
    }
    let e = 0;
    for (let o = 0; o < outer; o++) {
      for (let a = 0; a < axis; a++) {
        const g = groupOf[a] as number;
        if (g >= 0 && keep[g] === 0) buffer.fill(0, e, e + inner);
        e += inner;
      }
    }
  }
}
