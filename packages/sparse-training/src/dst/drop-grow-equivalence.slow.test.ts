import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random, SparseError, deriveSeed, type MaskUpdateLayer } from '@sparse/core';
import { cosineDropFraction } from './drop-fraction.js';
import { dropAndGrowCounted, type DropGrowResult, type GrowSelection } from './drop-grow.js';
import { kthSmallest } from './exact-selection.js';
import { largestMagnitudes } from './grow-by-magnitude.js';
import { riglRule, setRule } from './mask-update-rules.js';

// ---- The reference: dropAndGrowCounted and its selections as they were before the allocation-free
// rewrite (the version of 2026-12-07, before it was first committed), verbatim apart from names. Runs
// under way then must stay reproducible, so the rewrite must give the same masks, grown and dropped
// lists bit for bit and the same errors. ----

function referencePicker(k: number): { offer(index: number, score: number, threshold: number): void; result(): Uint32Array } {
  const below = new Uint32Array(k);
  const ties = new Uint32Array(k);
  let nBelow = 0;
  let nTies = 0;
  return {
    offer(index, score, threshold) {
      if (score < threshold) below[nBelow++] = index;
      else if (score === threshold && nTies < k) ties[nTies++] = index;
    },
    result() {
      const out = new Uint32Array(k);
      out.set(below.subarray(0, nBelow));
      out.set(ties.subarray(0, k - nBelow), nBelow);
      return out.sort();
    },
  };
}

function referenceSmallest(candidates: Uint32Array, scores: Float64Array, k: number): Uint32Array {
  if (k === 0) return new Uint32Array(0);
  if (k >= candidates.length) return candidates.slice(0, k);
  const threshold = kthSmallest(scores.slice(), k - 1);
  const picker = referencePicker(k);
  for (let i = 0; i < scores.length; i += 1) picker.offer(candidates[i] as number, scores[i] as number, threshold);
  return picker.result();
}

const SMALL = 8192;
const SAMPLE = 4096;
function referenceScore(value: number): number {
  const s = Math.abs(value);
  return Number.isNaN(s) ? Infinity : -s;
}
function referenceFull(values: Float32Array, open: Float32Array, free: number, k: number): Uint32Array {
  const scratch = new Float32Array(free);
  for (let i = 0, n = 0; i < open.length; i += 1) if (open[i] === 0) scratch[n++] = referenceScore(values[i] as number);
  const threshold = kthSmallest(scratch, k - 1);
  const picker = referencePicker(k);
  for (let i = 0; i < open.length; i += 1) if (open[i] === 0) picker.offer(i, referenceScore(values[i] as number), threshold);
  return picker.result();
}
function referenceLargest(values: Float32Array, open: Float32Array, free: number, k: number): Uint32Array {
  if (free < SMALL || k * 8 > free) return referenceFull(values, open, free, k);
  const size = open.length;
  const sample = new Float32Array(SAMPLE);
  let m = 0;
  const stride = size / SAMPLE;
  for (let j = 0; j < SAMPLE; j += 1) {
    const i = Math.floor(j * stride);
    if (open[i] === 0) sample[m++] = referenceScore(values[i] as number);
  }
  if (m < 256) return referenceFull(values, open, free, k);
  const q = k / free;
  const rank = Math.min(m - 1, Math.ceil((q + 4 * Math.sqrt((q * (1 - q)) / m) + 8 / m) * m));
  const estimate = kthSmallest(sample.subarray(0, m), rank);
  const capacity = Math.min(free, 4 * k + 4096);
  const indices = new Uint32Array(capacity);
  const scores = new Float32Array(capacity);
  let n = 0;
  for (let i = 0; i < size; i += 1) {
    if (open[i] === 0) {
      const s = referenceScore(values[i] as number);
      if (s <= estimate) {
        if (n === capacity) return referenceFull(values, open, free, k);
        indices[n] = i;
        scores[n] = s;
        n += 1;
      }
    }
  }
  if (n < k) return referenceFull(values, open, free, k);
  const threshold = kthSmallest(scores.slice(0, n), k - 1);
  const picker = referencePicker(k);
  for (let c = 0; c < n; c += 1) picker.offer(indices[c] as number, scores[c] as number, threshold);
  return picker.result();
}

