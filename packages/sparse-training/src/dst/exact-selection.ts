/**
 * The value of rank `k` (0-based) of `values` in ascending order (no NaN); reorders `values`.
 * Hoare quickselect with a median-of-three pivot: linear time on average.
 *
 * @example
 * ```ts
 * import { kthSmallest } from '@sparse/sparse-training';
 *
 * console.log(kthSmallest(Float32Array.of(5, 1, 4, 1, 3), 2)); // 3
 * ```
 */
export function kthSmallest(values: Float32Array | Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const a = values[lo] as number;
    const b = values[(lo + hi) >>> 1] as number;
    const c = values[hi] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i += 1;
      while ((values[j] as number) > pivot) j -= 1;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k] as number;
  }
  return values[k] as number;
}

/**
 * The `k` candidates with the smallest scores, ties by lower flat index first (the exact-count
 * rule of spec §0: order by `(score ascending, flat index ascending)` and take exactly `k`), in
 * ascending index order. Linear time on average (a quickselect for the threshold, then one scan),
 * so a mask update of a 235,200-entry kernel costs a few milliseconds rather than a sort.
 *
 * @param candidates - flat indices, ascending.
 * @param scores - one score per candidate (same order), no NaN (map NaN to ±Infinity first).
 * @param k - how many to take, in `[0, candidates.length]`.
 *
 * @example
 * ```ts
 * import { smallestCandidates } from '@sparse/sparse-training';
 *
 * const picked = smallestCandidates(Uint32Array.of(2, 5, 7, 9), Float64Array.of(0.3, 0.1, 0.3, 0.9), 2);
 * console.log([...picked]); // [2, 5]: 0.1, then the first of the two 0.3s
 * ```
 */
export function smallestCandidates(candidates: Uint32Array, scores: Float64Array, k: number): Uint32Array {
  if (k === 0) return new Uint32Array(0);
  if (k >= candidates.length) return candidates.slice(0, k);
  const threshold = kthSmallest(scores.slice(), k - 1);
  const picker = thresholdPicker(k);
  for (let i = 0; i < scores.length; i += 1) picker.offer(candidates[i] as number, scores[i] as number, threshold);
  return picker.result();
}

/**
 * Collects, in one scan in ascending index order, the exact-count selection below a threshold
 * (the value of rank `k − 1`): every entry strictly below it, then the first entries equal to it
 * until there are `k`. Used where the candidates are not materialised (RigL's growth).
 *
 * @example
 * ```ts
 * import { thresholdPicker } from '@sparse/sparse-training';
 *
 * const picker = thresholdPicker(2);
 * [0.3, 0.1, 0.3].forEach((score, index) => picker.offer(index, score, 0.3));
 * console.log([...picker.result()]); // [0, 1]
 * ```
 */
export function thresholdPicker(k: number): { offer(index: number, score: number, threshold: number): void; result(): Uint32Array } {
  const below = new Uint32Array(k);
  const ties = new Uint32Array(k);
  let nBelow = 0;
  let nTies = 0;
  return {
    offer(index, score, threshold) {
      if (score < threshold) below[nBelow++] = index;
      else if (score === threshold && nTies < k) ties[nTies++] = index;
    },
    result() {
      const out = new Uint32Array(k);
      out.set(below.subarray(0, nBelow));
      out.set(ties.subarray(0, k - nBelow), nBelow);
      return out.sort();
    },
  };
}

/**
 * The exact-count selection of {@link smallestCandidates} into `out` (internal, allocation-free):
 * of the first `n` candidates (`indices`, ascending, with `scores`, no NaN), the `k` smallest by
 * (score, index), written ascending to `out[0..k)`. `work` (at least `n` long) is overwritten.
 * Instead of collecting the entries below the threshold and the ties apart and sorting them, it
 * counts the entries below the threshold first and then takes, in one ascending scan, those below
 * and the first `k − below` equal to it: the same set, already in order.
 */
export function selectSmallestInto(indices: Uint32Array, scores: Float32Array, n: number, k: number, work: Float32Array, out: Uint32Array): void {
  if (k === 0) return;
  if (k >= n) {
    out.set(indices.subarray(0, n));
    return;
  }
  work.set(scores.subarray(0, n));
  const threshold = kthSmallest(work.subarray(0, n), k - 1);
  let below = 0;
  for (let c = 0; c < n; c += 1) if ((scores[c] as number) < threshold) below += 1;
  let ties = k - below;
  for (let c = 0, o = 0; o < k; c += 1) {
    const s = scores[c] as number;
    if (s < threshold) out[o++] = indices[c] as number;
    else if (s === threshold && ties > 0) {
      out[o++] = indices[c] as number;
      ties -= 1;
    }
  }
}
