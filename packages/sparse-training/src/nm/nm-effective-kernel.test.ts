import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRuntime } from '@sparse/core';
import { nmEffectiveKernel } from './nm-effective-kernel.js';
import { nmMask } from './nm-mask.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

const matrices = fc.integer({ min: 1, max: 6 }).chain((rows) =>
  fc.record({
    rows: fc.constant(rows),
    w: fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: rows * 3, maxLength: rows * 3 }),
    c: fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: rows * 3, maxLength: rows * 3 }),
    alpha: fc.constantFrom(0, 0.25, 0.5, 1),
    srDecay: fc.constantFrom(0, 2e-4, 0.5),
  }),
);

/** Value and gradient of sum(C ⊙ effective(w)): the upstream gradient is C. */
function valueAndGrad(w: Float32Array, factor: Float32Array, c: Float32Array, rows: number, gradient: 'straight-through' | 'masked', srDecay: number): { value: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const wt = tf.tensor2d(w, [rows, 3]);
    const ft = tf.tensor2d(factor, [rows, 3]);
    const ct = tf.tensor2d(c, [rows, 3]);
    const value = nmEffectiveKernel(wt, ft, gradient, srDecay).dataSync() as Float32Array;
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(ct, nmEffectiveKernel(x as tf.Tensor2D, ft, gradient, srDecay))))(wt).dataSync() as Float32Array;
    return { value: value.slice(), grad: grad.slice() };
  });
}

describe('nmEffectiveKernel', () => {
  it('forwards w ⊙ factor; straight-through passes the gradient unmasked (+ λ_W (1−m) ⊙ w for SR-STE); masked multiplies it by the mask', () => {
    fc.assert(
      fc.property(matrices, ({ rows, w, c, alpha, srDecay }) => {
        const weights = Float32Array.from(w);
        const upstream = Float32Array.from(c);
        const mask = nmMask(weights, rows, 3, 1, 2);
        const decayed = mask.map((v) => (v === 1 ? 1 : alpha));
        const before = tf.memory().numTensors;
        // MDGF: decayed factor, straight-through.
        const mdgf = valueAndGrad(weights, decayed, upstream, rows, 'straight-through', 0);
        expect(Array.from(mdgf.value)).toEqual(Array.from(weights, (v, i) => Math.fround(v * (decayed[i] as number))));
        expect(Array.from(mdgf.grad)).toEqual(Array.from(upstream));
        // SR-STE: binary mask, straight-through plus λ_W (1 − m) ⊙ w.
        const srste = valueAndGrad(weights, mask, upstream, rows, 'straight-through', srDecay);
        expect(Array.from(srste.value)).toEqual(Array.from(weights, (v, i) => (mask[i] === 1 ? v : 0 * v)));
        srste.grad.forEach((g, i) => {
          const expected = mask[i] === 1 || srDecay === 0 ? (upstream[i] as number) : (upstream[i] as number) + srDecay * (weights[i] as number);
          expect(g).toBeCloseTo(expected, 5);
        });
        // Fixed mask: the gradient masked.
        const fixed = valueAndGrad(weights, mask, upstream, rows, 'masked', 0);
        expect(Array.from(fixed.grad)).toEqual(Array.from(upstream, (v, i) => Math.fround(v * (mask[i] as number))));
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 60 },
    );
  });
});
