/**
 * A prototype of a one-pass k-th smallest selection, to show what the hardware allows (it is not
 * library code): sample 16,384 values, bracket the target rank between two sample quantiles
 * about four standard deviations apart, then one branch-free pass counts the values below the
 * bracket and copies the ~2 % inside it; a quickselect over that copy finishes. When the bracket
 * misses (probability < 1e-4) it falls back to sorting a copy. Non-negative values only (NaN
 * sorts last).
 */

/**
 * The value at ascending 0-based `rank` of `values`, for non-negative values (magnitudes): their
 * float32 bit patterns then order like int32s, so the pass compares integers without branches.
 */
export function kthSmallestSampled(values: Float32Array, rank: number, seed = 1): number {
  const n = values.length;
  if (rank < 0 || rank >= n) throw new RangeError(`rank ${rank} outside [0, ${n})`);
  const bits = new Int32Array(values.buffer, values.byteOffset, n);
  const size = Math.min(n, 1 << 14);
  const sample = new Int32Array(size);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    sample[i] = bits[(state >>> 0) % n] as number;
  }
  sample.sort();
  const q = (rank + 0.5) / n;
  const margin = 4 * Math.sqrt((q * (1 - q)) / size) + 2 / size;
  const lo = sample[Math.max(0, Math.floor((q - margin) * size))] as number;
  const hi = sample[Math.min(size - 1, Math.ceil((q + margin) * size))] as number;
  const capacity = Math.ceil(n * Math.min(1, 3 * margin)) + 1024;
  const inside = new Int32Array(capacity);
  const width = (hi - lo) >>> 0;
  let below = 0;
  let count = 0;
  if (lo >= 0) {
    for (let i = 0; i < n; i++) {
      const d = (bits[i] as number) - lo; // |d| < 2^31 for non-negative float bit patterns
      below += d >>> 31;
      if (d >>> 0 <= width) {
        if (count < capacity) inside[count] = bits[i] as number;
        count++;
      }
    }
  }
  if (lo < 0 || count > capacity || rank < below || rank >= below + count) {
    const sorted = values.slice().sort();
    return sorted[rank] as number;
  }
  const key = quickselect(inside.subarray(0, count), rank - below);
  return new Float32Array(Int32Array.of(key).buffer)[0] as number;
}

/** Hoare quickselect (median of three), in place. */
function quickselect(a: Int32Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    const x = a[left] as number;
    const y = a[mid] as number;
    const z = a[right] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

/** One read of the data (a sum), the physical floor of any selection. */
export function readOnce(values: Float32Array): number {
  let a = 0;
  let b = 0;
  const n = values.length - (values.length % 2);
  for (let i = 0; i < n; i += 2) {
    a += values[i] as number;
    b += values[i + 1] as number;
  }
  return a + b + (n < values.length ? (values[n] as number) : 0);
}
