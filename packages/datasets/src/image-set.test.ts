import { describe, expect, it } from 'vitest';
import { selectExamples, type ImageSet } from './image-set.js';

const set: ImageSet<Uint8Array> = { images: Uint8Array.from({ length: 12 }, (_, i) => i), labels: new Uint8Array([5, 6, 7]), count: 3, shape: [2, 2] };

describe('selectExamples', () => {
  it('copies the chosen examples in the given order, repeats allowed', () => {
    const picked = selectExamples(set, [2, 0, 2]);
    expect(Array.from(picked.images)).toEqual([8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11]);
    expect(Array.from(picked.labels)).toEqual([7, 5, 7]);
    expect(picked.count).toBe(3);
    expect(picked.shape).toEqual([2, 2]);
    expect(picked.images).toBeInstanceOf(Uint8Array);
    picked.images[0] = 99;
    expect(set.images[8]).toBe(8);
  });

  it('keeps float pixels as floats', () => {
    const floats: ImageSet<Float32Array> = { images: new Float32Array([0.5, 1]), labels: new Uint8Array([1, 2]), count: 2, shape: [1] };
    expect(selectExamples(floats, [1]).images).toEqual(new Float32Array([1]));
  });

  it('rejects indices outside the set and inconsistent sets', () => {
    expect(() => selectExamples(set, [3])).toThrow(/indices\[0\] is 3, outside the 3 examples/);
    expect(() => selectExamples({ ...set, count: 4 }, [0])).toThrow(/dataset.images has 12 values but count 4 × shape \[2, 2\] needs 16/);
    expect(() => selectExamples({ ...set, labels: new Uint8Array(2) }, [0])).toThrow(/dataset.labels has 2 labels but count is 3/);
  });
});
