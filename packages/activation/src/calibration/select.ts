import { SparseError } from '@sparse/core';

type Numbers = Float32Array | Float64Array;

function swap(a: Numbers, i: number, j: number): void {
  const tmp = a[i] as number;
  a[i] = a[j] as number;
  a[j] = tmp;
}

/**
 * Rearranges `a` so that `a[k]` (zero-based) holds the value it would have if `a` were sorted
 * ascending, with no larger value before it and no smaller value after it (introselect: quickselect
 * with a median-of-three pivot, falling back to a full sort after too many rounds, so the worst
 * case stays O(n log n)). Returns `a[k]`.
 */
function selectInPlace(a: Numbers, k: number): number {
  let left = 0;
  let right = a.length - 1;
  let budget = 2 * Math.ceil(Math.log2(a.length + 1)) + 8;
  while (right > left) {
    if (budget-- <= 0) {
      const rest = a.subarray(left, right + 1).sort();
      return rest[k - left] as number;
    }
    const mid = (left + right) >>> 1;
    if ((a[mid] as number) < (a[left] as number)) swap(a, mid, left);
    if ((a[right] as number) < (a[left] as number)) swap(a, right, left);
    if ((a[right] as number) < (a[mid] as number)) swap(a, right, mid);
    const pivot = a[mid] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((a[i] as number) < pivot) i += 1;
      while ((a[j] as number) > pivot) j -= 1;
      if (i <= j) {
        swap(a, i, j);
        i += 1;
        j -= 1;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

/**
 * The `k`-th smallest value (1-based) of `values`, by selection in expected O(n) time on a copy.
 * NaN is not allowed.
 *
 * @param values - the values; not modified.
 * @param k - a rank in `[1, values.length]`.
 * @throws SparseError `E_ARGUMENT` when `k` is out of range.
 *
 * @example
 * ```ts
 * import { kthSmallest } from '@sparse/activation';
 *
 * kthSmallest(new Float32Array([5, 1, 4, 2, 3]), 2); // 2
 * ```
 */
export function kthSmallest(values: ArrayLike<number>, k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > values.length) {
    throw new SparseError('E_ARGUMENT', `k must be an integer in [1, ${values.length}], got ${k}.`, {
      field: 'k',
      received: k,
      allowed: `[1, ${values.length}]`,
    });
  }
  const copy = values instanceof Float32Array ? Float32Array.from(values) : Float64Array.from(values);
  return selectInPlace(copy, k - 1);
}
