import { describe, expect, it } from 'vitest';
import { seeded, uniform } from '../../test/support/seeded.js';
import { zoomMinimize } from '../../test/support/zoom-search.js';
import { groupLassoScales, groupSefValue, gsefScales } from './group-prox.js';
import { sefConjugate } from './sef-conjugate.js';
import { sefValue } from './sef-value.js';

/** A random partition of 0 … n−1 into groups (shuffled, uneven sizes). */
function randomGroups(random: () => number, n: number, m: number): number[][] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const groups: number[][] = Array.from({ length: m }, (_, g) => [order[g] as number]);
  for (let i = m; i < n; i++) groups[Math.floor(random() * m)]?.push(order[i] as number);
  return groups;
}

const normsOf = (v: readonly number[], groups: readonly number[][]): number[] => groups.map((g) => Math.sqrt(g.reduce((s, i) => s + (v[i] as number) ** 2, 0)));

function applyScales(v: readonly number[], groups: readonly number[][], scales: ArrayLike<number>): number[] {
  const out = [...v];
  groups.forEach((g, j) => {
    for (const i of g) out[i] = (v[i] as number) * (scales[j] as number);
  });
  return out;
}

const maxDiff = (a: readonly number[], b: readonly number[]): number => Math.max(0, ...a.map((v, i) => Math.abs(v - (b[i] as number))));

describe('gsefScales: the group prox on random groups (spec B.3)', () => {
  it('matches direct numerical minimisation of λ·GSEF_k(θ) + ½‖θ − v‖² (1e-6)', () => {
    const random = seeded(31);
    for (let c = 0; c < 12; c++) {
      const n = 3 + (c % 2);
      const m = 2 + (c % 2);
      const groups = randomGroups(random, n, m);
      const v = uniform(random, n, -2, 2);
      const k = 1 + (c % (m - 1));
      const lambda = Math.exp(3 * random() - 1.5);
      const d = c % 3 === 2 ? uniform(random, m, 0.5, 2) : undefined;
      const options = d === undefined ? {} : { weights: d };
      const objective = (x: number[]): number => lambda * sefValue(normsOf(x, groups), k, options) + 0.5 * x.reduce((s, xi, i) => s + (xi - (v[i] as number)) ** 2, 0);
      const direct = zoomMinimize(objective, v.map(() => 0), 1.5 * Math.max(...v.map(Math.abs)));
      const prox = applyScales(v, groups, gsefScales(normsOf(v, groups), k, lambda, options));
      expect(maxDiff(prox, direct), JSON.stringify({ groups, v, k, lambda, d })).toBeLessThanOrEqual(1e-6);
    }
  });

  it('closes the group Fenchel–Young gap on large random groups, weighted or not', () => {
    // GSEF(θ) = SEF(‖θ_G‖), GSEF*(g) = SEF*(‖g_G‖); x = prox iff the gap at g = (v − x)/λ is 0.
    const random = seeded(32);
    for (const [n, m] of [
      [50, 10],
      [400, 60],
      [3000, 500],
    ] as const) {
      for (const weighted of [false, true]) {
        const groups = randomGroups(random, n, m);
        const v = uniform(random, n, -1, 1);
        const d = weighted ? uniform(random, m, 0.3, 3) : undefined;
        const options = d === undefined ? {} : { weights: d };
        for (const [k, lambda] of [
          [1, 0.1],
          [Math.ceil(m / 4), 0.5],
          [Math.ceil(m / 2), 5],
        ] as const) {
          const x = applyScales(v, groups, gsefScales(normsOf(v, groups), k, lambda, options));
          const g = v.map((vi, i) => (vi - (x[i] as number)) / lambda);
          const primal = sefValue(normsOf(x, groups), k, options);
          const dual = sefConjugate(normsOf(g, groups), k, options);
          const gap = primal + dual - g.reduce((s, gi, i) => s + gi * (x[i] as number), 0);
          expect(Math.abs(gap)).toBeLessThanOrEqual(1e-11 * (1 + primal + dual));
        }
      }
    }
  });

  it('single-element groups reduce to the vector prox (GSEF = SEF)', () => {
    const random = seeded(33);
    const v = uniform(random, 50, -3, 3);
    const groups = v.map((_, i) => [i]);
    const scales = gsefScales(normsOf(v, groups), 7, 0.4);
    const x = applyScales(v, groups, scales);
    const g = v.map((vi, i) => (vi - (x[i] as number)) / 0.4);
    const gap = sefValue(x, 7) + sefConjugate(g, 7) - g.reduce((s, gi, i) => s + gi * (x[i] as number), 0);
    expect(Math.abs(gap)).toBeLessThanOrEqual(1e-12 * (1 + sefValue(x, 7)));
    expect(x.filter((xi) => xi !== 0).length).toBeGreaterThanOrEqual(7);
  });

  it('gives factors in [0, 1], 0 for zero-norm groups, and checks its arguments', () => {
    const scales = gsefScales([2, 0, 1.5, 0.05], 2, 0.1);
    expect(Array.from(scales).every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(scales[1]).toBe(0);
    expect(() => gsefScales([1, -1], 1, 0.1)).toThrow(/norms\[1\] is -1/);
    expect(() => gsefScales([1, 1], 1, 0.1, { out: new Float64Array(1) })).toThrow(/out has 1 entries/);
    expect(() => gsefScales([1, 1], 1, 0.1, { weights: [1, -2] })).toThrow(expect.objectContaining({ code: 'E_ARGUMENT' }));
  });
});

describe('groupLassoScales', () => {
  it('matches direct minimisation of λ Σ d_G ‖θ_G‖ + ½‖θ − v‖² (1e-6)', () => {
    const random = seeded(34);
    for (let c = 0; c < 6; c++) {
      const groups = randomGroups(random, 4, 2);
      const v = uniform(random, 4, -2, 2);
      const lambda = Math.exp(2 * random() - 1.5);
      const d = uniform(random, 2, 0.5, 2);
      const objective = (x: number[]): number => lambda * normsOf(x, groups).reduce((s, u, j) => s + (d[j] as number) * u, 0) + 0.5 * x.reduce((s, xi, i) => s + (xi - (v[i] as number)) ** 2, 0);
      const direct = zoomMinimize(objective, v.map(() => 0), 3);
      const prox = applyScales(v, groups, groupLassoScales(normsOf(v, groups), lambda, { weights: d }));
      expect(maxDiff(prox, direct)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('is block soft thresholding', () => {
    expect(Array.from(groupLassoScales([2, 0.5, 0.1, 0], 0.25))).toEqual([0.875, 0.5, 0, 0]);
  });
});

describe('groupSefValue', () => {
  it('is SEF_k of the (weighted) norms', () => {
    expect(groupSefValue([3, 4], 2)).toBeCloseTo(12.5, 12);
    expect(groupSefValue([3, 4], 1)).toBeCloseTo(24.5, 12);
    expect(groupSefValue([3, 4], 1, { weights: [2, 1] })).toBeCloseTo(50, 12);
  });
});
