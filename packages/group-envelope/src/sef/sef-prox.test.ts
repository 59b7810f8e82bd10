import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceSefProx } from '../../test/support/reference-prox.js';
import { seeded, uniform } from '../../test/support/seeded.js';
import { zoomMinimize } from '../../test/support/zoom-search.js';
import { sefConjugate } from './sef-conjugate.js';
import { sefProx } from './sef-prox.js';
import { sefValue } from './sef-value.js';

const RUNS = { seed: 4242, numRuns: 300 };
const entry = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 10, noNaN: true }), fc.double({ min: -10, max: -1e-3, noNaN: true }));
const vector = (min: number, max: number) => fc.array(entry, { minLength: min, maxLength: max });
const lambdaArb = fc.double({ min: 1e-3, max: 1e3, noNaN: true });
const problem = fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(vector(n, n), fc.integer({ min: 1, max: n }), lambdaArb));
const nnz = (x: ArrayLike<number>): number => Array.from(x).filter((v) => v !== 0).length;
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.max(0, ...Array.from(a, (v, i) => Math.abs(v - (b[i] as number))));

describe('sefProx against direct numerical minimisation (spec B.2)', () => {
  // argmin_x λ·SEF_k(x) + ½‖x − w‖² by a derivative-free grid pattern search on the objective.
  const random = seeded(5);
  const cases: { w: number[]; k: number; lambda: number; d?: number[] }[] = [];
  for (let c = 0; c < 18; c++) {
    const n = 2 + (c % 3);
    cases.push({ w: uniform(random, n, -3, 3), k: 1 + (c % n), lambda: Math.exp(4 * random() - 2) });
  }
  for (let c = 0; c < 6; c++) {
    const n = 2 + (c % 2);
    cases.push({ w: uniform(random, n, -3, 3), k: 1 + (c % n), lambda: Math.exp(4 * random() - 2), d: uniform(random, n, 0.4, 2.5) });
  }

  it.each(cases)('w = $w, k = $k, λ = $lambda, d = $d', ({ w, k, lambda, d }) => {
    const options = d === undefined ? {} : { weights: d };
    const objective = (x: number[]): number => lambda * sefValue(x, k, options) + 0.5 * x.reduce((s, xi, i) => s + (xi - (w[i] as number)) ** 2, 0);
    const direct = zoomMinimize(objective, w.map(() => 0), 1.5 * Math.max(...w.map(Math.abs)));
    const prox = sefProx(w, k, lambda, options);
    expect(maxDiff(prox, direct)).toBeLessThanOrEqual(1e-6);
    expect(objective(Array.from(prox))).toBeLessThanOrEqual(objective(direct) + 1e-12);
  });
});

describe('sefProx optimality', () => {
  it('equals spec B.2 transcribed literally (sort + (r, l) search)', () => {
    fc.assert(
      fc.property(problem, ([w, k, lambda]) => {
        expect(maxDiff(sefProx(w, k, lambda), referenceSefProx(w, k, lambda))).toBeLessThanOrEqual(1e-9 * (1 + Math.max(...w.map(Math.abs))));
      }),
      RUNS,
    );
  });

  it('closes the Fenchel–Young gap: (w − x)/λ ∈ ∂SEF_k(x), weighted or not, up to n = 5000', () => {
    const random = seeded(99);
    for (const n of [10, 100, 1000, 5000]) {
      for (const weighted of [false, true]) {
        const w = uniform(random, n, -2, 2);
        const d = weighted ? uniform(random, n, 0.2, 3) : undefined;
        const options = d === undefined ? {} : { weights: d };
        for (const [k, lambda] of [
          [1, 0.01],
          [Math.ceil(n / 4), 0.05],
          [Math.ceil(n / 2), 1],
          [n - 1, 10],
        ] as const) {
          const x = sefProx(w, k, lambda, options);
          const g = w.map((wi, i) => (wi - (x[i] as number)) / lambda);
          const inner = g.reduce((s, gi, i) => s + gi * (x[i] as number), 0);
          const gap = sefValue(x, k, options) + sefConjugate(g, k, options) - inner;
          const scale = 1 + sefValue(x, k, options) + sefConjugate(g, k, options);
          expect(Math.abs(gap)).toBeLessThanOrEqual(1e-11 * scale);
        }
      }
    }
  });
});

describe('sefProx on large and tied inputs (the sampled-pivot path)', () => {
  it('closes the Fenchel–Young gap with n = 200 000 and with heavy ties', () => {
    const random = seeded(123);
    const big = uniform(random, 200_000, -1, 1);
    const tied = Array.from({ length: 20_000 }, () => [0, 0.5, 1, 2, -1][Math.floor(random() * 5)] as number);
    const equal = new Array<number>(5000).fill(1.25);
    for (const [w, k, lambda] of [
      [big, 50_000, 0.01],
      [big, 1000, 3],
      [tied, 3000, 0.2],
      [tied, 9000, 50],
      [equal, 100, 0.5],
      [equal, 4999, 1e4],
    ] as const) {
      const x = sefProx(w, k, lambda);
      const g = w.map((wi, i) => (wi - (x[i] as number)) / lambda);
      const primal = sefValue(x, k);
      const dual = sefConjugate(g, k);
      const gap = primal + dual - g.reduce((s, gi, i) => s + gi * (x[i] as number), 0);
      expect(Math.abs(gap)).toBeLessThanOrEqual(1e-10 * (1 + primal + dual));
    }
  });
});