function referenceDropAndGrow(weights: Float32Array, mask: Float32Array, dropCount: (active: number) => number, grow: GrowSelection): DropGrowResult {
  const size = mask.length;
  if (weights.length !== size || (grow.by === 'magnitude' && grow.values.length !== size)) {
    throw new SparseError('E_ARGUMENT', `dropAndGrow: weights (${weights.length}), mask (${size})${grow.by === 'magnitude' ? ` and grow values (${grow.values.length})` : ''} must have the same length.`, {
      field: 'weights',
      received: weights.length,
      allowed: [size],
    });
  }
  const activeAll = new Uint32Array(size);
  let active = 0;
  for (let i = 0; i < size; i += 1) {
    const m = mask[i] as number;
    if (m === 1) activeAll[active++] = i;
    else if (m !== 0) {
      throw new SparseError('E_ARGUMENT', `dropAndGrow: a mask holds only 0 and 1; element ${i} is ${String(m)}.`, { field: `mask[${i}]`, received: m, allowed: [0, 1] });
    }
  }
  const nDrop = dropCount(active);
  if (!Number.isSafeInteger(nDrop) || nDrop < 0 || nDrop > active) {
    throw new SparseError('E_ARGUMENT', `dropAndGrow: nDrop must be an integer in [0, ${active}] (the active entries), got ${String(nDrop)}.`, { field: 'nDrop', received: nDrop, allowed: `[0, ${active}]` });
  }
  const next = mask.slice();
  if (nDrop === 0) return { mask: next, grown: new Uint32Array(0), dropped: new Uint32Array(0) };
  const activeIndices = activeAll.subarray(0, active);
  const magnitudes = new Float64Array(active);
  for (let n = 0; n < active; n += 1) {
    const w = Math.abs(weights[activeIndices[n] as number] as number);
    magnitudes[n] = Number.isNaN(w) ? -Infinity : w;
  }
  const dropSelected = referenceSmallest(activeIndices, magnitudes, nDrop);
  for (const index of dropSelected) next[index] = 0;
  const free = size - active + nDrop;
  let chosen: Uint32Array;
  if (grow.by === 'magnitude') {
    chosen = referenceLargest(grow.values, next, free, nDrop);
  } else {
    const pool = new Uint32Array(free);
    for (let i = 0, n = 0; i < size; i += 1) if (next[i] === 0) pool[n++] = i;
    for (let i = 0; i < nDrop; i += 1) {
      const j = i + grow.random.nextInt(free - i);
      const t = pool[i] as number;
      pool[i] = pool[j] as number;
      pool[j] = t;
    }
    chosen = pool.subarray(0, nDrop).sort();
  }
  for (const index of chosen) next[index] = 1;
  const grown = chosen.filter((index) => mask[index] === 0);
  const dropped = dropSelected.filter((index) => next[index] === 0);
  return { mask: next, grown, dropped };
}

// ---- Inputs: sizes from tiny to past the sampled-threshold path (≥ 8,192 candidates), densities from
// empty to full, weights and gradients with many ties, ±0, NaN and ±Infinity, masks with −0. ----

const bitsOf = (values: Float32Array): number[] => [...new Uint32Array(values.buffer, values.byteOffset, values.length)];

interface Case {
  readonly weights: Float32Array;
  readonly mask: Float32Array;
  readonly gradients: Float32Array;
  readonly fraction: number;
  readonly seed: number;
}

function makeCase(size: number, density: number, ties: number, specials: number, fraction: number, seed: number): Case {
  const rng = new Random(seed);
  const value = (scale: number): number => {
    const u = rng.nextFloat();
    if (u < specials) return [NaN, Infinity, -Infinity, -0, 0][rng.nextInt(5)] as number;
    const x = (rng.nextFloat() - 0.5) * scale;
    return ties === 0 ? x : Math.round(x * ties) / ties;
  };
  const mask = Float32Array.from({ length: size }, () => (rng.nextFloat() < density ? 1 : rng.nextFloat() < 0.1 ? -0 : 0));
  const weights = Float32Array.from(mask, (m) => (m === 1 ? value(2) : 0));
  const gradients = Float32Array.from({ length: size }, () => value(0.01));
  return { weights, mask, gradients, fraction, seed };
}

