import { NEG_INF_KEY, POS_INF_KEY, bitsOf } from './score-keys.js';
import { RadixSelect } from './radix-select.js';
import type { SelectionSegment } from './selection-types.js';
import { bracketSimd } from './bracket-simd.js';

/**
 * Exact rank selection in about one pass over the scores (internal module).
 *
 * A seeded sample of the alive keys brackets the wanted rank between two sample quantiles about
 * four standard errors apart; one pass then counts the alive keys below the bracket and copies the
 * few (about 2 %) inside it; a quickselect over that copy finishes. The answer is exact whatever
 * the sample: when the bracket misses the rank (probability below 1e-4) or the copy overflows,
 * the two-pass radix select of `radix-select.ts` answers instead. Pools with few alive elements
 * are first gathered into one dense segment; small pools go straight to the radix select.
 */

/** Where a rank sits: its key, the alive keys strictly below it, and the alive NaN scores seen. */
export interface RankLocation {
  readonly key: number;
  readonly below: number;
  readonly nan: number;
}

/** Alive counts of a pool, per segment and in total. */
export interface PoolCensus {
  readonly alive: number;
  readonly aliveBySegment: readonly number[];
}

/** Knobs for tests; the defaults are what the library uses. */
export interface SampledSelectTuning {
  /** Pools with fewer elements use the radix select. */
  readonly minPool?: number;
  /** Sample draws over the pool. */
  readonly sampleSize?: number;
  /** Seed of the sample (any seed gives the same, exact answer). */
  readonly seed?: number;
  /** Half-width of the bracket in standard errors of the sample quantile (0 makes it miss often). */
  readonly standardErrors?: number;
}

const DEFAULTS = { minPool: 1 << 16, sampleSize: 1 << 14, seed: 0x9e3779b9, standardErrors: 4 } as const;
/** All-alive segments of at least this many scores take the WebAssembly SIMD pass (`bracket-simd.ts`). */
const SIMD_MIN_SCORES = 1 << 12;
/** Below this alive fraction, alive keys are gathered into one dense segment first. */
const GATHER_BELOW = 1 / 8;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/** Number of `1`s in a flag array of `0`s and `1`s, four flags per read. */
export function countAlive(alive: Uint8Array): number {
  const head = Math.min(alive.length, (4 - (alive.byteOffset & 3)) & 3);
  let total = 0;
  for (let i = 0; i < head; i++) total += alive[i] as number;
  const words = (alive.length - head) >>> 2;
  const view = words === 0 ? new Uint32Array(0) : new Uint32Array(alive.buffer, alive.byteOffset + head, words);
  for (let start = 0; start < words; start += 255) {
    // Each byte lane holds at most 255 ones before it could carry into its neighbour.
    const end = Math.min(words, start + 255);
    let lanes = 0;
    for (let w = start; w < end; w++) lanes = (lanes + (view[w] as number)) >>> 0;
    total += (lanes & 0xff) + ((lanes >>> 8) & 0xff) + ((lanes >>> 16) & 0xff) + (lanes >>> 24);
  }
  for (let i = head + words * 4; i < alive.length; i++) total += alive[i] as number;
  return total;
}

/** Counts the alive flags of every segment. */
export function takeCensus(segments: readonly SelectionSegment[]): PoolCensus {
  const aliveBySegment = segments.map((segment) => countAlive(segment.alive));
  return { alive: aliveBySegment.reduce((a, b) => a + b, 0), aliveBySegment };
}

/**
 * The key at ascending 0-based `rank` among the pool's alive keys (NaN as `-Infinity`, `-0` as
 * `+0`), how many alive keys are strictly below it, and how many alive scores are NaN.
 * Requires `0 <= rank < census.alive`.
 */
export function locateRank(
  segments: readonly SelectionSegment[],
  rank: number,
  census: PoolCensus,
  tuning: SampledSelectTuning = {},
): RankLocation {
  const { minPool, sampleSize, seed, standardErrors } = { ...DEFAULTS, ...tuning };
  const size = segments.reduce((sum, segment) => sum + segment.scores.length, 0);
  if (size < minPool || census.alive === 0) return radixLocate(segments, rank);
  if (census.alive < size * GATHER_BELOW) {
    const { dense, nan } = gatherAlive(segments, census.alive);
    const located = locateRank([dense], rank, { alive: census.alive, aliveBySegment: [census.alive] }, tuning);
    return { ...located, nan };
  }
  const sample = sampleAliveKeys(segments, size, sampleSize, seed);
  if (sample.length === 0) return radixLocate(segments, rank);
  const m = sample.length;
  const q = (rank + 0.5) / census.alive;
  const margin = standardErrors * Math.sqrt((q * (1 - q)) / m) + 2 / m;
  const lowIndex = Math.floor((q - margin) * m);
  const highIndex = Math.ceil((q + margin) * m);
  const lo = lowIndex < 0 ? INT32_MIN : (sample[lowIndex] as number);
  const hi = highIndex >= m ? INT32_MAX : (sample[highIndex] as number);
  const expected = Math.min(1, Math.max(0, (highIndex - lowIndex) / m));
  const capacity = Math.min(census.alive, Math.ceil(census.alive * Math.min(1, 1.5 * expected)) + 1024);
  const pass = bracketPass(segments, census, lo, hi, capacity);
  if (pass === undefined || rank < pass.below || rank >= pass.below + pass.count) return radixLocate(segments, rank);
  const inside = pass.inside.subarray(0, pass.count);
  const key = quickselect(inside, rank - pass.below);
  let below = pass.below;
  for (let i = 0; i < inside.length; i++) below += +((inside[i] as number) < key);
  return { key, below, nan: pass.nan };
}

