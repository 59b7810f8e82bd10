import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random, isSparseError } from '@sparse/core';
import { pruneDeltas, sparsifyDeltas } from './prune-deltas.js';

const f32 = Math.fround;

function randomArray(seed: number, n: number, scale = 1, mean = 0): Float32Array {
  return new Random(seed).fillNormal(new Float32Array(n), mean, scale);
}

function pair(seed: number, sizes: Readonly<Record<string, number>>, deltaScale = 0.01, deltaMean = 0) {
  const base = new Map<string, Float32Array>();
  const tuned = new Map<string, Float32Array>();
  let k = 0;
  for (const [name, n] of Object.entries(sizes)) {
    const b = randomArray(seed * 100 + k, n);
    const d = randomArray(seed * 100 + k + 50, n, deltaScale, deltaMean);
    base.set(name, b);
    tuned.set(name, b.map((v, i) => v + (d[i] as number)));
    k++;
  }
  return { base, tuned };
}

describe('pruneDeltas: random (DARE, DropOnly, DAREx-q)', () => {
  it('sets every entry to the base (dropped) or to base + δ·scale (kept), and reports the drops', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 1000 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.constantFrom('dare' as const, 'none' as const, 'q' as const),
        async (seed, rate, rule) => {
          const { base, tuned } = pair(seed, { 'fc1/kernel': 300, 'fc1/bias': 7 });
          const q = Math.min(1, 1 - rate + 0.1);
          const rescale = rule === 'q' ? { q } : rule;
          const { tensors, report } = await pruneDeltas(base, tuned, { rate, rescale, seed });
          const scale = rule === 'dare' ? 1 / (1 - rate) : rule === 'q' ? 1 / q : 1;
          let dropped = 0;
          // A delta that is exactly 0 in float32 (tuned === base) looks the same dropped or kept.
          let zeroDeltas = 0;
          for (const [name, out] of tensors) {
            const b = base.get(name)!;
            const t = tuned.get(name)!;
            for (let i = 0; i < out.length; i++) {
              if (t[i] === b[i]) {
                zeroDeltas++;
                expect(out[i]).toBe(b[i]);
              } else if (out[i] === b[i] && !(scale === 1 && out[i] === t[i])) dropped++;
              else if (scale === 1) expect(out[i]).toBe(t[i]);
              else expect(out[i]).toBe(f32(b[i]! + (t[i]! - b[i]!) * scale));
            }
          }
          expect(report.droppedElements).toBeGreaterThanOrEqual(dropped);
          expect(report.droppedElements).toBeLessThanOrEqual(dropped + zeroDeltas);
          expect(report.prunedElements).toBe(307);
          expect(report.tensors.every((row) => row.status === 'pruned' && row.scale === scale)).toBe(true);
        },
      ),
      // The example has a float32-zero delta that is dropped (found by fast-check, seed 1001837355).
      { numRuns: 40, examples: [[84, 0.03207772970199586, 'dare']] },
    );
  });

  it('returns the fine-tuned model bit for bit at p = 0 and the base at p = 1', async () => {
    const { base, tuned } = pair(3, { w: 500 });
    expect((await pruneDeltas(base, tuned, { rate: 0 })).tensors.get('w')).toEqual(tuned.get('w'));
    expect((await pruneDeltas(base, tuned, { rate: 1 })).tensors.get('w')).toEqual(base.get('w'));
  });

  it('keeps excluded tensors as fine-tuned, even when the base lacks them or has another length', async () => {
    const { base, tuned } = pair(4, { 'fc1/kernel': 100, 'head/kernel': 30 });
    base.set('head/kernel', new Float32Array(20));
    const { tensors, report } = await pruneDeltas(base, tuned, { rate: 0.9 });
    expect(tensors.get('head/kernel')).toEqual(tuned.get('head/kernel'));
    expect(tensors.get('head/kernel')).not.toBe(tuned.get('head/kernel'));
    expect(report.tensors.find((row) => row.name === 'head/kernel')?.status).toBe('excluded');
    base.delete('head/kernel');
    expect((await pruneDeltas(base, tuned, { rate: 0.9 })).tensors.get('head/kernel')).toEqual(tuned.get('head/kernel'));
  });

  it('lists every mismatch between base and fine-tuned tensors before doing anything', async () => {
    const { base, tuned } = pair(5, { a: 10, b: 10, c: 10 });
    base.set('b', new Float32Array(11));
    base.delete('c');
    base.set('d', new Float32Array(3));
    try {
      await pruneDeltas(base, tuned, { rate: 0.5 });
      throw new Error('expected an error');
    } catch (error) {
      expect(isSparseError(error) && error.code).toBe('E_ARGUMENT');
      const message = (error as Error).message;
      expect(message).toContain("'b' has shape [10] in finetuned but [11] in base");
      expect(message).toContain("'c' is in finetuned but not in base");
      expect(message).toContain("'d' is in base but not in finetuned");
    }
  });

  it('draws each tensor from its own seeded stream: the same seed gives the same output whatever the tensor order', async () => {
    const { base, tuned } = pair(6, { a: 200, b: 300, c: 50 });
    const first = await pruneDeltas(base, tuned, { rate: 0.7, seed: 11 });
    const reversed = new Map([...tuned].reverse());
    const second = await pruneDeltas(base, reversed, { rate: 0.7, seed: 11 });
    for (const name of ['a', 'b', 'c']) expect(second.tensors.get(name)).toEqual(first.tensors.get(name));
    expect([...second.tensors.keys()]).toEqual(['c', 'b', 'a']);
    const other = await pruneDeltas(base, tuned, { rate: 0.7, seed: 12 });
    expect(other.tensors.get('a')).not.toEqual(first.tensors.get('a'));
  });

  it('is unbiased over many seeds (DARE): the mean pruned delta is δ and the mean drop rate is p', async () => {
    const n = 64;
    const seeds = 3000;
    const rate = 0.9;
    const delta = randomArray(1, n, 0.01);
    const deltas = new Map([['w', delta]]);
    const sums = new Float64Array(n);
    let dropped = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const { tensors, report } = await sparsifyDeltas(deltas, { rate, seed });
      const pruned = tensors.get('w')!;
      for (let i = 0; i < n; i++) sums[i] = sums[i]! + pruned[i]!;
      dropped += report.droppedElements;
    }
    const trials = n * seeds;
    expect(Math.abs(dropped / trials - rate)).toBeLessThan(4 * Math.sqrt((rate * (1 - rate)) / trials));
    for (let i = 0; i < n; i++) {
      // Var[δ̃_i] = δ_i² p/(1−p): the mean over seeds is within 4.5 standard errors of δ_i.
      const se = Math.abs(delta[i]!) * Math.sqrt(rate / (1 - rate) / seeds);
      expect(Math.abs(sums[i]! / seeds - delta[i]!)).toBeLessThan(4.5 * se + 1e-9);
    }
    // DropOnly is biased: its mean is (1 − p)·δ.
    const dropOnly = (await sparsifyDeltas(deltas, { rate, rescale: 'none', seed: 0 })).tensors.get('w')!;
    expect(dropOnly.every((v, i) => v === 0 || v === delta[i])).toBe(true);
  });

  it('follows spec D.2: E[Δh] = (1 − (1−p)/q)·Σc and Var[Δh] = ((1−p)p/q²)·Σc², growing like p/(1−p) for DARE', async () => {
    // One output unit: Δh = Σ_j δ_j x_j − Σ_j δ̃_j x_j with c_j = δ_j x_j.
    const n = 256;
    const seeds = 2000;
    const delta = randomArray(2, n, 0.01, 0.002);
    const x = randomArray(3, n, 1, 0.5);
    const c = delta.map((d, j) => d * x[j]!);
    const sumC = c.reduce((a, b) => a + b, 0);
    const sumC2 = c.reduce((a, b) => a + b * b, 0);
    const cases: { rate: number; q: number }[] = [
      { rate: 0.5, q: 0.5 },
      { rate: 0.9, q: 0.1 },
      { rate: 0.99, q: 0.01 },
      { rate: 0.99, q: 0.2 },
    ];
    const variances: number[] = [];
    for (const { rate, q } of cases) {
      const changes: number[] = [];
      for (let seed = 0; seed < seeds; seed++) {
        const pruned = (await sparsifyDeltas(new Map([['unit', delta]]), { rate, rescale: { q }, seed })).tensors.get('unit')!;
        let h = 0;
        for (let j = 0; j < n; j++) h += c[j]! - pruned[j]! * x[j]!;
        changes.push(h);
      }
      const mean = changes.reduce((a, b) => a + b, 0) / seeds;
      const variance = changes.reduce((a, b) => a + (b - mean) ** 2, 0) / (seeds - 1);
      const expectedMean = (1 - (1 - rate) / q) * sumC;
      const expectedVariance = (((1 - rate) * rate) / (q * q)) * sumC2;
      expect(Math.abs(mean - expectedMean)).toBeLessThan(4.5 * Math.sqrt(expectedVariance / seeds));
      // The sample variance of ~normal data has relative standard error sqrt(2/(N−1)); Δh is a
      // sum of few Bernoullis at p = 0.99, so allow 6 of them.
      expect(Math.abs(variance / expectedVariance - 1)).toBeLessThan(6 * Math.sqrt(2 / (seeds - 1)));
      variances.push(variance);
    }
    // DARE's variance grows like p/(1−p): 1, 9, 99.
    expect(variances[1]! / variances[0]!).toBeGreaterThan(9 * 0.8);
    expect(variances[1]! / variances[0]!).toBeLessThan(9 * 1.25);
    expect(variances[2]! / variances[0]!).toBeGreaterThan(99 * 0.75);
    expect(variances[2]! / variances[0]!).toBeLessThan(99 * 1.33);
    // DAREx-q with q = 0.2 > 1 − p cuts the variance by (0.01/0.2)² = 1/400.
    expect(variances[3]! / variances[2]!).toBeLessThan(1 / 200);
  });

  it('rescales with the L1 rule exactly as mergekit: ‖δ̃‖₁ = ‖δ‖₁ per tensor', async () => {
    const { base, tuned } = pair(7, { a: 1000, b: 10 });
    const { tensors, report } = await pruneDeltas(base, tuned, { rate: 0.8, rescale: 'l1', seed: 3 });
    for (const name of ['a', 'b']) {
      const b = base.get(name)!;
      const t = tuned.get(name)!;
      const out = tensors.get(name)!;
      let before = 0;
      let after = 0;
      let kept = 0;
      for (let i = 0; i < out.length; i++) {
        before += Math.abs(f32(t[i]! - b[i]!));
        if (out[i] !== b[i]) kept += Math.abs(f32(t[i]! - b[i]!));
        after += Math.abs(out[i]! - b[i]!);
      }
      const scale = report.tensors.find((row) => row.name === name)!.scale;
      expect(scale).toBeCloseTo(before / kept, 5);
      expect(after / before).toBeCloseTo(1, 4);
    }
  });
});

