import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { NamedParameter } from '../contracts/parameter.js';
import type { SparsityTarget } from '../contracts/sparsity-target.js';
import { isSparseError } from '../errors.js';
import { createPruner, type PrunerOptions } from './score-pruner.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Case {
  readonly shapes: number[][];
  readonly scores: number[][];
  readonly masks: number[][];
}

/** Runs one prune over plain arrays; returns kept flags per tensor and disposes everything. */
function run(c: Case, target: SparsityTarget, options: PrunerOptions = {}): { keeps: number[][]; warnings: string[] } {
  const warnings: string[] = [];
  const parameters: NamedParameter[] = c.shapes.map((shape, i) => ({
    name: `t${i}`,
    role: shape.length === 4 ? 'conv-kernel' : 'dense-kernel',
    variable: tf.variable(tf.tensor(c.scores[i]!, shape)),
  }));
  const scores = new Map(parameters.map((p, i) => [p.name, tf.tensor(c.scores[i]!, c.shapes[i])]));
  const masks = new Map(parameters.map((p, i) => [p.name, tf.tensor(c.masks[i]!, c.shapes[i])]));
  const before = tf.memory().numTensors;
  const out = createPruner({ onWarning: (m) => warnings.push(m), ...options }).prune({ parameters, scores, masks, target });
  expect(tf.memory().numTensors).toBe(before + out.size); // only the returned masks were created
  const keeps = parameters.map((p) => [...out.get(p.name)!.dataSync()]);
  tf.dispose([...out.values(), ...scores.values(), ...masks.values(), ...parameters.map((p) => p.variable)]);
  return { keeps, warnings };
}

const zeros = (flags: number[]): number => flags.filter((f) => f === 0).length;

/** Random 2-D tensors with random scores (with ties) and random masks. */
const cases = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })), { minLength: 1, maxLength: 3 })
  .chain((shapes) =>
    fc.record({
      shapes: fc.constant(shapes.map(([r, c]) => [r, c])),
      scores: fc.tuple(...shapes.map(([r, c]) => fc.array(fc.integer({ min: -4, max: 4 }).map((x) => x / 4), { minLength: r * c, maxLength: r * c }))),
      masks: fc.tuple(...shapes.map(([r, c]) => fc.array(fc.constantFrom(0, 1, 1, 1), { minLength: r * c, maxLength: r * c }))),
    }),
  );
const sparsity = fc.integer({ min: 0, max: 20 }).map((x) => x / 20);

