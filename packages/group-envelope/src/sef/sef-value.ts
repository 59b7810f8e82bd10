import { solveClippedSum } from './clipped-sum.js';
import { assertFinite, assertK, assertWeights, type NumericArray } from './validate.js';

/**
 * Options of {@link sefValue}, {@link sefProx} and {@link sefConjugate}.
 *
 * @example
 * ```ts
 * import type { SefOptions } from '@sparse/group-envelope';
 *
 * const options: SefOptions = { weights: Float64Array.of(1, 2, 1) };
 * ```
 */
export interface SefOptions {
  /**
   * Per-entry weights `d_j > 0` of the weighted form `SEF_k(d ⊙ x)`: the convex envelope of
   * `½ Σ_j d_j² x_j² + δ(‖x‖₀ ≤ k)` (a larger weight makes keeping the entry more expensive).
   * Default: all ones, the plain SEF.
   */
  readonly weights?: NumericArray;
}

/**
 * The sparse envelope function `SEF_k(x)` (spec B.1): the convex envelope (Fenchel biconjugate)
 * of `½‖x‖² + δ(‖x‖₀ ≤ k)`, equal to half the squared k-support norm:
 *
 * `SEF_k(x) = ½ [ Σ_{i<k−r} z_i² + (1/(r+1)) (Σ_{i≥k−r} z_i)² ]`, `z = |x|` sorted descending,
 * `r` the unique integer in `[0, k−1]` with `z_{k−r−1} > (1/(r+1)) Σ_{i≥k−r} z_i ≥ z_{k−r}`.
 *
 * Computed without sorting: the threshold `θ = (1/(r+1)) Σ_{i≥k−r} z_i` is the root of
 * `Σ_j min(z_j/θ, 1) = k`, found by randomized selection in expected linear time.
 *
 * With `weights`, the value of the weighted form `SEF_k(d ⊙ x)` (see {@link SefOptions}).
 * `SEF_k(x) = ½‖x‖²` whenever `x` has at most `k` nonzeros; `SEF_1(x) = ½‖x‖₁²`.
 *
 * @param x - the vector (any sign).
 * @param k - the sparsity level, an integer ≥ 1.
 * @throws SparseError `E_ARGUMENT` for a bad `k`, a non-finite entry or bad weights.
 *
 * @example
 * ```ts
 * import { sefValue } from '@sparse/group-envelope';
 *
 * sefValue([3, -1, 1], 1); // ½ (3 + 1 + 1)² = 12.5
 * sefValue([3, -1, 1], 3); // ½ (9 + 1 + 1) = 5.5
 * sefValue([3, -1, 1], 2); // ½ (3² + (1 + 1)²) = 6.5
 * ```
 */
export function sefValue(x: NumericArray, k: number, options: SefOptions = {}): number {
  assertK(k, 'sefValue');
  assertFinite(x, 'x', 'sefValue');
  const { weights } = options;
  assertWeights(weights, x.length, 'sefValue');
  const z = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) z[i] = Math.abs(x[i] as number);
  return sefValueOfMagnitudes(z, k, weights);
}

/**
 * `SEF_k(d ⊙ u)` for magnitudes `u ≥ 0` already checked by the caller.
 *
 * @internal
 */
export function sefValueOfMagnitudes(u: NumericArray, k: number, weights: NumericArray | undefined): number {
  let max = 0;
  for (let j = 0; j < u.length; j++) max = Math.max(max, (u[j] as number) * (weights === undefined ? 1 : (weights[j] as number)));
  if (max === 0) return 0;
  // Solved on (d ⊙ u) / max, whose entries are in [0, 1]; SEF is positively 2-homogeneous.
  const root = solveClippedSum(u, weights, k, 1 / max, 0, 1 / max);
  // (with c = 0, a_j = d_j·u_j / max, so saturatedSquares = Σ_top (d_j u_j / max)²)
  const rest = k - root.saturated;
  const tail = root.t === Number.POSITIVE_INFINITY || rest <= 0 ? 0 : (root.sumA * root.sumA) / rest;
  return 0.5 * max * max * (root.saturatedSquares + tail);
}
