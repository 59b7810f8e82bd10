/**
 * Order-preserving int32 keys of float32 scores, the representation every selection in
 * `selection/` works on (internal module).
 *
 * `key(x) = bits(x) ^ ((bits(x) >> 31) & 0x7fffffff)` maps float32 order onto signed int32 order;
 * `-0` is folded onto `+0` (they tie) and every NaN onto the key of `-Infinity` (pruned first).
 */

/** The key of `-Infinity`; NaN scores get it too. */
export const NEG_INF_KEY = -2139095041;
/** The key of `+Infinity`. */
export const POS_INF_KEY = 0x7f800000;

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The int32 view of a float32 array's bits (no copy). */
export function bitsOf(scores: Float32Array): Int32Array {
  return new Int32Array(scores.buffer, scores.byteOffset, scores.length);
}

/** The key of one int32 bit pattern. Hot loops inline the same three lines. */
export function keyOfBits(bits: number): number {
  let k = bits ^ ((bits >> 31) & 0x7fffffff);
  if (k === -1) k = 0;
  else if (k > POS_INF_KEY || k < NEG_INF_KEY) k = NEG_INF_KEY;
  return k;
}

/** The key of a number, after rounding it to float32. */
export function keyOf(value: number): number {
  f32[0] = value;
  return keyOfBits(i32[0] as number);
}

/** The float32 value a key stands for (NaN keys read back as `-Infinity`). */
export function valueOfKey(key: number): number {
  i32[0] = key ^ ((key >> 31) & 0x7fffffff);
  return f32[0] as number;
}

/**
 * The smallest key whose value is `>= threshold` (a float64), so that for every float32 `x`:
 * `x < threshold` exactly when `key(x) < keyAtLeast(threshold)`.
 */
export function keyAtLeast(threshold: number): number {
  if (Number.isNaN(threshold)) return NEG_INF_KEY;
  if (threshold === Infinity) return POS_INF_KEY;
  if (threshold === -Infinity) return NEG_INF_KEY;
  const rounded = Math.fround(threshold);
  const key = keyOf(rounded);
  if (rounded >= threshold) return key;
  // rounded < threshold: the next float32 up is the first one >= threshold.
  const next = key + 1;
  return next === -1 ? 0 : next;
}