describe('ScorePruner (exact, unstructured)', () => {
  it('layerwise: every tensor ends with max(zeros before, ⌊s·N⌋) zeros; binary; never revives', () => {
    fc.assert(
      fc.property(cases, sparsity, (c, s) => {
        const { keeps } = run(c, { sparsity: s, scope: 'layerwise' }, { allowLayerCollapse: true });
        keeps.forEach((keep, t) => {
          const n = keep.length;
          expect(zeros(keep)).toBe(Math.max(zeros(c.masks[t]!), Math.floor(s * n + 1e-9)));
          keep.forEach((k, i) => {
            expect(k === 0 || k === 1).toBe(true);
            expect(k <= c.masks[t]![i]!).toBe(true);
          });
        });
      }),
      { numRuns: 150 },
    );
  });

  it('global: one ranking equal to a brute-force sort, ties by (tensor, index)', () => {
    fc.assert(
      fc.property(cases, sparsity, (c, s) => {
        const { keeps } = run(c, { sparsity: s, scope: 'global' }, { allowLayerCollapse: true });
        const total = c.masks.reduce((sum, m) => sum + m.length, 0);
        const zerosBefore = c.masks.reduce((sum, m) => sum + zeros(m), 0);
        const need = Math.max(0, Math.floor(s * total + 1e-9) - zerosBefore);
        const alive = c.masks.flatMap((m, t) => m.map((a, i) => ({ a, t, i, s: c.scores[t]![i]! }))).filter((e) => e.a === 1);
        alive.sort((x, y) => x.s - y.s || x.t - y.t || x.i - y.i);
        const expected = c.masks.map((m) => [...m]);
        for (const e of alive.slice(0, need)) expected[e.t]![e.i] = 0;
        expect(keeps).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('is idempotent at the same target (layerwise, global, erk)', () => {
    fc.assert(
      fc.property(cases, sparsity, fc.constantFrom('layerwise', 'global', 'erk') as fc.Arbitrary<'layerwise' | 'global' | 'erk'>, (c, s, scope) => {
        const target: SparsityTarget = { sparsity: s, scope };
        const first = run(c, target).keeps;
        const second = run({ ...c, masks: first }, target).keeps;
        expect(second).toEqual(first);
      }),
      { numRuns: 100 },
    );
  });

  it('basis remaining prunes that fraction of the alive weights', () => {
    const c: Case = { shapes: [[2, 5]], scores: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], masks: [[0, 0, 1, 1, 1, 1, 1, 1, 1, 1]] };
    const { keeps } = run(c, { sparsity: 0.5, scope: 'layerwise', basis: 'remaining' });
    expect(keeps[0]).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('per-parameter overrides, and custom leaves unnamed tensors alone', () => {
    const c: Case = { shapes: [[1, 4], [1, 4]], scores: [[1, 2, 3, 4], [1, 2, 3, 4]], masks: [[1, 1, 1, 1], [1, 1, 1, 1]] };
    expect(run(c, { sparsity: 0.5, scope: 'layerwise', perParameter: { t1: 0.25 } }).keeps).toEqual([[0, 0, 1, 1], [0, 1, 1, 1]]);
    expect(run(c, { sparsity: 0.9, scope: 'custom', perParameter: { t1: 0.75 } }).keeps).toEqual([[1, 1, 1, 1], [0, 0, 0, 1]]);
  });

  it('rejects a perParameter name that is not pruned, and a sparsity out of range', () => {
    const c: Case = { shapes: [[1, 2]], scores: [[1, 2]], masks: [[1, 1]] };
    expect(() => run(c, { sparsity: 0.5, scope: 'layerwise', perParameter: { nope: 0.1 } })).toThrowError(/perParameter names 'nope'/);
    expect(() => run(c, { sparsity: 1.5, scope: 'layerwise' })).toThrowError(/target.sparsity must be a number in \[0, 1\]/);
    expect(() => run(c, { sparsity: 0.5, scope: 'everywhere' as never })).toThrowError(/target.scope must be one of/);
  });
});

describe('collapse guard', () => {
  const lopsided: Case = {
    shapes: [[1, 4], [1, 4]],
    scores: [[0.01, 0.02, 0.03, 0.04], [1, 2, 3, 4]],
    masks: [[1, 1, 1, 1], [1, 1, 1, 1]],
  };

  it('global ranking keeps one unit of a tensor it would empty, and still prunes the budget', () => {
    const { keeps, warnings } = run(lopsided, { sparsity: 0.5, scope: 'global' });
    expect(keeps).toEqual([[0, 0, 0, 1], [0, 1, 1, 1]]);
    expect(warnings).toEqual([]);
  });

  it('warns when a tensor ends above warnAbove, and lets it collapse when allowed', () => {
    const guarded = run(lopsided, { sparsity: 0.75, scope: 'global' }, { warnAbove: 0.7 });
    // 6 zeros of 8: t0 may only lose 3, so the ranking takes the other 3 from t1.
    expect(guarded.keeps).toEqual([[0, 0, 0, 1], [0, 0, 0, 1]]);
    expect(guarded.warnings).toEqual([
      't0: 75.00% sparse, close to layer collapse (1 of 4 weights left).',
      't1: 75.00% sparse, close to layer collapse (1 of 4 weights left).',
    ]);
    const collapsed = run(lopsided, { sparsity: 0.5, scope: 'global' }, { allowLayerCollapse: true });
    expect(collapsed.keeps).toEqual([[0, 0, 0, 0], [1, 1, 1, 1]]);
    expect(collapsed.warnings).toEqual(['t0: every weight is pruned (layer collapse).']);
  });

  it('layerwise at sparsity 1 keeps max(1, ⌈minDensity·N⌉) and says so', () => {
    const c: Case = { shapes: [[2, 5]], scores: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], masks: [new Array<number>(10).fill(1)] };
    const one = run(c, { sparsity: 1, scope: 'layerwise' });
    expect(one.keeps[0]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(one.warnings[0]).toMatch(/collapse guard keeps 1 of its 10 alive unit\(s\) instead of pruning 10/);
    expect(run(c, { sparsity: 1, scope: 'layerwise' }, { minDensity: 0.3 }).keeps[0]).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });
});

describe('ERK allocation through the pruner', () => {
  it('keeps exactly the uniform budget, smaller tensors denser', () => {
    const c: Case = {
      shapes: [[20, 10], [10, 4], [4, 2]],
      scores: [200, 40, 8].map((n) => Array.from({ length: n }, (_, i) => i + 1)),
      masks: [200, 40, 8].map((n) => new Array<number>(n).fill(1)),
    };
    const { keeps } = run(c, { sparsity: 0.8, scope: 'erk' });
    const kept = keeps.map((k) => k.length - zeros(k));
    expect(kept.reduce((a, b) => a + b, 0)).toBe(200 + 40 + 8 - (160 + 32 + 6));
    const densities = kept.map((k, i) => k / keeps[i]!.length);
    expect(densities[0]!).toBeLessThan(densities[1]!);
    expect(densities[1]!).toBeLessThanOrEqual(densities[2]!);
  });
});

describe('patterns through the pruner', () => {
  it('every pattern: binary, never revives, idempotent at the same target, even over partly pruned units', () => {
    const kernels = fc.record({
      rows: fc.integer({ min: 1, max: 9 }),
      cols: fc.integer({ min: 1, max: 5 }),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(
        kernels,
        sparsity,
        fc.constantFrom('unstructured', '2:4', '1:3', 'block:2x2', 'block:1x4:max', 'neuron', 'channel'),
        fc.constantFrom('layerwise', 'global') as fc.Arbitrary<'layerwise' | 'global'>,
        ({ rows, cols, seed }, s, pattern, scope) => {
          let state = seed;
          const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
          const n = rows * cols;
          const c: Case = {
            shapes: [[rows, cols], [cols, rows]],
            scores: [Array.from({ length: n }, () => Math.round(next() * 8)), Array.from({ length: n }, () => Math.round(next() * 8))],
            masks: [Array.from({ length: n }, () => (next() < 0.2 ? 0 : 1)), Array.from({ length: n }, () => (next() < 0.2 ? 0 : 1))],
          };
          const target: SparsityTarget = { sparsity: s, scope };
          const first = run(c, target, { pattern, allowLayerCollapse: true }).keeps;
          first.forEach((keep, t) => keep.forEach((k, i) => expect(k === 0 || (k === 1 && c.masks[t]![i] === 1)).toBe(true)));
          expect(run({ ...c, masks: first }, target, { pattern, allowLayerCollapse: true }).keeps).toEqual(first);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('2:4 keeps exactly two of every four consecutive inputs per output column, idempotent', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 24, maxLength: 24 }), (values) => {
        const c: Case = { shapes: [[8, 3]], scores: [values], masks: [new Array<number>(24).fill(1)] };
        const { keeps } = run(c, { sparsity: 0.5, scope: 'layerwise' }, { pattern: '2:4' });
        const keep = keeps[0]!;
        for (let j = 0; j < 3; j++) {
          for (let g = 0; g < 8; g += 4) {
            const group = [0, 1, 2, 3].map((k) => keep[(g + k) * 3 + j]!);
            expect(group.reduce((a, b) => a + b, 0)).toBe(2);
            const kept = [0, 1, 2, 3].filter((k) => group[k] === 1).map((k) => values[(g + k) * 3 + j]!);
            const dropped = [0, 1, 2, 3].filter((k) => group[k] === 0).map((k) => values[(g + k) * 3 + j]!);
            expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...dropped));
          }
        }
        expect(run({ ...c, masks: [keep] }, { sparsity: 0.5, scope: 'layerwise' }, { pattern: '2:4' }).keeps[0]).toEqual(keep);
      }),
      { numRuns: 50 },
    );
  });

  it('N:M groups run along cin for conv kernels, and a short last group keeps its best n', () => {
    // conv [1, 1, 6, 1]: cin = 6 -> groups {0..3} and {4, 5}; 1:4 keeps 1 of the first, 1 of the second.
    const c: Case = { shapes: [[1, 1, 6, 1]], scores: [[4, 1, 3, 2, 5, 6]], masks: [[1, 1, 1, 1, 1, 1]] };
    expect(run(c, { sparsity: 0.5, scope: 'layerwise' }, { pattern: '1:4' }).keeps[0]).toEqual([1, 0, 0, 0, 0, 1]);
    // ties: the lower index is pruned first
    const ties: Case = { shapes: [[4, 1]], scores: [[1, 1, 1, 1]], masks: [[1, 1, 1, 1]] };
    expect(run(ties, { sparsity: 0.5, scope: 'layerwise' }, { pattern: '2:4' }).keeps[0]).toEqual([0, 0, 1, 1]);
  });

  it('treats an M beyond the input dimension as one group per column, without allocating M (a huge M was a RangeError)', () => {
    // dense [3, 2]: each column is one group of 3 inputs whatever M >= 3 is; 1:M keeps its best weight.
    const c: Case = { shapes: [[3, 2]], scores: [[0.1, 4, 3, 0.2, 2, 1]], masks: [[1, 1, 1, 1, 1, 1]] };
    for (const m of [3, 1e9, 2 ** 52]) {
      expect(run(c, { sparsity: 1 - 1 / m, scope: 'layerwise' }, { pattern: { kind: 'n:m', n: 1, m } }).keeps[0], `m = ${m}`).toEqual([0, 1, 1, 0, 0, 0]);
    }
    expect(() => createPruner({ pattern: { kind: 'n:m', n: 1, m: 1e20 } })).toThrowError(/m must be an integer in \[1, ∞\], got 100000000000000000000/);
  });

  it('rejects an invalid N:M with E_CONFIG', () => {
    expect(() => createPruner({ pattern: '5:4' })).toThrowError(/n must be an integer in \[1, 4\]/);
    expect(() => createPruner({ pattern: { kind: 'n:m', n: 0, m: 4 } })).toThrowError(/n must be an integer/);
    expect(() => createPruner({ pattern: 'diagonal' })).toThrowError(/pattern must be a pattern/);
  });

  it('block 2x2 with mean pooling prunes whole blocks', () => {
    const c: Case = {
      shapes: [[4, 4]],
      scores: [[1, 1, 9, 9, 1, 1, 9, 9, 5, 5, 2, 2, 5, 5, 2, 2]],
      masks: [new Array<number>(16).fill(1)],
    };
    const { keeps } = run(c, { sparsity: 0.5, scope: 'layerwise' }, { pattern: 'block:2x2' });
    expect(keeps[0]).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0]);
  });

  it('groups: neurons (output columns) by L1 norm, conv input channels', () => {
    const dense: Case = { shapes: [[2, 3]], scores: [[1, -5, 2, 1, 5, 0]], masks: [new Array<number>(6).fill(1)] };
    // column norms 2, 10, 2: the tie goes to the lower index
    expect(run(dense, { sparsity: 0.34, scope: 'layerwise' }, { pattern: 'neuron' }).keeps[0]).toEqual([0, 1, 1, 0, 1, 1]);
    const conv: Case = { shapes: [[1, 1, 3, 2]], scores: [[3, 3, 0, 1, 2, 2]], masks: [new Array<number>(6).fill(1)] };
    expect(run(conv, { sparsity: 0.34, scope: 'layerwise' }, { pattern: 'channel' }).keeps[0]).toEqual([1, 1, 0, 0, 1, 1]);
  });

  it('groups of different sizes in a global pool fill the weight budget without exceeding it', () => {
    const c: Case = {
      shapes: [[4, 2], [2, 2]],
      scores: [[1, 1, 1, 1, 1, 1, 1, 1], [0.1, 0.2, 0.1, 0.2]],
      masks: [new Array<number>(8).fill(1), new Array<number>(4).fill(1)],
    };
    // 12 weights, s = 0.5 -> 6 zeros: the two small neurons (2 + 2), then a big one (4) does not fit.
    const { keeps } = run(c, { sparsity: 0.5, scope: 'global' }, { pattern: 'neuron', allowLayerCollapse: true });
    expect(keeps).toEqual([[1, 1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 0]]);
  });

  it('patterns that need a kernel reject a bias with E_ARGUMENT', () => {
    const c: Case = { shapes: [[4]], scores: [[1, 2, 3, 4]], masks: [[1, 1, 1, 1]] };
    let error: unknown;
    try {
      run(c, { sparsity: 0.5, scope: 'layerwise' }, { pattern: '2:4' });
    } catch (e) {
      error = e;
    }
    expect(isSparseError(error, 'E_ARGUMENT')).toBe(true);
  });
});

describe('request validation', () => {
  it('names missing scores, mismatched shapes and non-binary masks', () => {
    const variable = tf.variable(tf.ones([2, 2]));
    const parameters: NamedParameter[] = [{ name: 'w', role: 'dense-kernel', variable }];
    const pruner = createPruner({ onWarning: vi.fn() });
    const target: SparsityTarget = { sparsity: 0.5, scope: 'layerwise' };
    expect(() => pruner.prune({ parameters, scores: new Map(), masks: new Map(), target })).toThrowError(/No scores for 'w'/);
    const wrong = tf.ones([4]);
    expect(() => pruner.prune({ parameters, scores: new Map([['w', wrong]]), masks: new Map(), target })).toThrowError(/have shape \[4\]/);
    const scores = new Map([['w', tf.ones([2, 2])]]);
    const half = tf.fill([2, 2], 0.5);
    expect(() => pruner.prune({ parameters, scores, masks: new Map([['w', half]]), target })).toThrowError(/must hold only 0 and 1/);
    tf.dispose([variable, wrong, half, ...scores.values()]);
  });

  it('reports NaN scores through the request callback', () => {
    const variable = tf.variable(tf.ones([1, 3]));
    const onWarning = vi.fn();
    const scores = new Map([['w', tf.tensor2d([[Number.NaN, 1, 2]])]]);
    const masks = createPruner().prune({
      parameters: [{ name: 'w', role: 'dense-kernel', variable }],
      scores,
      masks: new Map(),
      target: { sparsity: 0.34, scope: 'layerwise' },
      onWarning,
    });
    expect([...masks.get('w')!.dataSync()]).toEqual([0, 1, 1]);
    expect(onWarning).toHaveBeenCalledWith('w: 1 NaN score counted as -Infinity (pruned first).');
    tf.dispose([variable, ...scores.values(), ...masks.values()]);
  });
});
