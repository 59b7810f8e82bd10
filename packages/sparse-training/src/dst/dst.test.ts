import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random, type MaskUpdateLayer } from '@sparse/core';
import { cosineDropFraction } from './drop-fraction.js';
import { dropAndGrow } from './drop-grow.js';
import { smallestCandidates } from './exact-selection.js';
import { largestMagnitudes } from './grow-by-magnitude.js';
import { isDstUpdateStep, riglRule, setRule } from './mask-update-rules.js';

/** The reference: sort by (score asc, index asc), take k, return ascending indices. */
function sortedPick(candidates: Uint32Array, scores: Float64Array, k: number): number[] {
  return [...candidates.keys()]
    .sort((a, b) => scores[a]! - scores[b]! || candidates[a]! - candidates[b]!)
    .slice(0, k)
    .map((c) => candidates[c]!)
    .sort((a, b) => a - b);
}

const count = (mask: Float32Array): number => mask.reduce((a, b) => a + b, 0);

/** A layer of `size` entries with `active` random ones, random weights (0 where inactive, some ties) and gradients. */
const layerArbitrary = fc
  .record({ size: fc.integer({ min: 1, max: 300 }), seed: fc.nat(), tiesEvery: fc.integer({ min: 1, max: 5 }) })
  .chain(({ size, seed, tiesEvery }) => fc.record({ size: fc.constant(size), seed: fc.constant(seed), tiesEvery: fc.constant(tiesEvery), active: fc.integer({ min: 0, max: size }) }))
  .map(({ size, seed, tiesEvery, active }) => {
    const rng = new Random(seed);
    const mask = new Float32Array(size);
    mask.fill(1, 0, active);
    rng.shuffle(mask);
    // Rounded values make ties common, the case the exact-count rule is about.
    const weights = Float32Array.from(mask, (m) => (m === 1 ? Math.round((rng.nextFloat() - 0.5) * 10 * tiesEvery) / tiesEvery : 0));
    const gradients = Float32Array.from({ length: size }, () => Math.round((rng.nextFloat() - 0.5) * 8 * tiesEvery) / tiesEvery);
    return { name: 'w', shape: [size], weights, mask, gradients, active } satisfies MaskUpdateLayer & { active: number };
  });

describe('smallestCandidates', () => {
  it('takes exactly k by (score asc, flat index asc), like a full sort', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 200 }), fc.nat(), (values, kSeed) => {
        const candidates = Uint32Array.from(values, (_, i) => i * 3 + 1);
        const scores = Float64Array.from(values);
        const k = values.length === 0 ? 0 : kSeed % (values.length + 1);
        expect([...smallestCandidates(candidates, scores, k)]).toEqual(sortedPick(candidates, scores, k));
      }),
    );
  });
});

describe('largestMagnitudes (sampled threshold: ≥ 12,000 candidates, k ≤ 10% of them)', () => {
  it('picks exactly the k largest |v| among the open entries, ties by lower index, NaN last, like a full sort', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20000, max: 40000 }), fc.double({ min: 0.6, max: 1, noNaN: true }), fc.double({ min: 0.0001, max: 0.1, noNaN: true }), fc.integer({ min: 0, max: 3 }), fc.nat(), (size, openShare, kShare, ties, seed) => {
        const rng = new Random(seed);
        const open = Float32Array.from({ length: size }, () => (rng.nextFloat() < openShare ? 0 : 1));
        // ties 0: continuous; 1: a few levels; 2: mostly exact zeros; 3: a NaN and many equal values.
        const values = Float32Array.from({ length: size }, (_, i) => {
          const u = rng.nextFloat() - 0.5;
          if (ties === 1) return Math.round(u * 6);
          if (ties === 2) return rng.nextFloat() < 0.9 ? 0 : u;
          if (ties === 3) return i % 97 === 0 ? NaN : Math.round(u * 3) / 2;
          return u;
        });
        const candidates = Uint32Array.from([...open.keys()].filter((i) => open[i] === 0));
        const k = Math.max(1, Math.floor(kShare * candidates.length));
        const expected = sortedPick(candidates, Float64Array.from(candidates, (i) => (Number.isNaN(values[i]!) ? Infinity : -Math.abs(values[i]!))), k);
        expect([...largestMagnitudes(values, open, candidates.length, k)]).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  });
});

