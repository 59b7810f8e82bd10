/**
 * Everything a tfjs Adam optimizer carries between steps, on the host: the iteration count, the
 * first and second moments (in variable order) and the running powers `β1^t`, `β2^t`. Restoring
 * it with {@link restoreAdamState} continues training bit-identically, which tfjs's own
 * `setWeights` does not guarantee (it recomputes `β^t` with `pow`, which can differ in the last
 * bit from the product the optimizer accumulated).
 *
 * @example
 * ```ts
 * import type { AdamState } from '@sparse/core';
 *
 * declare const state: AdamState;
 * console.log(state.iterations, state.moments.length);
 * ```
 */
export interface AdamState {
  /** Steps applied so far. */
  readonly iterations: number;
  /** `β1^(t+1)` and `β2^(t+1)` as the optimizer holds them (float32 values). */
  readonly accBeta1: number;
  readonly accBeta2: number;
  /** First moments then second moments, one per variable in update order, with their names and shapes. */
  readonly moments: readonly { readonly name: string; readonly shape: readonly number[]; readonly values: Float32Array }[];
}
