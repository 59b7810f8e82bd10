/**
 * The one-dimensional search behind the SEF value and its proximal operator.
 *
 * Both reduce to finding `t > 0` with
 *
 *   G(t) = Σ_j clip(a_j·t − b_j, 0, 1) = k,       a_j > 0, b_j ≥ 0,
 *
 * where `G` is continuous, piecewise linear and nondecreasing, with two breakpoints per entry:
 * `lo_j = b_j / a_j` (the term leaves 0) and `hi_j = (1 + b_j) / a_j` (it reaches 1). Between
 * consecutive breakpoints `G(t) = A + t·Sa − Sb` (`A` saturated terms; `Sa`, `Sb` the sums of `a`
 * and `b` over the terms in between), so once the segment holding the root is known the root is
 * `(k − A + Sb) / Sa`.
 *
 * The segment is found by randomized selection over the breakpoints (like quickselect, or the
 * linear-time projections onto the simplex): pick a breakpoint `p` of a still-undecided entry at
 * random, evaluate `G(p)`, keep the half of the interval holding the root, and fold every entry
 * whose two breakpoints now lie outside the interval into the running sums. Each round removes the
 * pivot and, in expectation, a constant fraction of the remaining breakpoints, so the expected
 * cost is linear in the number of entries (no sort). Pivots come from a fixed-seed generator, so
 * results are deterministic.
 *
 * The caller passes `u` (group norms, ≥ 0), optional weights `d`, and two factors `s`, `c` with
 * `a_j = s·d_j·u_j`, `b_j = c·d_j²`:
 *
 * - SEF value: `a_j = d_j·u_j`, `b_j = 0`;
 * - prox of λ·SEF: `a_j = λ·d_j·u_j`, `b_j = λ·d_j²`;
 *
 * each with `u` scaled by `1 / max u` folded into `s`, so the breakpoints stay finite.
 *
 * @internal
 */

/** Where the root lies and the sums on its segment. */
export interface ClippedSumRoot {
  /** The root `t` (`Infinity` when `G(∞) ≤ k`: fewer than `k + 1` positive entries). */
  readonly t: number;
  /** Entries saturated at 1 on the root's segment (`hi_j ≤ t`). */
  readonly saturated: number;
  /** Σ a_j over the entries strictly between their breakpoints at the root. */
  readonly sumA: number;
  /** Σ b_j over the same entries. */
  readonly sumB: number;
  /** Σ (d_j·u_j)² over the saturated entries (used by the SEF value). */
  readonly saturatedSquares: number;
}

/** Reusable scratch space, grown on demand (the prox runs every training step). */
let scratchA: Float64Array = new Float64Array(0);
let scratchB: Float64Array = new Float64Array(0);

function grow(buffer: Float64Array, size: number): Float64Array {
  return buffer.length >= size ? buffer : new Float64Array(Math.max(size, 2 * buffer.length));
}

/** Scaled magnitudes below this are treated as zero (2^-500). */
const TINY = 3.054936363499605e-151;

/**
 * Solves `Σ_j clip(a_j t − b_j, 0, 1) = k` for the entries with `u_j > 0` (see the file comment).
 *
 * @param u - the nonnegative magnitudes (group norms or `|x|`).
 * @param d - per-entry weights (> 0), or `undefined` for all ones.
 * @param k - the target, an integer ≥ 1.
 * @param s - `a_j = s·d_j·u_j` (`λ·scale` for the prox, `scale` for the value).
 * @param c - `b_j = c·d_j²` (`λ` for the prox, `0` for the value).
 * @param scale - the factor folded into `s` (`1 / max u`); entries with `u_j·scale` below
 *   2^-500 count as zero.
 * @returns the root and the sums on its segment; `saturatedSquares` is `Σ a_j²` over the
 *   saturated entries (the SEF value's top part when `c = 0`).
 */
