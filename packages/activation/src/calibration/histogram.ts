import { SparseError } from '@sparse/core';
import { assertTarget } from './quantile.js';

/**
 * The bin edges of the CATS code (`experiments/models/sparse_silu/ugly_utils.py`):
 * `[-∞, linspace(-1, 1, 998), +∞]`, 1000 edges and 999 bins; the inner edges are rounded to float32, as
 * torch stores them (torch's own float32 linspace may differ from this rounding in the last bit).
 *
 * @example
 * ```ts
 * import { catsHistogramEdges } from '@sparse/activation';
 *
 * const edges = catsHistogramEdges(); // edges[1] === -1, edges[998] === 1
 * ```
 */
export function catsHistogramEdges(): Float64Array {
  const edges = new Float64Array(1000);
  edges[0] = Number.NEGATIVE_INFINITY;
  const inner = 998;
  for (let i = 0; i < inner; i += 1) edges[i + 1] = Math.fround(-1 + (2 * i) / (inner - 1));
  edges[999] = Number.POSITIVE_INFINITY;
  return edges;
}

/**
 * A streaming histogram with fixed bin edges, numpy/torch semantics: bin `i` holds
 * `edges[i] <= v < edges[i+1]`, the last bin also holds `v = edges[last]`; values outside the
 * edges (and NaN) are not counted. {@link Histogram.threshold} is CATS's `get_threshold`.
 *
 * @example
 * ```ts
 * import { Histogram, catsHistogramEdges } from '@sparse/activation';
 *
 * const histogram = new Histogram(catsHistogramEdges());
 * histogram.add(new Float32Array([0.01, 0.2, 0.3, 0.8]));
 * histogram.threshold(0.5); // the left edge of the bin where the CDF passes 0.5
 * ```
 */
export class Histogram {
  /** The bin edges, strictly increasing. */
  readonly edges: Float64Array;
  /** Counts per bin (`edges.length - 1` bins). */
  readonly counts: Float64Array;

  /**
   * @param edges - at least two strictly increasing edges (±Infinity allowed at the ends).
   * @throws SparseError `E_ARGUMENT` when they are not.
   */
  constructor(edges: ArrayLike<number>) {
    if (edges.length < 2) {
      throw new SparseError('E_ARGUMENT', `A histogram needs at least 2 edges, got ${edges.length}.`, { field: 'edges', received: edges.length });
    }
    for (let i = 1; i < edges.length; i += 1) {
      if (!((edges[i] as number) > (edges[i - 1] as number))) {
        throw new SparseError('E_ARGUMENT', `Histogram edges must increase strictly; edges[${i}] = ${edges[i]} follows ${edges[i - 1]}.`, {
          field: `edges[${i}]`,
          received: edges[i],
        });
      }
    }
    this.edges = Float64Array.from(edges);
    this.counts = new Float64Array(edges.length - 1);
  }

  /** Counts `values` into their bins. */
  add(values: ArrayLike<number>): void {
    const edges = this.edges;
    const last = edges.length - 1;
    const low = edges[0] as number;
    const high = edges[last] as number;
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i] as number;
      if (!(v >= low && v <= high)) continue;
      if (v === high) {
        this.counts[last - 1] = (this.counts[last - 1] as number) + 1;
        continue;
      }
      let lo = 0;
      let hi = last;
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1;
        if ((edges[mid] as number) <= v) lo = mid;
        else hi = mid;
      }
      this.counts[lo] = (this.counts[lo] as number) + 1;
    }
  }

  /** How many values were counted. */
  get total(): number {
    let sum = 0;
    for (const count of this.counts) sum += count;
    return sum;
  }

  /**
   * CATS's `get_threshold`: normalise the counts, take the cumulative sum `c`, find
   * `idx = searchsorted(c, target, side='right')` (the number of bins whose CDF is `<= target`)
   * and return `edges[idx]`, the left edge of the first bin whose CDF exceeds the target. It
   * zeroes at most the target on the counted values (rounded down to a bin edge).
   *
   * For use as a magnitude threshold the result is clamped into the finite, non-negative range:
   * a negative edge becomes 0 and `+∞` becomes the largest finite edge.
   *
   * @throws SparseError `E_ARGUMENT` for a bad target or an empty histogram.
   */
  threshold(target: number): number {
    assertTarget(target);
    const total = this.total;
    if (total === 0) {
      throw new SparseError('E_ARGUMENT', 'The histogram is empty: record calibration data first.', { field: 'histogram', received: 0 });
    }
    let cumulative = 0;
    let index = 0;
    for (const count of this.counts) {
      cumulative += count / total;
      if (cumulative <= target) index += 1;
      else break;
    }
    const edge = this.edges[index] as number;
    if (edge === Number.POSITIVE_INFINITY) {
      let finite = 0;
      for (const e of this.edges) if (Number.isFinite(e)) finite = e;
      return Math.max(0, finite);
    }
    return Math.max(0, edge);
  }
}
