import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bracketSimd, bracketSimdAvailable } from './bracket-simd.js';

/** The pass written the slow way, on the same keys (NaN as -Infinity's key, -0 as +0). */
function reference(bits: Int32Array, lo: number, hi: number, count: number): { below: number; nan: number; inside: number[] } {
  const negativeInfinityKey = -2139095041;
  const positiveInfinityKey = 2139095040;
  let below = 0;
  let nan = 0;
  const inside: number[] = [];
  for (let i = 0; i < count; i++) {
    const b = bits[i] as number;
    let k = b ^ ((b >> 31) & 0x7fffffff);
    if (k > positiveInfinityKey || k < negativeInfinityKey) {
      nan++;
      k = negativeInfinityKey;
    } else if (k === -1) k = 0;
    if (k < lo) below++;
    if (k >= lo && k <= hi) inside.push(k);
  }
  return { below, nan, inside };
}

const special = fc.constantFrom(0, -0, 1, -1, 0.5, Number.NaN, -Number.NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38);
const bitPattern = fc.oneof(fc.integer({ min: -0x80000000, max: 0x7fffffff }), special.map((value) => new Int32Array(new Float32Array([value]).buffer)[0] as number));

describe('bracketSimd', () => {
  it('is available on Node 20 (WebAssembly SIMD)', () => {
    expect(bracketSimdAvailable()).toBe(true);
  });

  it('counts below and NaN and copies the keys inside exactly as the scalar pass, for any bits and bracket', () => {
    fc.assert(
      fc.property(fc.array(bitPattern, { maxLength: 300 }), bitPattern, bitPattern, (values, a, b) => {
        const bits = Int32Array.from(values);
        const keyOf = (x: number) => x ^ ((x >> 31) & 0x7fffffff);
        const [lo, hi] = [keyOf(a), keyOf(b)].sort((x, y) => x - y) as [number, number];
        const inside = new Int32Array(bits.length + 1);
        const counts = bracketSimd(bits, lo, (hi - lo) | 0, inside, 1);
        const whole = bits.length & ~3;
        const expected = reference(bits, lo, hi, whole);
        expect(counts).toEqual({ below: expected.below, nan: expected.nan, inside: expected.inside.length });
        expect(Array.from(inside.subarray(1, 1 + expected.inside.length))).toEqual(expected.inside);
      }),
      { seed: 20_261_206, numRuns: 300 },
    );
  });

  it('takes the positive-bracket pass for 0 < lo ≤ hi ≤ +Infinity and agrees with the scalar pass there too', () => {
    const positiveKey = fc.integer({ min: 1, max: 2139095040 });
    fc.assert(
      fc.property(fc.array(bitPattern, { maxLength: 300 }), positiveKey, positiveKey, (values, a, b) => {
        const bits = Int32Array.from(values);
        const [lo, hi] = [a, b].sort((x, y) => x - y) as [number, number];
        const inside = new Int32Array(bits.length);
        const counts = bracketSimd(bits, lo, hi - lo, inside, 0);
        const expected = reference(bits, lo, hi, bits.length & ~3);
        expect(counts).toEqual({ below: expected.below, nan: expected.nan, inside: expected.inside.length });
        expect(Array.from(inside.subarray(0, expected.inside.length))).toEqual(expected.inside);
      }),
      { seed: 20_261_207, numRuns: 300 },
    );
  });

  it('reports more inside than the room left, copying only what fits, across chunks', () => {
    const n = (1 << 22) + 1000;
    const bits = new Int32Array(n);
    for (let i = 0; i < n; i++) bits[i] = new Int32Array(new Float32Array([(i % 1000) / 10]).buffer)[0] as number;
    const lo = new Int32Array(new Float32Array([10]).buffer)[0] as number;
    const hi = new Int32Array(new Float32Array([20]).buffer)[0] as number;
    const expected = reference(bits, lo, hi, n & ~3);
    const roomy = new Int32Array(expected.inside.length);
    expect(bracketSimd(bits, lo, hi - lo, roomy, 0)).toEqual({ below: expected.below, nan: 0, inside: expected.inside.length });
    expect(Array.from(roomy)).toEqual(expected.inside);
    const tight = new Int32Array(1000);
    expect(bracketSimd(bits, lo, hi - lo, tight, 0)?.inside).toBeGreaterThan(1000);
  });
});
