import { kthSmallest, selectSmallestInto } from './exact-selection.js';
import { atLeast, releaseScratch, takeScratch, type Scratch } from './scratch.js';

/** Below this many candidates, or when k is a large share of them, one quickselect over all is as fast. */
const SMALL = 8192;
const SAMPLE = 4096;

/** Scores −|v| (NaN last: +∞), exact in float32 like the values. */
function score(value: number): number {
  const s = -Math.abs(value);
  return s === s ? s : Infinity;
}

/**
 * Every candidate (`open` bits with `(b & 0x7fffffff) === 0`, i.e. `open[i] === 0`) with its score,
 * ascending, into the scratch lists; returns how many. Branch-free on the mask, whose ones are scattered.
 */
function allCandidates(values: Float32Array, open: Int32Array, scratch: Scratch): number {
  const { indices, scores } = scratch;
  let c = 0;
  for (let i = 0; i < open.length; i += 1) {
    indices[c] = i;
    scores[c] = score(values[i] as number);
    c += (((open[i] as number) & 0x7fffffff) - 1) >>> 31;
  }
  return c;
}

/**
 * The growth selection of {@link largestMagnitudes} into `out[0..k)` (internal, allocation-free
 * apart from grown scratch buffers): `open` is the after-drop mask's bits (an `Int32Array` view of
 * its float32 values). Exact whatever the threshold estimate: the scan keeps every candidate whose
 * score is at most the estimate, so when it keeps at least `k` of them the `k` smallest of all are
 * among them; otherwise every candidate is ranked.
 */
export function largestMagnitudesInto(values: Float32Array, open: Int32Array, free: number, k: number, scratch: Scratch, out: Uint32Array): void {
  const size = open.length;
  scratch.indices = atLeast(scratch.indices, size, (n) => new Uint32Array(n));
  scratch.scores = atLeast(scratch.scores, size, (n) => new Float32Array(n));
  scratch.work = atLeast(scratch.work, size, (n) => new Float32Array(n));
  let n = -1;
  if (free >= SMALL && k * 8 <= free) {
    // Strided sample of the candidates' scores (in `work`, free until the selection).
    const sample = scratch.work;
    let m = 0;
    const stride = size / SAMPLE;
    for (let j = 0; j < SAMPLE; j += 1) {
      const i = Math.floor(j * stride);
      if (((open[i] as number) & 0x7fffffff) === 0) sample[m++] = score(values[i] as number);
    }
    if (m >= 256) {
      const q = k / free;
      // Rank well beyond the expected position of the k-th score (4 standard deviations plus a margin).
      const rank = Math.min(m - 1, Math.ceil((q + 4 * Math.sqrt((q * (1 - q)) / m) + 8 / m) * m));
      const estimate = kthSmallest(sample.subarray(0, m), rank);
      const { indices, scores } = scratch;
      let c = 0;
      for (let i = 0; i < size; i += 1) {
        const s = -Math.abs(values[i] as number); // NaN fails the test: NaN ranks last, needed only if fewer than k are kept
        if (s <= estimate) {
          indices[c] = i;
          scores[c] = s;
          c += (((open[i] as number) & 0x7fffffff) - 1) >>> 31;
        }
      }
      if (c >= k) n = c;
    }
  }
  if (n < 0) n = allCandidates(values, open, scratch);
  selectSmallestInto(scratch.indices, scratch.scores, n, k, scratch.work, out);
}

/**
 * The `k` entries with `open[i] === 0` and the largest `|values[i]|` (ties by lower flat index,
 * NaN last), ascending: RigL's growth. Exact, and faster than a quickselect over every candidate
 * when `k` is a small share of them (RigL drops at most 30% of a layer's few active weights, and
 * the candidates are nearly the whole kernel): a strided sample estimates a threshold safely
 * beyond rank `k`, one scan keeps the candidates at or above it, and the exact selection runs on
 * those; if the estimate keeps fewer than `k`, it ranks every candidate.
 *
 * @param values - the dense gradient (any float32 scores; their magnitudes rank).
 * @param open - the mask after the drop: entries equal to 0 are the candidates.
 * @param free - how many entries of `open` are 0.
 * @param k - how many to pick, in `[1, free]`.
 *
 * @example
 * ```ts
 * import { largestMagnitudes } from '@sparse/sparse-training';
 *
 * console.log([...largestMagnitudes(Float32Array.of(3, -9, 1, 9), Float32Array.of(0, 0, 1, 0), 3, 2)]); // [1, 3]
 * ```
 */
export function largestMagnitudes(values: Float32Array, open: Float32Array, free: number, k: number): Uint32Array {
  const out = new Uint32Array(k);
  const scratch = takeScratch();
  try {
    largestMagnitudesInto(values, new Int32Array(open.buffer, open.byteOffset, open.length), free, k, scratch, out);
  } finally {
    releaseScratch(scratch);
  }
  return out;
}
