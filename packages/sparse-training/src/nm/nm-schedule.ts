import { echoValue, SparseError } from '@sparse/core';

/**
 * How the non-pruned (`1 − m`) part of a kernel enters the forward pass of MDGF:
 * `linear` α(t) = max(0, 1 − c·t), `exponential` α(t) = exp(−c·t).
 *
 * @example
 * ```ts
 * import type { MaskDecay } from '@sparse/sparse-training';
 *
 * const decay: MaskDecay = 'exponential';
 * ```
 */
export type MaskDecay = 'linear' | 'exponential';

/**
 * MDGF's mask-decay factor α(t) (Bambhaniya et al., `LinearDecay` / `ExponentialDecay` in the
 * reference's `timm/sparse_pruning/sparse_functions.py`): the pruned weights enter the forward pass
 * as `(1 − m)·α(t)·w`. `t` is the step counted from the end of the dense warm-up (0 at the first
 * decay step), `coefficient` is `c`.
 *
 * Deliberate difference: the reference computes
 * `t = num_updates − steps_per_epoch·epochs·dense_steps/100` with `dense_steps` a fraction (so `t`
 * does not start at 0 when the warm-up ends, although its comments say `current_step_num −
 * starting_step`); here `t` starts at 0, as the comments and the paper intend.
 *
 * @throws SparseError `E_ARGUMENT` for a negative or non-finite `t` or `coefficient`.
 *
 * @example
 * ```ts
 * import { maskDecayFactor } from '@sparse/sparse-training';
 *
 * console.log(maskDecayFactor('linear', 2e-4, 2500)); // 0.5
 * console.log(maskDecayFactor('exponential', 1e-3, 1000)); // e^-1 ≈ 0.368
 * ```
 */
export function maskDecayFactor(decay: MaskDecay, coefficient: number, t: number): number {
  if (!Number.isFinite(coefficient) || coefficient < 0) {
    throw new SparseError('E_ARGUMENT', `The mask-decay coefficient must be a finite number >= 0, got ${coefficient}.`, { field: 'decayCoefficient', received: coefficient, allowed: '>= 0' });
  }
  if (!Number.isFinite(t) || t < 0) {
    throw new SparseError('E_ARGUMENT', `The mask-decay step must be a finite number >= 0, got ${t}.`, { field: 't', received: t, allowed: '>= 0' });
  }
  if (decay === 'linear') return Math.max(0, 1 - coefficient * t);
  if (decay === 'exponential') return Math.exp(-coefficient * t);
  throw new SparseError('E_ARGUMENT', `decay must be 'linear' or 'exponential', got ${echoValue(decay)}.`, { field: 'decay', received: decay, allowed: ['linear', 'exponential'] });
}

/**
 * SDGF's sequence of kept-per-group counts for a target `n:m` (the reference's `sparsify`
 * structure decay, "SdGf-Stepwise"): `m−1`, then `m/2`, `m/4`, … (each halved and floored) while
 * above `n`, then `n` itself; one equal time frame each between the dense warm-up and the
 * fine-tune. For 1:16: 15, 8, 4, 2, 1; for 2:4: 3, 2; for 1:8: 7, 4, 2, 1.
 *
 * Deliberate difference: the reference makes `int(log2(m/n)) + 1` frames with `m/2^i` kept, which
 * never reaches `n` when `m/n` is not a power of two (3:8 ends at 4:8, and the fine-tune stays at
 * 4:8); here the last frame is always `n:m`.
 *
 * @throws SparseError `E_ARGUMENT` unless `1 <= n < m` are integers.
 *
 * @example
 * ```ts
 * import { structureDecayPatterns } from '@sparse/sparse-training';
 *
 * console.log(structureDecayPatterns(1, 16)); // [15, 8, 4, 2, 1]
 * ```
 */
export function structureDecayPatterns(n: number, m: number): number[] {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(m) || n < 1 || n >= m) {
    throw new SparseError('E_ARGUMENT', `Structure decay needs integers 1 <= n < m, got ${n}:${m}.`, { field: 'n', received: `${n}:${m}`, allowed: '1 <= n < m' });
  }
  const kept = [m - 1];
  for (let k = Math.floor(m / 2); k > n; k = Math.floor(k / 2)) if (k < (kept[kept.length - 1] as number)) kept.push(k);
  if ((kept[kept.length - 1] as number) !== n) kept.push(n);
  return kept;
}

