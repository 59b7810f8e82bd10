import { SparseError } from '@sparse/core';
import { solveClippedSum } from './clipped-sum.js';
import type { SefOptions } from './sef-value.js';
import { assertFinite, assertK, assertLambda, assertWeights, type NumericArray } from './validate.js';

/**
 * Options of {@link sefProx}.
 *
 * @example
 * ```ts
 * import type { SefProxOptions } from '@sparse/group-envelope';
 *
 * const out = new Float32Array(3);
 * const options: SefProxOptions<Float32Array> = { out, weights: [1, 1, 2] };
 * ```
 */
export interface SefProxOptions<T extends Float32Array | Float64Array = Float64Array> extends SefOptions {
  /** Where to write the result (may be the input itself). Default: a new `Float64Array`. */
  readonly out?: T;
}

/**
 * The exact proximal operator of `λ·SEF_k` (spec B.2):
 * `prox(w) = argmin_x λ·SEF_k(x) + ½‖x − w‖²`.
 *
 * With `z = |w|` the result is `sign(w) ⊙ q`, where for a threshold `μ ≥ 0`
 *
 * - `q_i = z_i / (1 + λ)` for the entries with `z_i > (1 + 1/λ)·μ` (ridge shrink of the top ones),
 * - `q_i = z_i − μ` for `μ < z_i ≤ (1 + 1/λ)·μ` (common soft threshold),
 * - `q_i = 0` for `z_i ≤ μ`,
 *
 * and `μ` is the root of `Σ_i clip(λ (z_i/μ − 1), 0, 1) = k` (`μ = 0` when `w` has at most `k`
 * nonzeros: then `prox(w) = w / (1 + λ)`). This is the spec's (r, l) characterisation of
 * Argyriou et al.'s algorithm written through `μ = T/D`; the root is found by randomized selection
 * over the `2n` breakpoints in expected linear time, without sorting.
 *
 * With `weights` (`d_j > 0`), the exact prox of the weighted form `λ·SEF_k(d ⊙ x)`: top entries
 * `z_j / (1 + λ d_j²)`, middle entries `z_j − d_j μ`, zero when `z_j ≤ d_j μ`, with `μ` the root
 * of `Σ_j clip(λ d_j (z_j/μ − d_j), 0, 1) = k`. (It follows from the variational form
 * `SEF_k(y) = ½ min { Σ_j y_j²/θ_j : 0 < θ_j ≤ 1, Σ_j θ_j ≤ k }`; the package's tests check it
 * against direct minimisation and the Fenchel–Young optimality certificate.)
 *
 * Properties: `k ≥ n` gives `w / (1 + λ)`; `k = 1` gives soft thresholding with `τ = λ Σ_i q_i`
 * (the prox of `(λ/2)‖x‖₁²`); the support has at least `k` entries (when `w` has) and shrinks
 * towards `k` as `λ` grows; `λ = 0` gives `w`.
 *
 * @param w - the point (any sign); read only, unless it is also `options.out`.
 * @param k - the sparsity level, an integer ≥ 1.
 * @param lambda - the strength `λ ≥ 0` (in proximal gradient: step size × regularisation weight).
 * @returns `options.out` filled with the result, or a new `Float64Array`.
 * @throws SparseError `E_ARGUMENT` for a bad `k`, `lambda`, weights, output length or a non-finite entry.
 *
 * @example
 * ```ts
 * import { sefProx } from '@sparse/group-envelope';
 *
 * const x = sefProx([3, -1, 0.2, 0.1], 2, 0.5);
 * // both large entries are on top (ridge shrink w / (1 + λ)); the small ones are exactly 0
 * console.log(Array.from(x)); // [2, -0.6666666666666666, 0, 0]
 * ```
 */
export function sefProx<T extends Float32Array | Float64Array = Float64Array>(w: NumericArray, k: number, lambda: number, options: SefProxOptions<T> = {}): T {
  assertK(k, 'sefProx');
  assertLambda(lambda, 'sefProx');
  assertFinite(w, 'w', 'sefProx');
  const n = w.length;
  const { weights } = options;
  assertWeights(weights, n, 'sefProx');
  const out = (options.out ?? new Float64Array(n)) as T;
  if (out.length !== n) {
    throw new SparseError('E_ARGUMENT', `sefProx: out has ${out.length} entries but w has ${n}; give an output of the same length.`, {
      field: 'out',
      received: out.length,
      allowed: `${n} entries`,
    });
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = Math.abs(w[i] as number);
  const q = proxOfMagnitudes(z, k, lambda, weights, z);
  for (let i = 0; i < n; i++) {
    const value = q[i] as number;
    out[i] = (w[i] as number) < 0 ? -value : value;
  }
  return out;
}

/**
 * The prox of `λ·SEF_k(d ⊙ ·)` at magnitudes `u ≥ 0` (checked by the caller), written to `out`
 * (which may be `u`). Returns `out`.
 *
 * @internal
 */
export function proxOfMagnitudes(u: NumericArray, k: number, lambda: number, weights: NumericArray | undefined, out: Float64Array): Float64Array {
  const n = u.length;
  if (lambda === 0) {
    for (let j = 0; j < n; j++) out[j] = u[j] as number;
    return out;
  }
  let max = 0;
  for (let j = 0; j < n; j++) max = Math.max(max, u[j] as number);
  if (max === 0) {
    out.fill(0);
    return out;
  }
  // The search runs on u / max (entries in [0, 1]); each entry is then classified against its
  // breakpoints in the same arithmetic as the search, so an entry whose breakpoint is the root
  // is exactly zero (or exactly on top), never a rounding residue.
  const scale = 1 / max;
  const s = lambda * scale;
  const t = solveClippedSum(u, weights, k, s, lambda, scale).t;
  for (let j = 0; j < n; j++) {
    const uj = u[j] as number;
    const dj = weights === undefined ? 1 : (weights[j] as number);
    const a = s * dj * uj;
    const b = lambda * dj * dj;
    if (!(a > 0) || t <= b / a) out[j] = 0;
    else if (t >= (1 + b) / a) out[j] = uj / (1 + b);
    else out[j] = Math.max(0, uj - (dj * max) / t); // x = u − d·μ, μ = 1 / (t·scale)
  }
  return out;
}