describe('cosineDropFraction', () => {
  it('is α at 0, α/2 at T_end/2, 0 from T_end on, and decreasing', () => {
    expect(cosineDropFraction(0, 0.3, 1000)).toBe(0.3);
    expect(cosineDropFraction(500, 0.3, 1000)).toBeCloseTo(0.15, 12);
    expect(cosineDropFraction(1000, 0.3, 1000)).toBe(0);
    expect(cosineDropFraction(5000, 0.3, 1000)).toBe(0);
    for (let t = 0; t < 1000; t += 50) expect(cosineDropFraction(t + 50, 0.3, 1000)).toBeLessThanOrEqual(cosineDropFraction(t, 0.3, 1000));
  });
});

describe('dropAndGrow', () => {
  it('keeps the active count exactly, drops the smallest |w| actives, grows only entries not kept, and reports 0→1 and 1→0 exactly', () => {
    fc.assert(
      fc.property(layerArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(), fc.nat(), (layer, fraction, byScore, seed) => {
        const nDrop = Math.floor(fraction * layer.active);
        const result = dropAndGrow(layer.weights, layer.mask, nDrop, byScore ? { by: 'magnitude', values: layer.gradients } : { by: 'random', random: new Random(seed) });
        expect(count(result.mask)).toBe(layer.active);
        expect(result.mask.every((m) => m === 0 || m === 1)).toBe(true);
        // The entries kept through the drop are the active ones outside the nDrop smallest |w|.
        const actives = Uint32Array.from([...layer.mask.keys()].filter((i) => layer.mask[i] === 1));
        const dropSet = new Set(sortedPick(actives, Float64Array.from(actives, (i) => Math.abs(layer.weights[i]!)), nDrop));
        for (const i of actives) if (!dropSet.has(i)) expect(result.mask[i]).toBe(1);
        // Grown: inactive before, active after; dropped: the converse. Both ascending and as many.
        expect([...result.grown]).toEqual([...result.mask.keys()].filter((i) => layer.mask[i] === 0 && result.mask[i] === 1));
        expect([...result.dropped]).toEqual([...result.mask.keys()].filter((i) => layer.mask[i] === 1 && result.mask[i] === 0));
        expect(result.grown.length).toBe(result.dropped.length);
        for (const i of result.dropped) expect(dropSet.has(i)).toBe(true);
        if (byScore) {
          // RigL: the grown set (with regrown drops) is exactly the nDrop largest |g| among the entries not kept.
          const candidates = Uint32Array.from([...layer.mask.keys()].filter((i) => layer.mask[i] === 0 || dropSet.has(i)));
          const expected = sortedPick(candidates, Float64Array.from(candidates, (i) => -Math.abs(layer.gradients[i]!)), nDrop);
          for (const i of expected) expect(result.mask[i]).toBe(1);
        }
      }),
    );
  });

  it('lets a just-dropped entry be regrown (it keeps its value and is not "grown")', () => {
    const result = dropAndGrow(Float32Array.of(0.1, 0.9, 0), Float32Array.of(1, 1, 0), 1, { by: 'magnitude', values: Float32Array.of(5, 0, -1) });
    expect([...result.mask]).toEqual([1, 1, 0]);
    expect(result.grown.length + result.dropped.length).toBe(0);
  });

  it('refuses mismatched lengths, non-binary masks and nDrop above the active count', () => {
    expect(() => dropAndGrow(new Float32Array(3), new Float32Array(2), 0, { by: 'random', random: new Random(1) })).toThrowError(/same length/);
    expect(() => dropAndGrow(new Float32Array(2), Float32Array.of(1, 0.5), 0, { by: 'random', random: new Random(1) })).toThrowError(/only 0 and 1; element 1 is 0.5/);
    expect(() => dropAndGrow(new Float32Array(2), Float32Array.of(1, 0), 2, { by: 'random', random: new Random(1) })).toThrowError(/nDrop must be an integer in \[0, 1\]/);
  });
});

