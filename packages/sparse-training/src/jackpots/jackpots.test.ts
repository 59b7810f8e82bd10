import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDenseMlp, createRuntime, glorotNormal, type Batch } from '@sparse/core';
import { createFrozenMlp } from './frozen-mlp.js';
import { searchJackpot } from './jackpot-search.js';
import { magnitudeMasks, prunedCounts } from './magnitude-masks.js';
import { restrictionRate, shortRestriction } from './short-restriction.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

const zeros = (mask: Uint8Array): number => mask.reduce((sum, v) => sum + (v === 0 ? 1 : 0), 0);

describe('magnitudeMasks', () => {
  it('prunes exactly floor(s·n) per layer (layerwise) or in total (global), lowest |w| first, ties by index', () => {
    const weights = new Map([
      ['a', Float32Array.of(0.1, -0.1, 3, 0.2)],
      ['b', Float32Array.of(-0.1, 5)],
    ]);
    const layerwise = magnitudeMasks(weights, ['a', 'b'], 0.5, 'layerwise');
    expect([...(layerwise.get('a') as Uint8Array)]).toEqual([0, 0, 1, 1]);
    expect([...(layerwise.get('b') as Uint8Array)]).toEqual([0, 1]);
    const global = magnitudeMasks(weights, ['a', 'b'], 0.5, 'global');
    expect([...(global.get('a') as Uint8Array)]).toEqual([0, 0, 1, 1]);
    expect([...(global.get('b') as Uint8Array)]).toEqual([0, 1]);
    const third = magnitudeMasks(weights, ['a', 'b'], 0.34, 'global'); // floor(0.34·6) = 2: the two first 0.1s by order
    expect([...(third.get('a') as Uint8Array)]).toEqual([0, 0, 1, 1]);
    expect([...(third.get('b') as Uint8Array)]).toEqual([1, 1]);
  });

  it('rejects a sparsity outside [0, 1] and an unknown kernel', () => {
    expect(() => magnitudeMasks(new Map(), [], 1.5, 'global')).toThrow(/sparsity must be in \[0, 1\]/);
    expect(() => magnitudeMasks(new Map(), ['x'], 0.5, 'global')).toThrow(/no weights named 'x'/);
  });
});

