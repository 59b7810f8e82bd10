import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmBackendProvider } from '../index.js';
import { PROPERTY_RUNS, expectClose, installFast, liveCounts, seeded, stockAndFast, type FastMode } from '../../test/support.js';
import { installFastKernelsWith } from './install-fast-kernels.js';
import { prefersExplicitTranspose } from './explicit-transpose-policy.js';
import type { MatMulGeometry } from './mat-mul-geometry.js';

/** Sizes with a bias towards the edge cases: 1, small odd sizes, and sizes past the thresholds. */
const size = fc.oneof(fc.constantFrom(1, 2, 3, 7, 13, 31), fc.integer({ min: 1, max: 96 }));

/** Batch axes of a and b: none, equal, or one side broadcast. */
const batches = fc.oneof(
  fc.constant({ a: [] as number[], b: [] as number[] }),
  fc.integer({ min: 1, max: 3 }).map((n) => ({ a: [n], b: [n] })),
  fc.integer({ min: 2, max: 3 }).map((n) => ({ a: [n], b: [1] })),
  fc.integer({ min: 2, max: 3 }).map((n) => ({ a: [1, n], b: [n] })),
);

interface ProductCase {
  batch: { a: number[]; b: number[] };
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  seed: number;
}

const product: fc.Arbitrary<ProductCase> = fc.record({
  batch: batches,
  m: size,
  k: size,
  n: size,
  transposeA: fc.boolean(),
  transposeB: fc.boolean(),
  seed: fc.nat(),
});

function operands(p: ProductCase): [tf.Tensor, tf.Tensor] {
  const aShape = p.transposeA ? [p.k, p.m] : [p.m, p.k];
  const bShape = p.transposeB ? [p.n, p.k] : [p.k, p.n];
  return [seeded([...p.batch.a, ...aShape], p.seed), seeded([...p.batch.b, ...bShape], p.seed + 1)];
}

describe('fast BatchMatMul', () => {
  beforeAll(async () => {
    await wasmBackendProvider.activate();
  });

  for (const mode of ['always', 'default'] as const satisfies readonly FastMode[]) {
    it(`equals the stock kernel on random shapes, flags and batches (${mode} route)`, () => {
      fc.assert(
        fc.property(product, (p) => {
          const { stock, fast } = stockAndFast(mode, () => {
            const [a, b] = operands(p);
            return tf.matMul(a, b, p.transposeA, p.transposeB);
          });
          expectClose(fast[0]!, stock[0]!);
        }),
        PROPERTY_RUNS,
      );
    });
  }

  it('takes the explicit route for the dense-layer gradient shapes and matches stock there', () => {
    const seen: MatMulGeometry[] = [];
    const cases = [
      { a: [60, 784], b: [60, 300], transposeA: true, transposeB: false }, // dW, layer 1
      { a: [60, 300], b: [784, 300], transposeA: false, transposeB: true }, // dx, layer 1
      { a: [512, 100], b: [512, 10], transposeA: true, transposeB: false }, // dW, layer 3
    ];
    for (const [index, c] of cases.entries()) {
      const { stock, fast } = stockAndFast('default', () => tf.matMul(seeded(c.a, index), seeded(c.b, index + 7), c.transposeA, c.transposeB));
      expectClose(fast[0]!, stock[0]!);
    }
    installFastKernelsWith((g) => {
      seen.push(g);
      return prefersExplicitTranspose(g);
    });
    tf.tidy(() => cases.map((c, index) => tf.matMul(seeded(c.a, index), seeded(c.b, index + 7), c.transposeA, c.transposeB)));
    expect(seen.map(prefersExplicitTranspose)).toEqual([true, true, true]);
    installFast('default');
  });

  it('leaks no tensor and no backend buffer, also when the stock kernel throws', () => {
    installFast('always');
    const a = seeded([30, 20], 1);
    const b = seeded([40, 20], 2);
    const a3 = seeded([2, 20, 30], 3);
    const b3 = seeded([3, 20, 40], 4);
    const before = liveCounts();
    tf.matMul(a, b, false, true).dispose();
    tf.matMul(b, b, true, false).dispose();
    // Batches 2 and 3 cannot broadcast: the stock kernel throws after our transpose of a3.
    expect(() => tf.matMul(a3, b3, true, false)).toThrow(/broadcast/);
    expect(liveCounts()).toEqual(before);
    tf.dispose([a, b, a3, b3]);
  });

  it("reports the caller's flags and shapes when the inner sizes do not match", () => {
    installFast('always');
    tf.tidy(() => {
      expect(() => tf.matMul(seeded([20, 30], 1), seeded([20, 40], 2), true, false)).not.toThrow();
      expect(() => tf.matMul(seeded([20, 30], 1), seeded([40, 20], 2), true, false)).toThrow(/shapes 20,30 and 40,20 and transposeA=true/);
    });
  });
});