describe('sefProx properties (spec B.2)', () => {
  it('k ≥ n gives w / (1 + λ); λ = 0 gives w', () => {
    fc.assert(
      fc.property(vector(1, 30), lambdaArb, fc.integer({ min: 0, max: 3 }), (w, lambda, extra) => {
        expect(maxDiff(sefProx(w, w.length + extra, lambda), w.map((v) => v / (1 + lambda)))).toBeLessThanOrEqual(1e-12 * 10);
        expect(Array.from(sefProx(w, 1, 0))).toEqual(w.map((v) => v + 0));
      }),
      RUNS,
    );
  });

  it('k = 1 is soft thresholding with τ = λ Σ q (the prox of (λ/2)‖x‖₁²)', () => {
    fc.assert(
      fc.property(vector(1, 40), lambdaArb, (w, lambda) => {
        const x = sefProx(w, 1, lambda);
        const tau = lambda * Array.from(x).reduce((s, v) => s + Math.abs(v), 0);
        const soft = w.map((v) => Math.sign(v) * Math.max(0, Math.abs(v) - tau));
        expect(maxDiff(x, soft)).toBeLessThanOrEqual(1e-9);
      }),
      RUNS,
    );
  });

  it('keeps signs, never grows an entry, and has at least min(k, nnz(w)) nonzeros', () => {
    fc.assert(
      fc.property(problem, ([w, k, lambda]) => {
        const x = sefProx(w, k, lambda);
        w.forEach((v, i) => {
          const xi = x[i] as number;
          expect(xi * v).toBeGreaterThanOrEqual(0);
          expect(Math.abs(xi)).toBeLessThanOrEqual(Math.abs(v));
        });
        expect(nnz(x)).toBeGreaterThanOrEqual(Math.min(k, nnz(w)));
      }),
      RUNS,
    );
  });

  it('support size decreases to k as λ grows (n = 20, k = 5)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), { minLength: 20, maxLength: 20 }), (magnitudes) => {
        const w = magnitudes.map((v, i) => (i % 3 === 0 ? -v : v));
        const sorted = [...magnitudes].sort((a, b) => b - a);
        let previous = Number.POSITIVE_INFINITY;
        for (const lambda of [1e-3, 1e-2, 0.1, 0.3, 1, 3, 10, 100, 1e3, 1e4]) {
          const support = nnz(sefProx(w, 5, lambda));
          expect(support).toBeLessThanOrEqual(previous);
          expect(support).toBeGreaterThanOrEqual(5);
          previous = support;
        }
        // Once z_6 ≤ z_5·λ/(1+λ) the support is exactly k.
        if ((sorted[5] as number) < 0.99 * (sorted[4] as number)) expect(nnz(sefProx(w, 5, 1e4))).toBe(5);
      }),
      { seed: 77, numRuns: 200 },
    );
  });

  it('is firmly nonexpansive: ‖p(a) − p(b)‖² ≤ ⟨p(a) − p(b), a − b⟩', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }).chain((n) => fc.tuple(vector(n, n), vector(n, n), fc.integer({ min: 1, max: n }), lambdaArb)),
        ([a, b, k, lambda]) => {
          const pa = sefProx(a, k, lambda);
          const pb = sefProx(b, k, lambda);
          let lhs = 0;
          let rhs = 0;
          for (let i = 0; i < a.length; i++) {
            const dp = (pa[i] as number) - (pb[i] as number);
            lhs += dp * dp;
            rhs += dp * ((a[i] as number) - (b[i] as number));
          }
          expect(lhs).toBeLessThanOrEqual(rhs + 1e-9 * (1 + rhs));
        },
      ),
      RUNS,
    );
  });

  it('is positively homogeneous and works at extreme scales', () => {
    const w = [3, -1, 0.2, 0.1, 2.5];
    const base = sefProx(w, 2, 0.3);
    for (const c of [1e-200, 1e-20, 1e20, 1e200]) {
      const scaled = sefProx(w.map((v) => v * c), 2, 0.3);
      expect(maxDiff(Array.from(scaled, (v) => v / c), base)).toBeLessThanOrEqual(1e-12);
    }
    expect(Array.from(sefProx([0, 0, 0], 1, 1))).toEqual([0, 0, 0]);
    expect(Array.from(sefProx([], 1, 1))).toEqual([]);
  });

  it('writes into out (Float32Array allowed, in place allowed) and rejects bad arguments', () => {
    const w = Float32Array.of(3, -1, 0.2, 0.1);
    const out = new Float32Array(4);
    expect(sefProx(w, 2, 0.5, { out })).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(Float32Array.of(2, -2 / 3, 0, 0)));
    sefProx(w, 2, 0.5, { out: w });
    expect(Array.from(w)).toEqual(Array.from(out));
    expect(() => sefProx([1, 2], 2, -1)).toThrow(expect.objectContaining({ code: 'E_ARGUMENT', details: expect.objectContaining({ field: 'lambda' }) }));
    expect(() => sefProx([1, 2], 0, 1)).toThrow(/k must be an integer ≥ 1/);
    expect(() => sefProx([1, Number.POSITIVE_INFINITY], 1, 1)).toThrow(/w\[1\] is Infinity/);
    expect(() => sefProx([1, 2], 1, 1, { out: new Float64Array(3) })).toThrow(/out has 3 entries/);
  });
});
