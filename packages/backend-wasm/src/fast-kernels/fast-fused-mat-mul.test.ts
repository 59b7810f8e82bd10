import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { uninstallFastKernels, wasmBackendProvider } from '../index.js';
import { PROPERTY_RUNS, expectClose, installFast, liveCounts, seeded, stockAndFast, type FastMode } from '../../test/support.js';

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu'] as const;
type FusedActivation = (typeof ACTIVATIONS)[number];

const size = fc.oneof(fc.constantFrom(1, 2, 3, 7, 13, 31), fc.integer({ min: 1, max: 96 }));

interface FusedCase {
  batch: number;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  bias: boolean;
  activation: FusedActivation;
  seed: number;
}

/** Single-batch fused products: the case the fast kernel computes itself. */
const fusedProduct: fc.Arbitrary<FusedCase> = fc.record({
  batch: fc.constant(1),
  m: size,
  k: size,
  n: size,
  transposeA: fc.boolean(),
  transposeB: fc.boolean(),
  bias: fc.boolean(),
  activation: fc.constantFrom(...ACTIVATIONS),
  seed: fc.nat(),
});

interface Operands {
  a: tf.Tensor;
  b: tf.Tensor;
  bias: tf.Tensor | undefined;
  alpha: tf.Tensor;
}

function operands(p: FusedCase): Operands {
  const lead = p.batch === 1 ? [] : [p.batch];
  return {
    a: seeded([...lead, ...(p.transposeA ? [p.k, p.m] : [p.m, p.k])], p.seed),
    b: seeded([...lead, ...(p.transposeB ? [p.n, p.k] : [p.k, p.n])], p.seed + 1),
    bias: p.bias ? seeded([p.n], p.seed + 2) : undefined,
    alpha: tf.abs(seeded([p.n], p.seed + 3)),
  };
}

function fused(p: FusedCase, o: Operands): tf.Tensor {
  return tf.fused.matMul({
    a: o.a,
    b: o.b,
    transposeA: p.transposeA,
    transposeB: p.transposeB,
    activation: p.activation,
    leakyreluAlpha: 0.2,
    ...(o.bias === undefined ? {} : { bias: o.bias }),
    ...(p.activation === 'prelu' ? { preluActivationWeights: o.alpha } : {}),
  });
}

/** The same computation from unfused ops: what the fused kernel must equal. */
function unfused(p: FusedCase, o: Operands): tf.Tensor {
  const product = tf.matMul(o.a, o.b, p.transposeA, p.transposeB);
  const y = o.bias === undefined ? product : tf.add(product, o.bias);
  const apply: Record<FusedActivation, () => tf.Tensor> = {
    linear: () => y,
    relu: () => tf.relu(y),
    relu6: () => tf.relu6(y),
    leakyrelu: () => tf.leakyRelu(y, 0.2),
    sigmoid: () => tf.sigmoid(y),
    elu: () => tf.elu(y),
    prelu: () => tf.prelu(y, o.alpha),
  };
  return apply[p.activation]();
}

describe('fast _FusedMatMul', () => {
  beforeAll(async () => {
    await wasmBackendProvider.activate();
  });

  for (const mode of ['always', 'default'] as const satisfies readonly FastMode[]) {
    it(`equals the stock kernels' unfused matMul + bias + activation (${mode} route)`, () => {
      fc.assert(
        fc.property(fusedProduct, (p) => {
          uninstallFastKernels();
          const expected = tf.tidy(() => unfused(p, operands(p)).dataSync() as Float32Array);
          installFast(mode);
          const actual = tf.tidy(() => fused(p, operands(p)).dataSync() as Float32Array);
          expectClose(actual, expected);
        }),
        PROPERTY_RUNS,
      );
    });

    it(`equals the stock fused kernel on batched products, which it leaves to it (${mode} route)`, () => {
      const batched = fusedProduct.map((p) => ({ ...p, batch: 2 }));
      fc.assert(
        fc.property(batched, (p) => {
          const { stock, fast } = stockAndFast(mode, () => fused(p, operands(p)));
          expectClose(fast[0]!, stock[0]!);
        }),
        { ...PROPERTY_RUNS, numRuns: 30 },
      );
    });
  }

  it('fixes the stock 4.22 loop adding bias[n-1] to every row after the first', () => {
    const compute = (): tf.Tensor =>
      tf.fused.matMul({ a: tf.tensor2d([[1, 3, 5], [2, 4, 6]]), b: tf.eye(2, 3), bias: tf.tensor1d([10, 20, 30]), transposeA: true });
    const { stock, fast } = stockAndFast('default', compute);
    expect(Array.from(fast[0]!)).toEqual([11, 22, 30, 13, 24, 30, 15, 26, 30]);
    expect(Array.from(stock[0]!)).toEqual([11, 22, 30, 33, 34, 30, 35, 36, 30]);
  });

  it('fixes the stock 4.22 loop adding the bias once per 48 terms of the sum', () => {
    const compute = (): tf.Tensor => tf.fused.matMul({ a: tf.zeros([1, 97]), b: tf.zeros([3, 97]), transposeB: true, bias: tf.tensor1d([1, 2, 3]) });
    const { stock, fast } = stockAndFast('default', compute);
    expect(Array.from(fast[0]!)).toEqual([1, 2, 3]);
    expect(Array.from(stock[0]!)).toEqual([3, 6, 9]);
  });

  it('fixes the stock 4.22 loop clamping relu partial sums every 48 terms', () => {
    // Row · column = 48 · (-1) + 49 · 1 = 1; stock clamps the first 48 terms' sum at 0, giving 49.
    const row = Array.from({ length: 97 }, (_, i) => (i < 48 ? -1 : 1));
    const compute = (): tf.Tensor => tf.fused.matMul({ a: tf.tensor2d([row]), b: tf.ones([1, 97]), transposeB: true, activation: 'relu' });
    const { stock, fast } = stockAndFast('default', compute);
    expect(Array.from(fast[0]!)).toEqual([1]);
    expect(Array.from(stock[0]!)).toEqual([49]);
  });

  it('leaks no tensor and no backend buffer', () => {
    installFast('always');
    const p: FusedCase = { batch: 1, m: 17, k: 9, n: 5, transposeA: true, transposeB: true, bias: true, activation: 'relu', seed: 3 };
    const o = operands(p);
    const before = liveCounts();
    fused(p, o).dispose();
    expect(liveCounts()).toEqual(before);
    tf.dispose([o.a, o.b, o.alpha, ...(o.bias === undefined ? [] : [o.bias])]);
  });
});
