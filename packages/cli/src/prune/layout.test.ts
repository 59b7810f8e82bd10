import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tfToTorch, torchShapeToTf, torchToTf } from './layout.js';

describe('PyTorch ↔ TensorFlow kernel layout', () => {
  it('transposes a Linear weight', () => {
    // [[1, 2, 3], [4, 5, 6]] as [out, in] is [[1, 4], [2, 5], [3, 6]] as [in, out].
    expect(Array.from(torchToTf(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(torchShapeToTf([2, 3])).toEqual([3, 2]);
  });

  it('moves a Conv2d weight [out, in, kh, kw] to [kh, kw, in, out]', () => {
    const shape = [2, 3, 2, 2];
    const torch = Float32Array.from({ length: 24 }, (_, k) => k);
    const tf = torchToTf(torch, shape);
    expect(torchShapeToTf(shape)).toEqual([2, 2, 3, 2]);
    // Element (o=1, i=2, kh=1, kw=0) sits at ((1·3 + 2)·2 + 1)·2 + 0 = 22 in PyTorch layout,
    // and at ((kh·2 + kw)·3 + i)·2 + o = ((1·2 + 0)·3 + 2)·2 + 1 = 17 in TensorFlow layout.
    expect(tf[17]).toBe(22);
    expect(tf[0]).toBe(0);
    expect(tf[1]).toBe(12); // (o=1, i=0, 0, 0)
  });

  it('round-trips any kernel (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 5 }), (shape) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const values = Uint8Array.from({ length: n }, (_, k) => k % 251);
        return tfToTorch(torchToTf(values, shape), shape).every((v, k) => v === values[k]);
      }),
    );
  });
});