function bruteForceDrops(values: readonly number[][], rate: number): Set<string> {
  const entries = values.flatMap((array, t) => array.map((v, i) => ({ key: `${t}:${i}`, t, i, v: f32(Math.abs(v)) })));
  entries.sort((a, b) => a.v - b.v || a.t - b.t || a.i - b.i);
  const count = Math.floor(rate * entries.length + 1e-9);
  return new Set(entries.slice(0, count).map((entry) => entry.key));
}

describe('pruneDeltas: magnitude', () => {
  const quantized = fc.array(fc.integer({ min: -6, max: 6 }).map((v) => v / 4), { minLength: 1, maxLength: 60 });

  it('drops exactly ⌊p·n⌋ smallest |δ| per tensor, ties by index (brute-force reference)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(quantized, { minLength: 1, maxLength: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), async (arrays, rate) => {
        const deltas = new Map(arrays.map((a, t) => [`t${t}`, Float32Array.from(a)]));
        const { tensors, report } = await sparsifyDeltas(deltas, { rate, method: 'magnitude', exclude: [] });
        for (const [t, a] of arrays.entries()) {
          const expected = bruteForceDrops([a], rate);
          const out = tensors.get(`t${t}`)!;
          a.forEach((v, i) => expect(out[i]).toBe(expected.has(`0:${i}`) ? 0 : f32(v)));
          expect(report.tensors[t]!.dropped).toBe(expected.size);
        }
      }),
    );
  });

  it('ranks all tensors together in global scope, ties broken by tensor name then index', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(quantized, { minLength: 1, maxLength: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), async (arrays, rate) => {
        // Store the tensors in reverse name order: the result must not depend on it.
        const names = arrays.map((_, t) => `t${t}`);
        const deltas = new Map(names.map((name, t) => [name, Float32Array.from(arrays[t]!)] as const).reverse());
        const { tensors, report } = await sparsifyDeltas(deltas, { rate, method: 'magnitude', scope: 'global', exclude: [] });
        const expected = bruteForceDrops(arrays, rate);
        for (const [t, a] of arrays.entries()) {
          const out = tensors.get(`t${t}`)!;
          a.forEach((v, i) => expect(out[i]).toBe(expected.has(`${t}:${i}`) ? 0 : f32(v)));
        }
        expect(report.droppedElements).toBe(expected.size);
      }),
    );
  });

  it('works across chunks (tensors larger than 2^20 entries) and treats NaN deltas as smallest', async () => {
    const n = (1 << 20) * 2 + 12345;
    const delta = randomArray(9, n);
    delta[5] = Number.NaN;
    const { tensors } = await sparsifyDeltas(new Map([['w', delta]]), { rate: 0.3, method: 'magnitude' });
    const out = tensors.get('w')!;
    const sorted = Float32Array.from(delta, Math.abs).sort();
    const threshold = sorted[Math.floor(0.3 * n) - 1]!; // NaN sorts last in a Float32Array sort
    let dropped = 0;
    let keptBelow = 0;
    for (let i = 0; i < n; i++) {
      if (out[i] === 0) dropped++;
      else if (Math.abs(delta[i]!) < threshold) keptBelow++;
    }
    expect(keptBelow).toBe(0);
    expect(dropped).toBe(Math.floor(0.3 * n));
    expect(out[5]).toBe(0);
  });
});