/** The two-pass radix select, exact for any pool. */
function radixLocate(segments: readonly SelectionSegment[], rank: number): RankLocation {
  const select = new RadixSelect(rank + 1);
  let nan = 0;
  for (const segment of segments) nan += select.addHigh(segment);
  select.endHigh();
  for (const segment of segments) select.addLow(segment);
  const { key, below } = select.endLow();
  return { key, below, nan };
}

/**
 * Copies the alive scores of a sparse pool into one all-alive segment: `-0` becomes `+0` and NaN
 * becomes `-Infinity`, so the copy holds exactly the keys of the alive elements.
 */
function gatherAlive(segments: readonly SelectionSegment[], alive: number): { dense: SelectionSegment; nan: number } {
  const bitsOut = new Int32Array(alive);
  const negativeInfinityBits = NEG_INF_KEY ^ 0x7fffffff;
  const negativeInfinityKey = -2139095041; // NEG_INF_KEY and POS_INF_KEY as locals (see bracketPass)
  const positiveInfinityKey = 2139095040;
  let nan = 0;
  let j = 0;
  for (const { scores, alive: flags } of segments) {
    const bits = bitsOf(scores);
    for (let i = 0; i < bits.length; i++) {
      if (flags[i] === 0) continue;
      const b = bits[i] as number;
      const k = b ^ ((b >> 31) & 0x7fffffff);
      if (k > positiveInfinityKey || k < negativeInfinityKey) {
        nan++;
        bitsOut[j++] = negativeInfinityBits;
      } else bitsOut[j++] = k === -1 ? 0 : b;
    }
  }
  return { dense: { scores: new Float32Array(bitsOut.buffer), alive: new Uint8Array(alive).fill(1) }, nan };
}

/** Sorted keys of the alive elements among `draws` seeded positions, spread over segments by size. */
function sampleAliveKeys(segments: readonly SelectionSegment[], size: number, draws: number, seed: number): Int32Array {
  const sample = new Int32Array(draws + segments.length);
  let state = seed >>> 0 || 1;
  let m = 0;
  for (const { scores, alive } of segments) {
    const n = scores.length;
    if (n === 0) continue;
    const bits = bitsOf(scores);
    const share = Math.max(1, Math.round((draws * n) / size));
    for (let d = 0; d < share; d++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const i = (state >>> 0) % n;
      if (alive[i] === 0) continue;
      const b = bits[i] as number;
      let k = b ^ ((b >> 31) & 0x7fffffff);
      if (k > POS_INF_KEY || k < NEG_INF_KEY) k = NEG_INF_KEY;
      else if (k === -1) k = 0;
      sample[m++] = k;
    }
  }
  return sample.subarray(0, m).sort();
}

interface BracketPass {
  readonly below: number;
  readonly count: number;
  readonly nan: number;
  readonly inside: Int32Array;
}

/**
 * One pass: alive keys below `lo`, alive keys in `[lo, hi]` (copied, up to `capacity`) and alive
 * NaN scores. `undefined` when more than `capacity` keys fall inside.
 */
function bracketPass(
  segments: readonly SelectionSegment[],
  census: PoolCensus,
  lo: number,
  hi: number,
  capacity: number,
): BracketPass | undefined {
  // The key constants as function-local literals: V8 folds those, not module or imported
  // bindings, and this loop runs 1.6x slower without (NEG_INF_KEY, POS_INF_KEY - NEG_INF_KEY).
  const negativeInfinityKey = -2139095041;
  const keySpan = 4278190081;
  const inside = new Int32Array(capacity);
  const width = (hi - lo) >>> 0;
  let below = 0;
  let count = 0;
  let nan = 0;
  for (const [s, { scores, alive }] of segments.entries()) {
    const bits = bitsOf(scores);
    const n = bits.length;
    if (census.aliveBySegment[s] === n) {
      let first = 0;
      const simd = n >= SIMD_MIN_SCORES ? bracketSimd(bits, lo, width | 0, inside, count) : undefined;
      if (simd !== undefined) {
        if (simd.inside > capacity - count) return undefined;
        below += simd.below;
        nan += simd.nan;
        count += simd.inside;
        first = n & ~3;
      }
      for (let i = first; i < n; i++) {
        const b = bits[i] as number;
        let k = b ^ ((b >> 31) & 0x7fffffff);
        if ((k - negativeInfinityKey) >>> 0 > keySpan) {
          k = negativeInfinityKey;
          nan++;
        } else if (k === -1) k = 0;
        below += +(k < lo);
        if ((k - lo) >>> 0 <= width) {
          if (count === capacity) return undefined;
          inside[count++] = k;
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        const b = bits[i] as number;
        const a = alive[i] as number;
        let k = b ^ ((b >> 31) & 0x7fffffff);
        if ((k - negativeInfinityKey) >>> 0 > keySpan) {
          k = negativeInfinityKey;
          nan += a;
        } else if (k === -1) k = 0;
        below += a & +(k < lo);
        if ((k - lo) >>> 0 <= width && a !== 0) {
          if (count === capacity) return undefined;
          inside[count++] = k;
        }
      }
    }
  }
  return { below, count, nan, inside };
}

/** The value at 0-based position `k` of `a` in ascending order (Hoare quickselect, median of three; reorders `a`). */
function quickselect(a: Int32Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const x = a[left] as number;
    const y = a[(left + right) >>> 1] as number;
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
