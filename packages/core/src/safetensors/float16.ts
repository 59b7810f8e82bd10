/*
 * IEEE 754 binary16 (F16) and bfloat16 (BF16) conversions from and to float32, bit for bit as
 * PyTorch's c10::Half and c10::BFloat16 do them: round to nearest, ties to even; F16 subnormals
 * kept; overflow to ±Infinity; NaN written as the canonical quiet NaN (0x7E00 with the sign for F16,
 * 0x7FC0 for BF16).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * Converts a number to the bits of the nearest float16 (first rounded to float32, as a
 * `Float32Array` element is): round to nearest, ties to even, subnormals kept, too large to
 * ±Infinity, NaN to `0x7E00` (sign kept), like PyTorch's `tensor.half()`.
 *
 * @example
 * ```ts
 * import { float32ToFloat16Bits } from '@sparse/core';
 *
 * console.log(float32ToFloat16Bits(1).toString(16)); // '3c00'
 * console.log(float32ToFloat16Bits(65520).toString(16)); // '7c00' (rounds up to Infinity)
 * ```
 */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | (mantissa === 0 ? 0x7c00 : 0x7e00);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal float16 (or zero): shift the full significand right, rounding to nearest even.
    if (e < -10) return sign;
    const significand = mantissa | 0x800000;
    const shift = 14 - e;
    const half = 2 ** (shift - 1);
    const remainder = significand % (2 * half);
    let bits = Math.floor(significand / (2 * half));
    if (remainder > half || (remainder === half && (bits & 1) === 1)) bits += 1;
    return sign | bits;
  }
  let bits = (e << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (and 0x7bff + 1 is Infinity).
  if (remainder > 0x1000 || (remainder === 0x1000 && (bits & 1) === 1)) bits += 1;
  return sign | bits;
}

/**
 * Converts float16 bits to the number they represent (exact: every float16 is a float32).
 *
 * @example
 * ```ts
 * import { float16BitsToFloat32 } from '@sparse/core';
 *
 * console.log(float16BitsToFloat32(0x3c00)); // 1
 * console.log(float16BitsToFloat32(0x0001)); // 5.960464477539063e-8 (smallest subnormal)
 * ```
 */
export function float16BitsToFloat32(bits: number): number {
  const sign = (bits & 0x8000) !== 0 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/**
 * Converts a number to the bits of the nearest bfloat16 (first rounded to float32): round to
 * nearest, ties to even, NaN to `0x7FC0`, like PyTorch's `tensor.bfloat16()`.
 *
 * @example
 * ```ts
 * import { float32ToBfloat16Bits } from '@sparse/core';
 *
 * console.log(float32ToBfloat16Bits(1).toString(16)); // '3f80'
 * ```
 */
export function float32ToBfloat16Bits(value: number): number {
  if (Number.isNaN(value)) return 0x7fc0;
  f32[0] = value;
  const x = u32[0] ?? 0;
  const roundingBias = ((x >>> 16) & 1) + 0x7fff;
  return ((x + roundingBias) >>> 16) & 0xffff;
}

/**
 * Converts bfloat16 bits to the number they represent (exact: the upper half of a float32).
 *
 * @example
 * ```ts
 * import { bfloat16BitsToFloat32 } from '@sparse/core';
 *
 * console.log(bfloat16BitsToFloat32(0x3f80)); // 1
 * ```
 */
export function bfloat16BitsToFloat32(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0] ?? 0;
}