const caseArbitrary = (maxSize: number) =>
  fc
    .tuple(
      fc.integer({ min: 1, max: maxSize }),
      fc.constantFrom(0, 0.02, 0.08, 0.23, 0.5, 0.9, 1),
      fc.constantFrom(0, 1, 4, 1000),
      fc.constantFrom(0, 0, 0.01, 0.3),
      fc.constantFrom(0, 0.01, 0.1, 0.3, 0.5, 1),
      fc.nat(),
    )
    .map(([size, density, ties, specials, fraction, seed]) => makeCase(size, density, ties, specials, fraction, seed));

function expectSame(c: Case, by: 'magnitude' | 'random'): void {
  const dropCount = (active: number) => Math.min(active, Math.floor(c.fraction * active));
  const grow = (): GrowSelection => (by === 'magnitude' ? { by, values: c.gradients } : { by, random: new Random(c.seed) });
  const mask = c.mask.slice();
  const expected = referenceDropAndGrow(c.weights, c.mask, dropCount, grow());
  const actual = dropAndGrowCounted(c.weights, c.mask, dropCount, grow());
  expect(bitsOf(actual.mask)).toEqual(bitsOf(expected.mask));
  expect([...actual.grown]).toEqual([...expected.grown]);
  expect([...actual.dropped]).toEqual([...expected.dropped]);
  expect(bitsOf(c.mask)).toEqual(bitsOf(mask)); // the input mask is not modified
}