export function solveClippedSum(u: ArrayLike<number>, d: ArrayLike<number> | undefined, k: number, s: number, c: number, scale: number): ClippedSumRoot {
  const n = u.length;
  const weighted = d !== undefined;
  scratchA = grow(scratchA, n);
  if (weighted) scratchB = grow(scratchB, n);
  const A = scratchA;
  const B = scratchB;
  let count = 0;
  let everySquares = 0;
  for (let j = 0; j < n; j++) {
    const uj = u[j] as number;
    if (!(uj * scale > TINY)) continue;
    const dj = weighted ? (d[j] as number) : 1;
    const a = s * dj * uj;
    const b = c * dj * dj;
    // Entries whose breakpoints would overflow are negligible: they count as zero.
    if (!(a > 0 && (1 + b) / a < Number.POSITIVE_INFINITY)) continue;
    A[count] = a;
    if (weighted) B[count] = b;
    everySquares += a * a;
    count += 1;
  }
  if (count <= k) return { t: Number.POSITIVE_INFINITY, saturated: count, sumA: 0, sumB: 0, saturatedSquares: everySquares };

  let state = 0x9e3779b9 | 0; // xorshift32 for samples and pivots, fixed seed: deterministic results
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  let low = 0;
  let high = Number.POSITIVE_INFINITY;
  let saturated = 0;
  let sumA = 0;
  let sumB = 0;
  let saturatedSquares = 0;
  while (count > 0) {
    // Two pivots bracketing the root as estimated from a random sample (Floyd–Rivest style), or
    // one random breakpoint for small counts; either way inside (low, high).
    let p1: number;
    let p2: number;
    const sampled = count > SAMPLE_FROM ? samplePivots(A, B, weighted, c, count, k - saturated + sumB, sumA, low, high, random) : undefined;
    if (sampled !== undefined) {
      [p1, p2] = sampled;
    } else {
      const pick = random() % count;
      const aj = A[pick] as number;
      const bj = weighted ? (B[pick] as number) : c;
      const lo = bj / aj;
      const hi = (1 + bj) / aj;
      const loInside = lo > low && lo < high;
      const hiInside = hi > low && hi < high;
      if (!loInside && !hiInside) {
        // Rounding left this entry undecided although neither breakpoint is strictly inside:
        // classify it by its value inside the interval and drop it from the undecided ones.
        const probe = high < Number.POSITIVE_INFINITY ? 0.5 * (low + high) : 2 * low + 1;
        const term = aj * probe - bj;
        if (term >= 1) {
          saturated += 1;
          saturatedSquares += aj * aj;
        } else if (term > 0) {
          sumA += aj;
          sumB += bj;
        }
        count -= 1;
        A[pick] = A[count] as number;
        if (weighted) B[pick] = B[count] as number;
        continue;
      }
      p1 = loInside && hiInside ? ((random() & 1) === 0 ? lo : hi) : loInside ? lo : hi;
      p2 = p1;
    }

    // G at both pivots: the folded sums plus the undecided entries, in one pass.
    let g1 = saturated + p1 * sumA - sumB;
    let g2 = saturated + p2 * sumA - sumB;
    for (let i = 0; i < count; i++) {
      const a = A[i] as number;
      const b = weighted ? (B[i] as number) : c;
      const t1 = a * p1 - b;
      const t2 = a * p2 - b;
      g1 += t1 <= 0 ? 0 : t1 >= 1 ? 1 : t1;
      g2 += t2 <= 0 ? 0 : t2 >= 1 ? 1 : t2;
    }
    if (g1 === k) {
      low = p1;
      high = p1;
    } else if (g2 === k) {
      low = p2;
      high = p2;
    } else if (g1 > k) {
      high = p1;
    } else if (g2 < k) {
      low = p2;
    } else {
      low = p1;
      high = p2;
    }

    // Fold the entries whose breakpoints both left the open interval (low, high).
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const a = A[i] as number;
      const b = weighted ? (B[i] as number) : c;
      if (1 + b <= low * a) {
        saturated += 1;
        saturatedSquares += a * a;
      } else if (b >= high * a) {
        // zero on the whole interval: contributes nothing
      } else if (b <= low * a && 1 + b >= high * a) {
        sumA += a;
        sumB += b;
      } else {
        A[kept] = a;
        if (weighted) B[kept] = b;
        kept += 1;
      }
    }
    count = kept;
  }
  if (low === high) return { t: low, saturated, sumA, sumB, saturatedSquares };
  // No breakpoint left inside (low, high): G is linear there (constant when sumA = 0: then any
  // point of the interval is a root; the midpoint keeps clear of both breakpoints).
  if (!(sumA > 0)) return { t: high < Number.POSITIVE_INFINITY ? 0.5 * (low + high) : low, saturated, sumA, sumB, saturatedSquares };
  let t = (k - saturated + sumB) / sumA;
  if (!(t >= low)) t = low;
  if (t > high) t = high;
  return { t, saturated, sumA, sumB, saturatedSquares };
}

/** Above this many undecided entries, pivots come from a sample. */
const SAMPLE_FROM = 256;

/**
 * Two breakpoints inside (low, high) that bracket the root with high probability: the root of
 * the problem restricted to a random sample of about √count undecided entries (their
 * contribution scaled by count / sample), widened by about two standard deviations of the
 * sample's rank on each side.
 *
 * @param target - `k − saturated + sumB`: what the undecided entries and `t·sumA` must add to.
 * @returns the two pivots, or `undefined` when no sampled breakpoint lies inside the interval.
 */
function samplePivots(
  A: Float64Array,
  B: Float64Array,
  weighted: boolean,
  c: number,
  count: number,
  target: number,
  sumA: number,
  low: number,
  high: number,
  random: () => number,
): [number, number] | undefined {
  const size = Math.min(4096, Math.max(64, Math.ceil(Math.sqrt(count))));
  const sampleA = new Float64Array(size);
  const sampleB = new Float64Array(size);
  const candidates: number[] = [];
  for (let s = 0; s < size; s++) {
    const i = random() % count;
    const a = A[i] as number;
    const b = weighted ? (B[i] as number) : c;
    sampleA[s] = a;
    sampleB[s] = b;
    const lo = b / a;
    const hi = (1 + b) / a;
    if (lo > low && lo < high) candidates.push(lo);
    if (hi > low && hi < high) candidates.push(hi);
  }
  const scaleUp = count / size;
  const estimate = (t: number): number => {
    let g = t * sumA;
    for (let s = 0; s < size; s++) {
      const term = (sampleA[s] as number) * t - (sampleB[s] as number);
      g += scaleUp * (term <= 0 ? 0 : term >= 1 ? 1 : term);
    }
    return g;
  };
  // No sampled breakpoint inside: the caller falls back to one random entry.
  if (candidates.length === 0) return undefined;
  candidates.sort((x, y) => x - y);
  // First candidate whose estimate reaches the target (binary search: the estimate is monotone).
  let lo = 0;
  let hi = candidates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (estimate(candidates[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  const spread = Math.ceil(2 * Math.sqrt(candidates.length)) + 1;
  const left = candidates[Math.max(0, lo - spread)] as number;
  const right = candidates[Math.min(candidates.length - 1, lo + spread)] as number;
  return [left, right];
}
