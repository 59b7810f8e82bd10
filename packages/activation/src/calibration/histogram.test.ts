import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Histogram, catsHistogramEdges } from './histogram.js';

/** Made by scripts/make-histogram-fixture.py with numpy (see the script for how to regenerate). */
const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/cats-histogram.json', import.meta.url), 'utf8')) as {
  values: number[];
  counts: number[];
  targets: number[];
  thresholds: number[];
};

describe('Histogram with the CATS edges', () => {
  it('has 999 bins between -inf and +inf with float32 inner edges from -1 to 1', () => {
    const edges = catsHistogramEdges();
    expect(edges.length).toBe(1000);
    expect([edges[0], edges[1], edges[998], edges[999]]).toEqual([-Infinity, -1, 1, Infinity]);
  });

  it('counts like numpy.histogram and thresholds like CATS get_threshold (numpy reference)', () => {
    const histogram = new Histogram(catsHistogramEdges());
    histogram.add(Float32Array.from(fixture.values));
    expect(Array.from(histogram.counts)).toEqual(fixture.counts);
    fixture.targets.forEach((target, i) => {
      expect(histogram.threshold(target)).toBe(Math.max(0, fixture.thresholds[i] as number));
    });
  });

  it('never zeroes more than the target of the counted values (thresholds are bin left edges)', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: 0, max: 2, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.double({ min: 0, max: 0.99, noNaN: true }), (values, target) => {
        const histogram = new Histogram(catsHistogramEdges());
        histogram.add(values);
        const t = histogram.threshold(target);
        const strictlyBelow = values.filter((v) => v < t).length;
        expect(strictlyBelow / values.length).toBeLessThanOrEqual(target + 1e-12);
      }),
    );
  });

  it('puts a value equal to the last edge in the last bin and ignores values outside', () => {
    const histogram = new Histogram([0, 1, 2]);
    histogram.add([0, 0.5, 1, 2, 3, -1, Number.NaN]);
    expect(Array.from(histogram.counts)).toEqual([2, 2]);
    expect(() => new Histogram([0, 0])).toThrow(/increase strictly/);
    expect(() => new Histogram([0, 1]).threshold(0.5)).toThrow(/empty/);
  });
});