describe('dropAndGrowCounted gives bit for bit what the previous implementation gave', () => {
  it('small layers (RigL and SET)', () => {
    fc.assert(
      fc.property(caseArbitrary(400), fc.constantFrom<'magnitude' | 'random'>('magnitude', 'random'), (c, by) => expectSame(c, by)),
      { numRuns: 300 },
    );
  });

  it('large layers, through the sampled threshold (RigL and SET)', () => {
    fc.assert(
      fc.property(caseArbitrary(60_000).filter((c) => c.mask.length > 9000), fc.constantFrom<'magnitude' | 'random'>('magnitude', 'random'), (c, by) => expectSame(c, by)),
      { numRuns: 40 },
    );
  });

  it('LeNet-300-100 at 90 % ERK with α = 0.3, the benchmark\'s case', () => {
    for (const [size, density] of [
      [235_200, 0.0796],
      [30_000, 0.23],
      [1000, 1],
    ] as const) {
      const c = makeCase(size, density, 0, 0, 0.3, size);
      expectSame(c, 'magnitude');
      expectSame(c, 'random');
    }
  });

  it('takes a returned mask back unchanged, or changed by its caller, and gives what the previous implementation gave', () => {
    fc.assert(
      fc.property(caseArbitrary(3000), fc.constantFrom<'magnitude' | 'random'>('magnitude', 'random'), fc.nat(), (c, by, change) => {
        const dropCount = (active: number) => Math.min(active, Math.floor(0.3 * active));
        let mask = c.mask;
        for (let round = 0; round < 4; round += 1) {
          const grow = (): GrowSelection => (by === 'magnitude' ? { by, values: c.gradients } : { by, random: new Random(c.seed + round) });
          let expected: DropGrowResult;
          try {
            expected = referenceDropAndGrow(c.weights, mask, dropCount, grow());
          } catch (error) {
            expect(() => dropAndGrowCounted(c.weights, mask, dropCount, grow())).toThrowError((error as Error).message);
            return;
          }
          const actual = dropAndGrowCounted(c.weights, mask, dropCount, grow());
          expect(bitsOf(actual.mask)).toEqual(bitsOf(expected.mask));
          expect([...actual.grown]).toEqual([...expected.grown]);
          expect([...actual.dropped]).toEqual([...expected.dropped]);
          mask = actual.mask;
          // Sometimes the caller changes the returned mask in place (a flipped entry, a −0, a value that is not allowed).
          if (round === change % 4) mask[change % mask.length] = [1, 0, -0, 0.5][(change >> 2) % 4] as number;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('refuses the same inputs with the same errors', () => {
    const cases: [Float32Array, Float32Array, number][] = [
      [new Float32Array(3), new Float32Array(2), 0],
      [new Float32Array(4), Float32Array.of(1, 0, 0.5, 2), 0],
      [new Float32Array(3), Float32Array.of(1, -1, 0), 0],
      [new Float32Array(3), Float32Array.of(1, NaN, 0), 0],
      [new Float32Array(3), Float32Array.of(1, 0, 1e-45), 0],
      [new Float32Array(3), Float32Array.of(1, 0, Infinity), 0],
      [new Float32Array(2), Float32Array.of(1, 0), 2],
      [new Float32Array(2), Float32Array.of(1, 0), -1],
      [new Float32Array(2), Float32Array.of(1, 1), 0.5],
    ];
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (error) {
        return `${(error as SparseError).code} ${(error as Error).message} ${JSON.stringify((error as SparseError).details ?? null)}`;
      }
      return 'no error';
    };
    for (const [weights, mask, nDrop] of cases) {
      for (const grow of [{ by: 'magnitude', values: new Float32Array(mask.length) }, { by: 'random', random: new Random(1) }] as GrowSelection[]) {
        const expected = message(() => referenceDropAndGrow(weights, mask, () => nDrop, grow));
        expect(expected).not.toBe('no error');
        expect(message(() => dropAndGrowCounted(weights, mask, () => nDrop, grow))).toBe(expected);
      }
    }
  });

  it('largestMagnitudes picks what it picked before', () => {
    fc.assert(
      fc.property(caseArbitrary(50_000), fc.double({ min: 0, max: 1, noNaN: true }), (c, share) => {
        const free = c.mask.reduce((n, m) => n + (m === 0 ? 1 : 0), 0);
        fc.pre(free > 0);
        const k = Math.max(1, Math.floor(share * share * free));
        expect([...largestMagnitudes(c.gradients, c.mask, free, k)]).toEqual([...referenceLargest(c.gradients, c.mask, free, k)]);
      }),
      { numRuns: 60 },
    );
  });

  it('the rigl and set rules, through a chain of updates, as before', () => {
    const options = { updateEvery: 10, dropFraction: 0.3 };
    for (const name of ['rigl', 'set'] as const) {
      const rule = name === 'rigl' ? riglRule(options) : setRule(options);
      let layers: MaskUpdateLayer[] = [
        { name: 'a', shape: [300, 100], ...makeCase(30_000, 0.23, 0, 0, 0, 1) },
        { name: 'b', shape: [100, 10], ...makeCase(1000, 1, 4, 0, 0, 2) },
      ];
      for (let step = 10; step < 70; step += 10) {
        const update = rule.update({ step, totalSteps: 100, seed: step, layers });
        for (const layer of layers) {
          const fraction = cosineDropFraction(step, 0.3, 75); // endFraction 0.75 of 100 steps
          const expected = referenceDropAndGrow(layer.weights, layer.mask, (active) => Math.min(active, Math.floor(fraction * active)), name === 'rigl' ? { by: 'magnitude', values: layer.gradients as Float32Array } : { by: 'random', random: new Random(deriveSeed(step, 'set-grow', layer.name)) });
          expect(bitsOf(update.masks.get(layer.name) as Float32Array)).toEqual(bitsOf(expected.mask));
          expect([...(update.grown.get(layer.name) as Uint32Array)]).toEqual([...expected.grown]);
        }
        layers = layers.map((layer) => {
          const mask = update.masks.get(layer.name) as Float32Array;
          return { ...layer, mask, weights: layer.weights.map((w, i) => (mask[i] === 0 || layer.mask[i] === 0 ? 0 : w)) };
        });
      }
    }
  });
});
