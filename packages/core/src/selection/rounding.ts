/**
 * Rounding rules shared by the allocation and the compatibility modes (internal module).
 */

/** `x`, or the nearest integer when `x` is within 1e-9 (relative) of it: absorbs `0.29 * 100 = 28.999…`. */
export function snapToInteger(x: number): number {
  const nearest = Math.round(x);
  return Math.abs(x - nearest) <= 1e-9 * Math.max(1, Math.abs(x)) ? nearest : x;
}

/**
 * `⌊x⌋` after snapping `x` to the nearest integer when it is within 1e-9 (relative) of it: the
 * count rule of `exact` (never more than asked), absorbing float error such as `0.29 * 100 = 28.999…`.
 *
 * @example
 * ```ts
 * import { floorCount } from '@sparse/core';
 *
 * console.log(floorCount(0.29 * 100), Math.floor(0.29 * 100)); // 29 28
 * ```
 */
export function floorCount(x: number): number {
  return Math.floor(snapToInteger(x));
}

/** Python's `round` / NumPy's `np.round` / TensorFlow's `tf.round`: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction < 0.5) return floor;
  if (fraction > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Clamps `x` to `[low, high]`. */
export function clamp(x: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, x));
}
