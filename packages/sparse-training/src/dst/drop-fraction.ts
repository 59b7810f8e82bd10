/**
 * RigL's cosine-annealed drop fraction (spec F.3): `f(t) = α/2 · (1 + cos(π · t / T_end))` for
 * `0 ≤ t ≤ T_end`, and 0 after `T_end` (no update happens there). This is TensorFlow's
 * `cosine_decay(α, t, T_end)` that RigL's code applies to the global step when `begin_step` is 0;
 * with a later `begin_step` RigL's code decays over `T_end − begin` steps of the global step, we
 * keep the spec's `t / T_end` (the fraction is then already below α at the first update).
 *
 * @param step - the training step `t` (absolute, zero-based).
 * @param dropFraction - `α`, the fraction dropped at step 0, in `[0, 1]`.
 * @param endStep - `T_end`, the step at which the fraction reaches 0 (> 0).
 *
 * @example
 * ```ts
 * import { cosineDropFraction } from '@sparse/sparse-training';
 *
 * console.log(cosineDropFraction(0, 0.3, 3000)); // 0.3
 * console.log(cosineDropFraction(1500, 0.3, 3000)); // 0.15 (to rounding)
 * console.log(cosineDropFraction(3000, 0.3, 3000)); // 0
 * ```
 */
export function cosineDropFraction(step: number, dropFraction: number, endStep: number): number {
  if (endStep <= 0 || step >= endStep) return 0;
  const t = Math.max(0, step);
  return (dropFraction / 2) * (1 + Math.cos((Math.PI * t) / endStep));
}
