import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activate, activationGradient, erf, erfc, erfSeries, gelu, geluDerivative, silu, siluDerivative } from './trainer-activations.js';

/** Reference values: Python's `math.erf` and `math.erfc` (the C library's, correctly rounded or within an ulp). */
const ERF: readonly [number, number][] = [
  [1e-8, 1.1283791670955126e-8], [0.001, 0.0011283787909692365], [0.1, 0.1124629160182849], [0.25, 0.2763263901682369],
  [0.5, 0.5204998778130465], [0.75, 0.7111556336535151], [1, 0.8427007929497149], [1.25, 0.9229001282564582],
  [1.5, 0.9661051464753108], [1.75, 0.9866716712191824], [1.99, 0.995111413199617], [2, 0.9953222650189527],
  [2.01, 0.9955248493552482], [2.5, 0.999593047982555], [3, 0.9999779095030014], [3.5, 0.9999992569016276],
  [4, 0.9999999845827421], [5, 0.9999999999984626], [6, 1],
];
const ERFC: readonly [number, number][] = [
  [0.5, 0.4795001221869535], [1, 0.15729920705028513], [1.5, 0.033894853524689274], [1.99, 0.004888586800383003],
  [2, 0.004677734981047265], [2.01, 0.004475150644751763], [2.5, 0.0004069520174449589], [3, 2.2090496998585438e-5],
  [4, 1.541725790028002e-8], [5, 1.5374597944280351e-12], [6, 2.1519736712498916e-17], [8, 1.1224297172982928e-29],
  [10, 2.088487583762545e-45], [15, 7.212994172451206e-100], [20, 5.3958656116079005e-176], [26, 5.663192408856143e-296],
];

/** Distance in float64 ulps (of the expected value). */
const ulps = (actual: number, expected: number) => Math.abs(actual - expected) / (Number.EPSILON * 2 ** Math.floor(Math.log2(Math.abs(expected))));

describe('the trainer\'s activations', () => {
  // Measured: erf within 8 float64 ulps on these points (at 2.5; the series the table is built from is off as much there); erfc within 5 ulps below z = 1.5 and from
  // z = 3 on, between them 1 − erf (15,518 ulps at 2.5, a relative error of 3.4e-12): far below
  // float32's 6e-8, so every float32 rounding is the reference's.
  it('computes erf to 8 float64 ulps and erfc to 1e-11 relative, so their float32 roundings are exact', () => {
    let worstErf = 0;
    let worstErfc = 0;
    for (const [z, expected] of ERF) {
      for (const sign of [1, -1]) {
        worstErf = Math.max(worstErf, ulps(erf(sign * z), sign * expected));
        expect(Math.fround(erf(sign * z))).toBe(Math.fround(sign * expected));
      }
    }
    for (const [z, expected] of ERFC) {
      worstErfc = Math.max(worstErfc, Math.abs(erfc(z) - expected) / expected);
      expect(Math.fround(erfc(z))).toBe(Math.fround(expected));
      expect(Math.abs(erfc(-z) - (2 - expected))).toBeLessThan(4e-15);
    }
    expect(worstErf).toBeLessThanOrEqual(8);
    expect(worstErfc).toBeLessThan(1e-11);
    expect(erf(0)).toBe(0);
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
    expect(erfc(Number.NaN)).toBeNaN();
  });

  it('has erf + erfc = 1, erf odd, erf\'s derivative 2/√π·e^{−z²}, and its Taylor table agrees with the series (fast-check)', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (z) => {
        // The table (|z| < 3) against the series it was built from: measured within 10 ulps over 2·10⁶ random points.
        if (Math.abs(z) < 3 && z !== 0) expect(Math.abs(erf(z) - erfSeries(z)) / Math.abs(erfSeries(z))).toBeLessThan(16 * Number.EPSILON);
        expect(Math.abs(erf(z) + erfc(z) - 1)).toBeLessThan(4e-16);
        expect(erf(-z)).toBe(-erf(z));
        const h = 1e-5;
        const slope = (erf(z + h) - erf(z - h)) / (2 * h);
        expect(Math.abs(slope - (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z))).toBeLessThan(1e-9);
      }),
    );
  });

  it('computes GELU and SiLU as tfjs-layers defines them (erf GELU, x·sigmoid(x)), and their derivatives (fast-check)', () => {
    fc.assert(
      fc.property(fc.double({ min: -20, max: 20, noNaN: true }), (x) => {
        expect(gelu(x)).toBeCloseTo(x * 0.5 * (1 + erf(x / Math.SQRT2)), 14);
        expect(silu(x)).toBeCloseTo(x * (1 / (1 + Math.exp(-x))), 14);
        const h = 1e-5;
        expect(Math.abs((gelu(x + h) - gelu(x - h)) / (2 * h) - geluDerivative(x))).toBeLessThan(1e-8);
        expect(Math.abs((silu(x + h) - silu(x - h)) / (2 * h) - siluDerivative(x))).toBeLessThan(1e-8);
      }),
    );
    // Known values: GELU(1) = Φ(1) = 0.8413447460685429, GELU(−1) = −(1 − Φ(1)); SiLU(0) = 0, SiLU'(0) = GELU'(0) = ½.
    expect(gelu(1)).toBeCloseTo(0.8413447460685429, 15);
    expect(gelu(-1)).toBeCloseTo(-0.15865525393145707, 15);
    expect(gelu(0)).toBe(0);
    expect(silu(0)).toBe(0);
    expect(geluDerivative(0)).toBe(0.5);
    expect(siluDerivative(0)).toBe(0.5);
  });

  it('applies them in place over a column range of every row, keeping the derivatives, then multiplies a gradient by those', () => {
    const [rows, stride] = [3, 8];
    const size = rows * stride;
    for (const [activation, f, d] of [['gelu', gelu, geluDerivative], ['silu', silu, siluDerivative]] as const) {
      const floats = new Float32Array(3 * size);
      for (let i = 0; i < size; i++) floats[i] = (i - 12) / 4;
      const pre = floats.slice(0, size);
      floats.fill(7, size, 2 * size);
      activate(floats, activation, 0, size, rows, stride, 2, 5);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < stride; j++) {
          const i = r * stride + j;
          const inside = j >= 2 && j < 5;
          expect(floats[i]).toBe(inside ? Math.fround(f(pre[i] as number)) : pre[i]);
          expect(floats[size + i]).toBe(inside ? Math.fround(d(pre[i] as number)) : 7);
        }
      }
      for (let i = 0; i < size; i++) floats[2 * size + i] = (i % 5) - 2.5;
      const delta = floats.slice(2 * size);
      activationGradient(floats, 2 * size, size, rows, stride, 0, 8);
      for (let i = 0; i < size; i++) expect(floats[2 * size + i]).toBe(Math.fround((delta[i] as number) * (floats[size + i] as number)));
    }
  });
});
