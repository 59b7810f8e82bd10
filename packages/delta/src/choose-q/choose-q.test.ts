import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '@sparse/core';
import { analyticalQ, analyticalQMap } from './analytical-q.js';
import { meanAbsoluteChange, meanWithoutOutlier, outputChangeObjective } from './output-change.js';
import { searchQ } from './search-q.js';

describe('searchQ (coarse then fine, DAREx find_optimal_param)', () => {
  it('finds the maximum of a unimodal objective within the fine step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0.1, max: 0.3, noNaN: true }), async (peak) => {
        const { best } = await searchQ({ lower: 0.1, upper: 0.3, step: 0.05, objective: (q) => -Math.abs(q - peak) });
        expect(Math.abs(best - peak)).toBeLessThanOrEqual(0.005 + 1e-9);
      }),
    );
  });

  it('evaluates the DAREx grids: coarse stops after 4 misses in a row, fine starts 0.9 steps below the best', async () => {
    const seen: [number, string][] = [];
    const { best, evaluations } = await searchQ({
      lower: 0.1,
      upper: 0.6,
      step: 0.05,
      objective: (q) => -Math.abs(q - 0.15),
      onEvaluation: (q, _score, phase) => seen.push([q, phase]),
    });
    expect(best).toBe(0.15);
    expect(seen.filter(([, phase]) => phase === 'coarse').map(([q]) => q)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    // Fine grid from max(0.1 + 0.005, 0.15 − 0.045) = 0.105 upward in steps of 0.005, stopping after 4 misses past 0.15.
    const fine = seen.filter(([, phase]) => phase === 'fine').map(([q]) => q);
    expect(fine).toEqual([0.105, 0.11, 0.115, 0.12, 0.125, 0.13, 0.135, 0.14, 0.145, 0.155, 0.16, 0.165, 0.17]);
    expect(evaluations.length).toBe(seen.length);
  });

  it('rejects a bad interval', async () => {
    await expect(searchQ({ lower: 0.3, upper: 0.1, step: 0.05, objective: () => 0 })).rejects.toThrow(/upper/);
  });
});

describe('output change (DAREx outputchange)', () => {
  it('averages without the value farthest from the mean, from three values on', () => {
    expect(meanWithoutOutlier([1, 1.2, 0.9, 5])).toBeCloseTo(3.1 / 3, 12);
    expect(meanWithoutOutlier([1, 3])).toBe(2);
    expect(meanAbsoluteChange([1, 2], [1.5, 1])).toBe(0.75);
  });

  it('builds a higher-is-better objective over drop seeds', async () => {
    const objective = outputChangeObjective((q, seed) => q + (seed === 2 ? 100 : seed * 0.01));
    expect(await objective(0.5)).toBeCloseTo(-(0.5 + 0.01 / 3 + 0.03 / 3), 10);
  });
});

/** DAREx analytical_resolve_new, transcribed loop for loop (float64, no early-stop shortcut). */
function reference(p: number, rows: number[][], eta: number, gamma: number, stopIter: number): number[] {
  const phi = (1 - 2 * p) / Math.log((1 - p) / p);
  const qo = rows.map(() => 1 - p);
  const best = rows.map(() => 10000);
  const stop = rows.map(() => 0);
  for (let k = Math.ceil((1 - p) * 1000 - 1e-9); k < 999; k++) {
    const q = k * 0.001;
    const res = rows.map((c) => {
      const s1 = c.reduce((a, b) => a + b, 0);
      const s2 = c.reduce((a, b) => a + b * b, 0);
      return Math.abs(eta * (1 - (1 - p) / q) * s1 + (eta ** 2 * phi * s2) / (4 * q ** 2) + Math.log(2 / (1 - gamma)));
    });
    const improved = res.map((r, i) => r <= best[i]!);
    const worse = res.map((r, i) => r >= best[i]!);
    res.forEach((r, i) => {
      if (improved[i]) {
        best[i] = r;
        qo[i] = q;
      }
      if (worse[i]) stop[i] = 1;
    });
    if (stop.reduce((a, b) => a + b, 0) / stop.length >= stopIter) break;
  }
  return qo;
}

describe('analyticalQ (DAREx analyticalq.py)', () => {
  it('matches a line-by-line transcription of the reference loop', () => {
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(0.9, 0.99, 0.7), fc.double({ min: 0.05, max: 2, noNaN: true }), (seed, rate, eta) => {
        const inputs = 6;
        const outputs = 5;
        const rng = new Random(seed);
        const delta = rng.fillNormal(new Float32Array(inputs * outputs), 0.01, 0.05);
        const inputMean = rng.fillNormal(new Float32Array(inputs), 0.3, 1);
        const biasDelta = rng.fillNormal(new Float32Array(outputs), 0, 0.01);
        const { q, perNeuron } = analyticalQ({ name: 'w', delta, inputs, outputs, inputMean, biasDelta }, { rate, eta });
        const rows = Array.from({ length: outputs }, (_, i) => [...Array.from({ length: inputs }, (_, j) => delta[j * outputs + i]! * inputMean[j]!), biasDelta[i]!]);
        const expected = reference(rate, rows, eta, 0.95, 0.8);
        Array.from(perNeuron).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 12));
        expect(q).toBeCloseTo(expected.reduce((a, b) => a + b, 0) / outputs, 12);
        expect(q).toBeGreaterThanOrEqual(1 - rate - 1e-12);
        expect(q).toBeLessThan(1);
      }),
    );
  });

  it('reads PyTorch [out, in] layouts and maps kernel and bias names to the layer q', () => {
    const delta = Float32Array.from([0.1, -0.2, 0.3, 0.05, 0.02, -0.01]);
    const transposed = Float32Array.from([0.1, 0.3, 0.02, -0.2, 0.05, -0.01]);
    const layer = { name: 'fc', inputs: 3, outputs: 2, inputMean: Float32Array.from([1, 2, 3]) };
    const a = analyticalQ({ ...layer, delta }, { rate: 0.9, eta: 1 });
    const b = analyticalQ({ ...layer, delta: transposed, layout: 'out-in' }, { rate: 0.9, eta: 1 });
    expect(Array.from(b.perNeuron)).toEqual(Array.from(a.perNeuron));
    const map = analyticalQMap([{ ...layer, delta, biasName: 'fc.bias', biasDelta: Float32Array.from([0, 0]) }], { rate: 0.9, eta: 1 });
    expect([...map.keys()]).toEqual(['fc', 'fc.bias']);
    expect(() => analyticalQ({ ...layer, delta: new Float32Array(5) }, { rate: 0.9, eta: 1 })).toThrow(/needs delta of 3×2/);
    expect(() => analyticalQ({ ...layer, delta }, { rate: 1, eta: 1 })).toThrow(/rate/);
  });
});
