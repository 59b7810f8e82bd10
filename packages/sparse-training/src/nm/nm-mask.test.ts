import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSparseError, nmPattern } from '@sparse/core';
import { countNmViolations, nmMask } from './nm-mask.js';

/** A kernel [inputs, outputs] with values drawn from a small set (many ties, zeros, negatives, sometimes NaN). */
const kernelArbitrary = fc
  .record({ inputs: fc.integer({ min: 1, max: 40 }), outputs: fc.integer({ min: 1, max: 5 }), m: fc.integer({ min: 1, max: 12 }), nFraction: fc.double({ min: 0, max: 1, noNaN: true }), seedValues: fc.boolean() })
  .chain(({ inputs, outputs, m, nFraction, seedValues }) => {
    const n = Math.max(1, Math.min(m, Math.ceil(nFraction * m)));
    const value = seedValues ? fc.constantFrom(0, 1, -1, 2, -2, 0.5, Number.NaN) : fc.float({ noNaN: true, noDefaultInfinity: true });
    return fc.record({ inputs: fc.constant(inputs), outputs: fc.constant(outputs), m: fc.constant(m), n: fc.constant(n), values: fc.array(value, { minLength: inputs * outputs, maxLength: inputs * outputs }) });
  });

describe('nmMask', () => {
  it('keeps exactly min(n, size) in every group of m consecutive inputs of each output (short last groups too)', () => {
    fc.assert(
      fc.property(kernelArbitrary, ({ inputs, outputs, m, n, values }) => {
        const mask = nmMask(Float32Array.from(values), inputs, outputs, n, m);
        for (let start = 0; start < inputs; start += m) {
          const end = Math.min(start + m, inputs);
          for (let j = 0; j < outputs; j++) {
            let kept = 0;
            for (let i = start; i < end; i++) {
              const v = mask[i * outputs + j] as number;
              expect(v === 0 || v === 1).toBe(true);
              kept += v;
            }
            expect(kept).toBe(Math.min(n, end - start));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("selects exactly what core's nmPattern selects with magnitude scores (ties and NaN included)", () => {
    fc.assert(
      fc.property(kernelArbitrary, ({ inputs, outputs, m, n, values }) => {
        const kernel = Float32Array.from(values);
        const scores = kernel.map((v) => Math.abs(v));
        const expected = nmPattern({ n, m }).select({ name: 'fc1/kernel', role: 'dense-kernel', shape: [inputs, outputs], scores, alive: new Uint8Array(kernel.length).fill(1) });
        expect(Array.from(nmMask(kernel, inputs, outputs, n, m))).toEqual(Array.from(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent: the masked kernel masks to itself, and to the same mask when magnitudes are distinct and nonzero', () => {
    fc.assert(
      fc.property(kernelArbitrary, ({ inputs, outputs, m, n, values }) => {
        const kernel = Float32Array.from(values, (v) => (Number.isNaN(v) ? 0 : v));
        const mask = nmMask(kernel, inputs, outputs, n, m);
        const masked = kernel.map((v, i) => v * (mask[i] as number));
        const again = nmMask(masked, inputs, outputs, n, m);
        expect(Array.from(masked.map((v, i) => v * (again[i] as number)))).toEqual(Array.from(masked));
        expect(countNmViolations(masked, inputs, outputs, n, m)).toBe(0);
        const distinct = Float32Array.from({ length: kernel.length }, (_, i) => (i + 1) * (i % 3 === 0 ? -1 : 1) * ((values[i] as number) > 0 ? 1 : 1.5));
        const distinctMask = nmMask(distinct, inputs, outputs, n, m);
        expect(Array.from(nmMask(distinct.map((v, i) => v * (distinctMask[i] as number)), inputs, outputs, n, m))).toEqual(Array.from(distinctMask));
      }),
      { numRuns: 200 },
    );
  });

  it('prunes the lower index first among equal magnitudes (spec §0) and keeps the largest |w|', () => {
    expect(Array.from(nmMask(Float32Array.from([1, -1, 1, -1]), 4, 1, 2, 4))).toEqual([0, 0, 1, 1]);
    expect(Array.from(nmMask(Float32Array.from([0.1, -3, 2, 0.5]), 4, 1, 2, 4))).toEqual([0, 1, 1, 0]);
    // [in=4, out=2]: groups run down each column.
    expect(Array.from(nmMask(Float32Array.from([5, 0, 4, 0, 0, 3, 0, 2]), 4, 2, 1, 4))).toEqual([1, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('rejects bad sizes with E_ARGUMENT', () => {
    expect(() => nmMask(new Float32Array(4), 4, 1, 3, 2)).toThrow(/n \(kept per group\) must be at most m/);
    expect(() => nmMask(new Float32Array(3), 4, 1, 2, 4)).toThrow(/has 4 values, got 3/);
    let caught: unknown;
    try {
      nmMask(new Float32Array(4), 4, 1, 0, 4);
    } catch (error) {
      caught = error;
    }
    expect(isSparseError(caught, 'E_ARGUMENT')).toBe(true);
  });
});

describe('countNmViolations', () => {
  it('counts the groups with more than n nonzeros', () => {
    expect(countNmViolations(Float32Array.from([0, 1, 2, 0]), 4, 1, 2, 4)).toBe(0);
    expect(countNmViolations(Float32Array.from([3, 1, 2, 0]), 4, 1, 2, 4)).toBe(1);
    // A short last group of 2 at 1:4 allows one nonzero.
    expect(countNmViolations(Float32Array.from([1, 0, 0, 0, 1, 1]), 6, 1, 1, 4)).toBe(1);
  });

  it('finds every weight put back into a pruned slot of a full group', () => {
    fc.assert(
      fc.property(kernelArbitrary, fc.nat(), ({ inputs, outputs, m, n, values }, pick) => {
        const kernel = Float32Array.from(values, (v, i) => (Number.isNaN(v) || v === 0 ? i + 1 : v));
        const mask = nmMask(kernel, inputs, outputs, n, m);
        const masked = kernel.map((v, i) => v * (mask[i] as number));
        const pruned = [...mask.keys()].filter((i) => mask[i] === 0);
        fc.pre(pruned.length > 0);
        const index = pruned[pick % pruned.length] as number;
        masked[index] = 1;
        expect(countNmViolations(masked, inputs, outputs, n, m)).toBe(1);
      }),
      { numRuns: 200 },
    );
  });
});
