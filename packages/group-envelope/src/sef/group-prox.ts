import { SparseError } from '@sparse/core';
import { proxOfMagnitudes } from './sef-prox.js';
import { sefValueOfMagnitudes } from './sef-value.js';
import { assertFinite, assertK, assertLambda, assertWeights, type NumericArray } from './validate.js';

/**
 * Options of the group-level functions {@link gsefScales}, {@link groupLassoScales} and
 * {@link groupSefValue}.
 *
 * @example
 * ```ts
 * import type { GroupScaleOptions } from '@sparse/group-envelope';
 *
 * const options: GroupScaleOptions = { weights: Float64Array.of(2, 2, 3) }; // e.g. √(group size)
 * ```
 */
export interface GroupScaleOptions {
  /** One weight `d_j > 0` per group (see {@link SefOptions}); default all ones. */
  readonly weights?: NumericArray;
  /** Where to write the factors (length = number of groups). Default: a new `Float64Array`. */
  readonly out?: Float64Array;
}

function check(norms: NumericArray, options: GroupScaleOptions, caller: string): Float64Array {
  assertFinite(norms, 'norms', caller);
  for (let j = 0; j < norms.length; j++) {
    if ((norms[j] as number) < 0) {
      throw new SparseError('E_ARGUMENT', `${caller}: norms[${j}] is ${String(norms[j])}; group norms are ≥ 0.`, { field: `norms[${j}]`, received: norms[j] });
    }
  }
  assertWeights(options.weights, norms.length, caller);
  const out = options.out ?? new Float64Array(norms.length);
  if (out.length !== norms.length) {
    throw new SparseError('E_ARGUMENT', `${caller}: out has ${out.length} entries but there are ${norms.length} groups.`, {
      field: 'out',
      received: out.length,
      allowed: `${norms.length} entries`,
    });
  }
  return out;
}

/**
 * The group form of the prox of `λ·SEF_k` (spec B.3), as one factor per group: with
 * `u_j = ‖v_{G_j}‖₂` and `t = prox_{λ·SEF_k(d ⊙ ·)}(u)`, the prox of
 * `λ·GSEF_k(θ) = λ·SEF_k(d_1‖θ_{G_1}‖, …, d_m‖θ_{G_m}‖)` at `v` is `θ_{G_j} = (t_j / u_j)·v_{G_j}`
 * (`0` for `u_j = 0`). Multiply each group by its factor to apply it. Exact for disjoint groups,
 * because `GSEF_k` depends on `θ` only through the group norms and increases with each of them.
 *
 * @param norms - the Euclidean norm of each group, `≥ 0`.
 * @param k - the number of groups allowed to be nonzero, an integer ≥ 1.
 * @param lambda - the strength `λ ≥ 0`.
 * @returns the factors, each in `[0, 1]`.
 *
 * @example
 * ```ts
 * import { gsefScales } from '@sparse/group-envelope';
 *
 * const scales = gsefScales([2.0, 0.1, 1.5, 0.05], 2, 0.1);
 * // groups 0 and 2 kept (factor 1/(1+λ) or close to it), groups 1 and 3 set to zero
 * console.log(Array.from(scales, (s) => s > 0)); // [true, false, true, false]
 * ```
 */
export function gsefScales(norms: NumericArray, k: number, lambda: number, options: GroupScaleOptions = {}): Float64Array {
  assertK(k, 'gsefScales');
  assertLambda(lambda, 'gsefScales');
  const out = check(norms, options, 'gsefScales');
  return gsefScalesUnchecked(norms, k, lambda, options.weights, out);
}

/**
 * {@link gsefScales} without argument checks (the regularizer checks once, then calls this every step).
 *
 * @internal
 */
export function gsefScalesUnchecked(norms: NumericArray, k: number, lambda: number, weights: NumericArray | undefined, out: Float64Array): Float64Array {
  proxOfMagnitudes(norms, k, lambda, weights, out);
  for (let j = 0; j < norms.length; j++) {
    const u = norms[j] as number;
    out[j] = u > 0 ? Math.min(1, (out[j] as number) / u) : 0;
  }
  return out;
}

/**
 * The group lasso prox as one factor per group: the prox of `λ Σ_j d_j ‖θ_{G_j}‖₂` is
 * `θ_{G_j} = (1 − λ d_j / ‖v_{G_j}‖)₊ · v_{G_j}` (block soft thresholding), the baseline of
 * spec B.5. `d_j = 1` by default; `√|G_j|` is the usual choice for groups of unequal size.
 *
 * @param norms - the Euclidean norm of each group, `≥ 0`.
 * @param lambda - the strength `λ ≥ 0`.
 * @returns the factors, each in `[0, 1]`.
 *
 * @example
 * ```ts
 * import { groupLassoScales } from '@sparse/group-envelope';
 *
 * console.log(Array.from(groupLassoScales([2, 0.5, 0.1], 0.25))); // [0.875, 0.5, 0]
 * ```
 */
export function groupLassoScales(norms: NumericArray, lambda: number, options: GroupScaleOptions = {}): Float64Array {
  assertLambda(lambda, 'groupLassoScales');
  const out = check(norms, options, 'groupLassoScales');
  return groupLassoScalesUnchecked(norms, lambda, options.weights, out);
}

/**
 * {@link groupLassoScales} without argument checks.
 *
 * @internal
 */
export function groupLassoScalesUnchecked(norms: NumericArray, lambda: number, weights: NumericArray | undefined, out: Float64Array): Float64Array {
  for (let j = 0; j < norms.length; j++) {
    const u = norms[j] as number;
    const threshold = lambda * (weights === undefined ? 1 : (weights[j] as number));
    out[j] = u > threshold ? 1 - threshold / u : 0;
  }
  return out;
}

/**
 * `GSEF_k` from the group norms: `SEF_k(d_1 u_1, …, d_m u_m)` (spec B.3), the convex envelope of
 * `½ Σ_j d_j² ‖θ_{G_j}‖² + δ(at most k nonzero groups)`.
 *
 * @param norms - the Euclidean norm of each group, `≥ 0`.
 * @param k - the number of groups allowed to be nonzero, an integer ≥ 1.
 *
 * @example
 * ```ts
 * import { groupSefValue } from '@sparse/group-envelope';
 *
 * // two groups with norms 3 and 4, both allowed: ½ (9 + 16)
 * console.log(groupSefValue([3, 4], 2)); // 12.5
 * ```
 */
export function groupSefValue(norms: NumericArray, k: number, options: Omit<GroupScaleOptions, 'out'> = {}): number {
  assertK(k, 'groupSefValue');
  check(norms, { ...options, out: new Float64Array(norms.length) }, 'groupSefValue');
  return sefValueOfMagnitudes(norms, k, options.weights);
}