describe('set and rigl rules', () => {
  const options = { updateEvery: 10, dropFraction: 0.3, endFraction: 0.75, beginStep: 0 };

  it('update every ΔT from beginStep, before T_end, never at step 0', () => {
    expect([0, 10, 15, 20, 70, 74, 75, 80].filter((s) => isDstUpdateStep(options, s, 100))).toEqual([10, 20, 70]);
    expect([0, 5, 10, 15, 25].filter((s) => isDstUpdateStep({ ...options, beginStep: 5 }, s, 100))).toEqual([5, 15, 25]);
    expect(setRule({ updateEvery: 10 }).isUpdateStep(10, 100)).toBe(true);
  });

  it('refuse invalid options with E_CONFIG naming the option', () => {
    expect(() => riglRule({ updateEvery: 0 })).toThrowError(/updateEvery/);
    expect(() => setRule({ dropFraction: 2 } as never)).toThrowError(/dropFraction/);
    expect(() => setRule({ every: 3 } as never)).toThrowError(/every/);
  });

  it('keep every layer\'s density exactly through a chain of updates, grow only inactive entries, and are deterministic', () => {
    fc.assert(
      fc.property(fc.array(layerArbitrary, { minLength: 1, maxLength: 3 }), fc.nat(), fc.constantFrom('set', 'rigl'), (raw, seed, name) => {
        const rule = name === 'set' ? setRule(options) : riglRule(options);
        let layers: (MaskUpdateLayer & { active: number; weights: Float32Array; mask: Float32Array })[] = raw.map((l, i) => ({ ...l, name: `l${i}` }));
        for (let step = 10; step < 75; step += 10) {
          const request = { step, totalSteps: 100, seed: seed + step, layers };
          const update = rule.update(request);
          expect(rule.update(request)).toEqual(update);
          layers = layers.map((layer) => {
            const mask = update.masks.get(layer.name)!;
            expect(count(mask)).toBe(layer.active);
            for (const i of update.grown.get(layer.name)!) {
              expect(layer.mask[i]).toBe(0);
              expect(mask[i]).toBe(1);
            }
            // The engine zeroes pruned and grown entries; the rest keep their values.
            const weights = layer.weights.map((w, i) => (mask[i] === 0 || layer.mask[i] === 0 ? 0 : w));
            return { ...layer, mask, weights };
          });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('rigl grows the largest |gradient|', () => {
    const size = 100;
    const mask = new Float32Array(size).fill(1, 0, 50);
    const weights = Float32Array.from(mask, (m, i) => m * (i + 1) * 0.01);
    const gradients = Float32Array.from({ length: size }, (_, i) => (i === 97 || i === 60 ? -5 : i >= 50 ? 0.001 * i : 10));
    const update = riglRule({ dropFraction: 0.3, updateEvery: 10 }).update({ step: 0, totalSteps: 100, seed: 1, layers: [{ name: 'w', shape: [size], weights, mask, gradients }] });
    // f(0) = 0.3: floor(0.3 · 50) = 15 dropped (weights 0.01 … 0.15, indices 0–14), and the 15 largest |g| among
    // the rest: the dropped ones (|g| = 10) win over every inactive one, so they are all regrown.
    expect(update.grown.get('w')!.length).toBe(0);
    const gradients2 = Float32Array.from({ length: size }, (_, i) => (i === 97 || i === 60 ? -5 : i >= 50 ? 0.001 * i : 0));
    const update2 = riglRule({ dropFraction: 0.3, updateEvery: 10 }).update({ step: 0, totalSteps: 100, seed: 1, layers: [{ name: 'w', shape: [size], weights, mask, gradients: gradients2 }] });
    expect([...update2.grown.get('w')!]).toEqual([60, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    expect(() => riglRule().update({ step: 100, totalSteps: 1000, seed: 1, layers: [{ name: 'w', shape: [2], weights: new Float32Array(2), mask: Float32Array.of(1, 0) }] })).toThrowError(/no dense gradients/);
  });

  it('set grows uniformly at random from the seed', () => {
    const size = 40;
    const mask = new Float32Array(size).fill(1, 0, 20);
    const weights = Float32Array.from(mask, (m, i) => m * (i + 1));
    const hits = new Float64Array(size);
    const rule = setRule({ dropFraction: 0.5, updateEvery: 10 });
    const trials = 3000;
    for (let seed = 0; seed < trials; seed += 1) {
      const update = rule.update({ step: 0, totalSteps: 100, seed, layers: [{ name: 'w', shape: [size], weights, mask }] });
      for (const i of update.masks.get('w')!.keys()) if (i >= 20 || i < 10) hits[i]! += update.masks.get('w')![i]!;
    }
    // 10 dropped (indices 0–9), 10 grown among the 30 entries not kept: each with probability 1/3.
    for (let i = 0; i < 10; i += 1) expect(Math.abs(hits[i]! / trials - 1 / 3)).toBeLessThan(0.04);
    for (let i = 20; i < size; i += 1) expect(Math.abs(hits[i]! / trials - 1 / 3)).toBeLessThan(0.04);
    const a = rule.update({ step: 0, totalSteps: 100, seed: 5, layers: [{ name: 'w', shape: [size], weights, mask }] });
    const b = rule.update({ step: 0, totalSteps: 100, seed: 6, layers: [{ name: 'w', shape: [size], weights, mask }] });
    expect(a.masks.get('w')).not.toEqual(b.masks.get('w'));
  });
});
