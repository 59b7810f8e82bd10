import { assertFinite, assertK, assertWeights, type NumericArray } from './validate.js';
import type { SefOptions } from './sef-value.js';

/**
 * The Fenchel conjugate of `SEF_k`: `SEF_k*(y) = ½ Σ_{i ≤ k} (|y|↓_i)²`, half the sum of the `k`
 * largest squared entries (spec B.1); for the weighted form `SEF_k(d ⊙ ·)` it is
 * `½ Σ_{top k} (y_j / d_j)²`.
 *
 * Useful as an optimality certificate: `x = prox_{λ·SEF_k}(w)` exactly when, with
 * `g = (w − x)/λ`, the Fenchel–Young gap `SEF_k(x) + SEF_k*(g) − ⟨g, x⟩` is zero (it is ≥ 0 for
 * every `x`, `g`). Sorts, so it costs `O(n log n)`; meant for checks, not for training loops.
 *
 * @param y - the dual point.
 * @param k - the sparsity level, an integer ≥ 1.
 * @throws SparseError `E_ARGUMENT` for a bad `k`, weights or a non-finite entry.
 *
 * @example
 * ```ts
 * import { sefConjugate, sefProx, sefValue } from '@sparse/group-envelope';
 *
 * const w = [3, -1, 0.2, 0.1];
 * const lambda = 0.5;
 * const x = sefProx(w, 2, lambda);
 * const g = w.map((wi, i) => (wi - (x[i] ?? 0)) / lambda);
 * const gap = sefValue(x, 2) + sefConjugate(g, 2) - g.reduce((s, gi, i) => s + gi * (x[i] ?? 0), 0);
 * console.log(Math.abs(gap) < 1e-12); // true: x is the prox
 * ```
 */
export function sefConjugate(y: NumericArray, k: number, options: SefOptions = {}): number {
  assertK(k, 'sefConjugate');
  assertFinite(y, 'y', 'sefConjugate');
  const { weights } = options;
  assertWeights(weights, y.length, 'sefConjugate');
  const squares = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = (y[i] as number) / (weights === undefined ? 1 : (weights[i] as number));
    squares[i] = v * v;
  }
  squares.sort();
  let total = 0;
  for (let i = squares.length - 1, taken = 0; i >= 0 && taken < k; i--, taken++) total += squares[i] as number;
  return 0.5 * total;
}
