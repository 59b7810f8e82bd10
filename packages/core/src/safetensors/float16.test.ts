import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from './float16.js';

const bitsToF32 = (bits: number): number => new Float32Array(new Uint32Array([bits]).buffer)[0]!;
const f32ToBits = (value: number): number => new Uint32Array(new Float32Array([value]).buffer)[0]!;

describe('float16', () => {
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [0, 0x0000],
    [-0, 0x8000],
    [65504, 0x7bff], // largest finite
    [65519, 0x7bff], // below the midpoint to Infinity
    [65520, 0x7c00], // the midpoint ties to even, which is Infinity
    [1e6, 0x7c00],
    [-1e6, 0xfc00],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -14 - 2 ** -24, 0x03ff], // largest subnormal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // halfway between 0 and 2^-24: ties to even (0)
    [bitsToF32(f32ToBits(2 ** -25) + 1), 0x0001], // just above halfway
    [3 * 2 ** -25, 0x0002], // halfway between 1 and 2 ulps: to even (2)
    [5 * 2 ** -25, 0x0002], // halfway between 2 and 3 ulps: to even (2)
    [-(2 ** -24), 0x8001],
    [2 ** -26, 0x0000],
    [1 + 2 ** -11, 0x3c00], // halfway, even below
    [1 + 3 * 2 ** -11, 0x3c02], // halfway, even above
    [1 + 2 ** -11 + 2 ** -20, 0x3c01],
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [2047.5 * 2 ** -10, 0x4000], // halfway below 2: the rounding carries into the exponent
  ])('encodes %d as %i', (value, bits) => {
    expect(float32ToFloat16Bits(value)).toBe(bits);
  });

  it('writes NaN as the canonical quiet NaN, keeping the sign (as PyTorch does)', () => {
    expect(float32ToFloat16Bits(NaN)).toBe(0x7e00);
    expect(float32ToFloat16Bits(bitsToF32(0xffc00001))).toBe(0xfe00);
  });

  it.each([
    [0x3c00, 1],
    [0xc000, -2],
    [0x7bff, 65504],
    [0xfbff, -65504],
    [0x0001, 2 ** -24],
    [0x03ff, 1023 * 2 ** -24],
    [0x0400, 2 ** -14],
    [0x8000, -0],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ])('decodes %i', (bits, value) => {
    expect(Object.is(float16BitsToFloat32(bits), value)).toBe(true);
  });

  it('decodes every NaN pattern to NaN', () => {
    for (const bits of [0x7c01, 0x7e00, 0x7fff, 0xfc01, 0xffff]) expect(float16BitsToFloat32(bits)).toBeNaN();
  });

  it('round-trips every float16 bit pattern except NaN payloads', () => {
    for (let bits = 0; bits < 0x10000; bits += 1) {
      const value = float16BitsToFloat32(bits);
      if (Number.isNaN(value)) continue;
      expect(float32ToFloat16Bits(value)).toBe(bits);
    }
  });

  it('picks the nearest float16 (ties to even) for any float32', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (x) => {
        const bits = float32ToFloat16Bits(x);
        const value = float16BitsToFloat32(bits);
        if (!Number.isFinite(value)) return Math.abs(x) >= 65520;
        // Neighbours one ulp away on either side must be no closer.
        for (const neighbour of [bits + 1, bits - 1]) {
          if ((neighbour & 0x7fff) >= 0x7c00 || neighbour < 0 || ((neighbour ^ bits) & 0x8000) !== 0) continue;
          const other = float16BitsToFloat32(neighbour);
          const d = Math.abs(x - value);
          const e = Math.abs(x - other);
          if (e < d) return false;
          if (e === d && (bits & 1) === 1 && value !== 0) return false;
        }
        return true;
      }),
      { numRuns: 5000 },
    );
  });
});

describe('bfloat16', () => {
  it.each([
    [0x3f800000, 0x3f80], // 1
    [0x3dcccccd, 0x3dcd], // 0.1 rounds up
    [0x40490fdb, 0x4049], // pi rounds down
    [0x3f808000, 0x3f80], // halfway, even below
    [0x3f818000, 0x3f82], // halfway, even above
    [0x3f808001, 0x3f81],
    [0x7f7fffff, 0x7f80], // max float32 overflows to Infinity
    [0x7f800000, 0x7f80],
    [0xff800000, 0xff80],
    [0x00000001, 0x0000], // float32 subnormals round like everything else
    [0x00008000, 0x0000],
    [0x00018000, 0x0002],
    [0x80000000, 0x8000],
  ])('encodes float32 bits %i as %i', (f32bits, bits) => {
    expect(float32ToBfloat16Bits(bitsToF32(f32bits))).toBe(bits);
  });

  it('writes NaN as 0x7FC0, decodes bits exactly', () => {
    expect(float32ToBfloat16Bits(NaN)).toBe(0x7fc0);
    expect(bfloat16BitsToFloat32(0x3f80)).toBe(1);
    expect(bfloat16BitsToFloat32(0xc049)).toBe(bitsToF32(0xc0490000));
    expect(bfloat16BitsToFloat32(0x7fc1)).toBeNaN();
  });

  it('round-trips every bfloat16 bit pattern except NaN payloads', () => {
    for (let bits = 0; bits < 0x10000; bits += 1) {
      const value = bfloat16BitsToFloat32(bits);
      if (!Number.isNaN(value)) expect(float32ToBfloat16Bits(value)).toBe(bits);
    }
  });
});
