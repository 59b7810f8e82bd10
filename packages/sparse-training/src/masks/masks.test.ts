import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floorCount } from '@sparse/core';
import { layerBudgets } from './layer-budgets.js';
import { randomNodeMasks } from './node-masks.js';
import { randomMask, randomMasks } from './random-masks.js';

const lenet = [
  { name: 'fc1/kernel', shape: [784, 300] },
  { name: 'fc2/kernel', shape: [300, 100] },
  { name: 'fc3/kernel', shape: [100, 10] },
];

const shapes = fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 4 }).map((dims) => dims.map((shape, i) => ({ name: `l${i}/kernel`, shape })));
const budgetOf = (tensors: readonly { shape: readonly number[] }[], s: number): number => tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1) - floorCount(s * t.shape.reduce((a, b) => a * b, 1)), 0);

describe('layerBudgets', () => {
  it('keeps exactly the uniform budget Σ(N − ⌊sN⌋) for erk, uniform and uniform with a dense first layer', () => {
    fc.assert(
      fc.property(shapes, fc.double({ min: 0, max: 0.99, noNaN: true }), (tensors, s) => {
        const budget = budgetOf(tensors, s);
        for (const options of [{ distribution: 'erk' as const }, { distribution: 'uniform' as const }]) {
          const layers = layerBudgets(tensors, s, options);
          expect(layers.reduce((sum, l) => sum + l.kept, 0)).toBe(budget);
          for (const l of layers) expect(Number.isInteger(l.kept) && l.kept >= 0 && l.kept <= l.size).toBe(true);
        }
        const sizes = tensors.map((t) => t.shape[0]! * t.shape[1]!);
        const zeros = sizes.reduce((sum, n) => sum + floorCount(s * n), 0);
        const restSize = sizes.slice(1).reduce((a, b) => a + b, 0);
        if (tensors.length > 1 && zeros <= restSize) {
          const dense = layerBudgets(tensors, s, { distribution: 'uniform', denseFirstLayer: true });
          expect(dense[0]!.kept).toBe(sizes[0]);
          expect(dense.reduce((sum, l) => sum + l.kept, 0)).toBe(budget);
        }
      }),
    );
  });

  it('gives LeNet-300-100 ERK densities that grow as layers shrink, at the 90% budget', () => {
    const layers = layerBudgets(lenet, 0.9, { distribution: 'erk' });
    const [fc1, fc2, fc3] = layers;
    expect(fc1!.density).toBeLessThan(fc2!.density);
    expect(fc2!.density).toBeLessThan(fc3!.density);
    expect(layers.reduce((sum, l) => sum + l.kept, 0)).toBe(budgetOf(lenet, 0.9));
    expect(layerBudgets(lenet, 0.9, { distribution: 'uniform' }).map((l) => l.kept)).toEqual([23520, 3000, 100]);
  });

  it('refuses a sparsity out of range, an unknown distribution and an impossible dense first layer', () => {
    expect(() => layerBudgets(lenet, 1)).toThrowError(/sparsity must be a number in \[0, 1\)/);
    expect(() => layerBudgets(lenet, 0.5, { distribution: 'global' as never })).toThrowError(/distribution must be 'erk' or 'uniform'/);
    expect(() => layerBudgets([{ name: 'a', shape: [100, 100] }, { name: 'b', shape: [2, 2] }], 0.9, { distribution: 'uniform', denseFirstLayer: true })).toThrowError(/denseFirstLayer/);
  });
});

describe('randomMask', () => {
  it('has exactly the kept count, only 0 and 1, and is a function of the seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size }))), fc.nat(), ([size, kept], seed) => {
        const mask = randomMask(size, kept, seed);
        expect(mask.length).toBe(size);
        expect(mask.every((m) => m === 0 || m === 1)).toBe(true);
        expect(mask.reduce((a, b) => a + b, 0)).toBe(kept);
        expect(randomMask(size, kept, seed)).toEqual(mask);
      }),
    );
    expect(randomMask(1000, 500, 1)).not.toEqual(randomMask(1000, 500, 2));
    expect(() => randomMask(10, 11, 1)).toThrowError(/kept must be an integer in \[0, 10\]/);
  });

  it('puts every entry on about equally often', () => {
    const counts = new Float64Array(20);
    for (let seed = 0; seed < 2000; seed += 1) randomMask(20, 5, seed).forEach((m, i) => (counts[i]! += m));
    for (const c of counts) expect(Math.abs(c - 500)).toBeLessThan(80);
  });

  it('draws each tensor of a set from its own stream', () => {
    const budgets = layerBudgets(lenet, 0.95);
    const a = randomMasks(budgets, 3);
    const b = randomMasks(budgets.slice(1), 3);
    expect(b.get('fc2/kernel')).toEqual(a.get('fc2/kernel'));
    for (const budget of budgets) expect(a.get(budget.name)!.reduce((x, y) => x + y, 0)).toBe(budget.kept);
  });
});

describe('randomNodeMasks', () => {
  it('removes whole hidden units (a column of one kernel and the row of the next), stays within the budget, and is a function of the seed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 3, maxLength: 5 }), fc.double({ min: 0, max: 0.95, noNaN: true }), fc.nat(), (sizes, s, seed) => {
        const tensors = sizes.slice(1).map((outputs, i) => ({ name: `l${i}/kernel`, shape: [sizes[i]!, outputs] }));
        const nodes = randomNodeMasks(tensors, s, seed);
        expect(randomNodeMasks(tensors, s, seed).masks).toEqual(nodes.masks);
        let total = 0;
        tensors.forEach((t, l) => {
          const [inputs, outputs] = t.shape as [number, number];
          const mask = nodes.masks.get(t.name)!;
          total += mask.reduce((a, b) => a + b, 0);
          // Rank one: entry (i, j) is on exactly when row i and column j are.
          const rows = Array.from({ length: inputs }, (_, i) => mask.subarray(i * outputs, (i + 1) * outputs).some((m) => m === 1));
          const cols = Array.from({ length: outputs }, (_, j) => rows.some((on, i) => on && mask[i * outputs + j] === 1));
          for (let i = 0; i < inputs; i += 1) for (let j = 0; j < outputs; j += 1) expect(mask[i * outputs + j]).toBe(rows[i] && cols[j] ? 1 : 0);
          if (l === 0) expect(rows.every(Boolean)).toBe(true);
          if (l === tensors.length - 1) expect(cols.every(Boolean)).toBe(true);
          if (l < tensors.length - 1) expect(cols.filter(Boolean).length).toBe(nodes.units[l]);
        });
        expect(total).toBe(nodes.kept);
        if (nodes.units.some((u) => u > 1)) expect(nodes.kept).toBeLessThanOrEqual(budgetOf(tensors, s));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps about 10% of LeNet-300-100\'s hidden units at 90% sparsity', () => {
    const { units, kept } = randomNodeMasks(lenet, 0.9, 1);
    expect(units[0]).toBeGreaterThan(20);
    expect(units[0]).toBeLessThan(40);
    expect(1 - kept / 266200).toBeGreaterThanOrEqual(0.9);
    expect(1 - kept / 266200).toBeLessThan(0.91);
  });
});