/**
 * What the forward pass of one training step uses for the kernels.
 *
 * - `dense`: the weights as they are (warm-up).
 * - `decay`: `w ⊙ (m + (1−m)·alpha)` with `m` the N:M mask of the current weights at `n:m`
 *   (MDGF; alpha = 0 is a hard mask).
 * - `ste`: `w ⊙ m` with `m` recomputed from the current weights at `n:m` (binary; STE, SR-STE,
 *   SDGF frames, the fine-tune), gradient straight through to `w`, plus `srDecay·(1−m)⊙w` (SR-STE).
 * - `fixed`: `w ⊙ m` with the mask computed once when the phase starts (`nm-retrain`'s masked
 *   retraining and the `fixed` fine-tune): gradients masked and `w ← m ⊙ w` after every step.
 *
 * @example
 * ```ts
 * import type { NmStepPhase } from '@sparse/sparse-training';
 *
 * const phase: NmStepPhase = { kind: 'ste', stage: 'sparse', n: 2, m: 4, alpha: 0, srDecay: 2e-4 };
 * ```
 */
export interface NmStepPhase {
  /** What the forward and backward passes do (see above). */
  readonly kind: 'dense' | 'decay' | 'ste' | 'fixed';
  /** The stage of the schedule: warm-up, the method's own sparse stage, or the hard-mask fine-tune. */
  readonly stage: 'dense' | 'sparse' | 'fine-tune';
  /** Kept per group (`m` in the dense stage). */
  readonly n: number;
  /** Group size. */
  readonly m: number;
  /** The decay factor of the pruned weights in the forward pass (`0`: hard mask; `1` when dense). */
  readonly alpha: number;
  /** SR-STE's λ_W (0 otherwise). */
  readonly srDecay: number;
}

/**
 * How a training budget of `totalSteps` splits into the three stages every N:M method has: a dense
 * warm-up of `floor(denseFraction·total)` steps, a hard-mask fine-tune of
 * `floor(fineTuneFraction·total)` steps at the end, and the method's sparse stage between them. The
 * reference counts the stages in whole epochs (`int(dense_steps·epochs)`); here in steps, so short
 * budgets split as asked.
 *
 * @example
 * ```ts
 * import { splitNmBudget } from '@sparse/sparse-training';
 *
 * console.log(splitNmBudget(1000, 0.1, 0.2)); // { denseSteps: 100, sparseSteps: 700, fineTuneSteps: 200 }
 * ```
 */
export function splitNmBudget(totalSteps: number, denseFraction: number, fineTuneFraction: number): { denseSteps: number; sparseSteps: number; fineTuneSteps: number } {
  if (!Number.isSafeInteger(totalSteps) || totalSteps < 0) {
    throw new SparseError('E_ARGUMENT', `totalSteps must be an integer >= 0, got ${totalSteps}.`, { field: 'totalSteps', received: totalSteps });
  }
  for (const [field, value] of [['denseFraction', denseFraction], ['fineTuneFraction', fineTuneFraction]] as const) {
    if (!(value >= 0 && value <= 1)) throw new SparseError('E_CONFIG', `${field} must be in [0, 1], got ${value}.`, { field, received: value, allowed: '[0, 1]' });
  }
  if (denseFraction + fineTuneFraction > 1 + 1e-12) {
    throw new SparseError('E_CONFIG', `denseFraction + fineTuneFraction must be at most 1, got ${denseFraction} + ${fineTuneFraction}.`, {
      field: 'fineTuneFraction',
      received: denseFraction + fineTuneFraction,
      allowed: '<= 1',
    });
  }
  const denseSteps = Math.floor(denseFraction * totalSteps);
  const fineTuneSteps = Math.min(totalSteps - denseSteps, Math.floor(fineTuneFraction * totalSteps));
  return { denseSteps, sparseSteps: totalSteps - denseSteps - fineTuneSteps, fineTuneSteps };
}

/**
 * The sparse-stage frame (0-based) of SDGF for the `r`-th step of a sparse stage of `length`
 * steps split into `frames` equal frames: `floor(r·frames/length)`.
 *
 * @example
 * ```ts
 * import { structureDecayFrame } from '@sparse/sparse-training';
 *
 * console.log(structureDecayFrame(49, 100, 5), structureDecayFrame(99, 100, 5)); // 2 4
 * ```
 */
export function structureDecayFrame(r: number, length: number, frames: number): number {
  if (length <= 0) return frames - 1;
  return Math.min(frames - 1, Math.floor((r * frames) / length));
}