describe('shortRestriction', () => {
  it('keeps the count, swaps only pairs across the top-k boundary, most extreme first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(),
        (values, rate, salt) => {
          const scores = Float32Array.from(values);
          const n = scores.length;
          const pruneCount = salt % (n + 1);
          // a random starting mask with exactly pruneCount zeros
          const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ((a * 7919 + salt) % 101) - ((b * 7919 + salt) % 101) || a - b);
          const mask = new Uint8Array(n).fill(1);
          for (const i of order.slice(0, pruneCount)) mask[i] = 0;
          const before = mask.slice();
          const step = shortRestriction(scores, mask, pruneCount, rate);
          expect(zeros(mask)).toBe(pruneCount);
          expect(step.swapped).toBe(Math.ceil(rate * step.candidates));
          // rank by (score, index): the top-k boundary
          const rank = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number) || a - b);
          const idealPruned = new Set(rank.slice(0, pruneCount));
          let revived = 0;
          for (let i = 0; i < n; i += 1) {
            if (before[i] === mask[i]) continue;
            if (mask[i] === 1) {
              revived += 1;
              expect(idealPruned.has(i)).toBe(false); // revived entries were ranked above the boundary
            } else expect(idealPruned.has(i)).toBe(true); // dropped entries were ranked below it
          }
          expect(revived).toBe(step.swapped);
          if (rate === 1) for (let i = 0; i < n; i += 1) expect(mask[i]).toBe(idealPruned.has(i) ? 0 : 1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('swaps the highest-scored pruned with the lowest-scored kept candidates', () => {
    const scores = Float32Array.of(0.1, 0.2, 0.3, 0.9, 0.8, 0.7);
    const mask = Uint8Array.of(1, 1, 1, 0, 0, 0); // exactly the wrong way round: 3 candidate pairs
    const step = shortRestriction(scores, mask, 3, 0.5); // ceil(1.5) = 2 pairs
    expect(step).toEqual({ candidates: 3, swapped: 2 });
    expect([...mask]).toEqual([0, 0, 1, 1, 1, 0]);
  });

  it("ranks NaN scores lowest (pruned first), as core's selection does", () => {
    const mask = Uint8Array.of(1, 1, 0);
    expect(shortRestriction(Float32Array.of(Number.NaN, 0.5, 0.9), mask, 1, 1)).toEqual({ candidates: 1, swapped: 1 });
    expect([...mask]).toEqual([0, 1, 1]);
    expect(shortRestriction(Float32Array.of(Number.NaN, 0.5, 0.9), mask, 1, 1)).toEqual({ candidates: 0, swapped: 0 });
  });

  it('rejects a mask with the wrong count and a rate outside [0, 1]', () => {
    expect(() => shortRestriction(Float32Array.of(1, 2), Uint8Array.of(1, 1), 1, 1)).toThrow(/prunes 0 entries, not the layer's 1/);
    expect(() => shortRestriction(Float32Array.of(1, 2), Uint8Array.of(0, 1), 1, 2)).toThrow(/rate must be in \[0, 1\]/);
  });

  it('follows the reference schedules', () => {
    expect(restrictionRate('cosine', 0, 10)).toBe(1);
    expect(restrictionRate('cosine', 5, 10)).toBeCloseTo(0.5, 12);
    expect(restrictionRate('full', 9, 10)).toBe(1);
  });
});

describe('searchJackpot', () => {
  const sizes = [12, 16, 8, 3];
  const makeBatches = (seed: number): Batch[] =>
    Array.from({ length: 3 }, (_, i) =>
      tf.tidy(() => {
        const x = tf.randomNormal([20, 12], 0, 1, 'float32', seed * 10 + i);
        const labels = tf.argMax(tf.matMul(x, tf.randomNormal([12, 3], 0, 1, 'float32', 99)), 1);
        return { x, y: tf.cast(tf.oneHot(labels, 3), 'float32') };
      }),
    );
  const run = async (seed: number, onStep?: (masks: ReadonlyMap<string, Uint8Array>) => void) => {
    const model = createDenseMlp({ layerSizes: sizes, initializer: glorotNormal, seed });
    const weights = model.read();
    const network = createFrozenMlp(sizes, weights);
    const kernels = ['fc1/kernel', 'fc2/kernel'];
    const initialMasks = magnitudeMasks(weights, kernels, 0.7, 'global');
    const batches = makeBatches(seed);
    try {
      const result = await searchJackpot(
        {
          network,
          initialMasks,
          stepsPerEpoch: batches.length,
          batch: (_, step) => {
            const b = batches[step] as Batch;
            return { x: b.x.clone(), y: b.y.clone() };
          },
          ...(onStep === undefined ? {} : { onStep: (_: number, masks: ReadonlyMap<string, Uint8Array>) => onStep(masks) }),
        },
        { epochs: 4, learningRate: 1, momentum: 0.9, weightDecay: 5e-4, restriction: 'cosine' },
      );
      return { result, weights, after: model.read(), initialMasks };
    } finally {
      for (const b of batches) tf.dispose([b.x, b.y]);
      network.dispose();
      model.dispose();
    }
  };

  it('keeps every layer at its exact count after every step, moves masks, never changes weights, leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    let steps = 0;
    let expected: Map<string, number> | undefined;
    const { result, weights, after, initialMasks } = await run(3, (masks) => {
      steps += 1;
      expected ??= prunedCounts(masks);
      for (const [name, mask] of masks) expect(zeros(mask)).toBe(expected.get(name));
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(steps).toBe(12);
    expect(prunedCounts(result.masks)).toEqual(prunedCounts(initialMasks));
    expect(result.epochs.reduce((sum, e) => sum + e.swapped, 0)).toBeGreaterThan(0);
    expect(result.epochs.at(-1)?.changedFromStart).toBeGreaterThan(0);
    for (const [name, values] of weights) expect(after.get(name)).toEqual(values);
  });

  it('is deterministic: the same seed and batches give the same masks', async () => {
    const a = await run(5);
    const b = await run(5);
    expect(b.result.masks).toEqual(a.result.masks);
    expect(b.result.epochs).toEqual(a.result.epochs);
  });

  it('rejects bad options before any step', async () => {
    const network = createFrozenMlp([2, 1], new Map([['fc1/kernel', Float32Array.of(1, 1)], ['fc1/bias', Float32Array.of(0)]]));
    try {
      const input = { network, initialMasks: new Map([['fc1/kernel', Uint8Array.of(1, 0)]]), stepsPerEpoch: 1, batch: () => { throw new Error('no batch expected'); } };
      await expect(searchJackpot(input, { epochs: 0, learningRate: 0.1, momentum: 0.9, weightDecay: 0, restriction: 'cosine' })).rejects.toThrow(/epochs must be an integer >= 1/);
      await expect(searchJackpot({ ...input, initialMasks: new Map([['nope', Uint8Array.of(1)]]) }, { epochs: 1, learningRate: 0.1, momentum: 0.9, weightDecay: 0, restriction: 'full' })).rejects.toThrow(/'nope' is not a kernel/);
    } finally {
      network.dispose();
    }
  });
});
