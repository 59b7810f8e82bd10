import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmBackendProvider } from '../index.js';
import { PROPERTY_RUNS, expectClose, installFast, liveCounts, seeded, stockAndFast, type FastMode } from '../../test/support.js';

interface DenseCase {
  batch: number;
  inputs: number;
  units: number;
  activation: 'relu' | 'linear';
  seed: number;
}

/**
 * The gradients of a dense layer `y = activation(x·W + b)` as tfjs-layers computes it (the forward
 * is a fused matMul; its gradient calls matMul(dy, W, false, true) and matMul(x, dy, true, false)),
 * under a loss that weighs every output differently: [dL/dx, dL/dW, dL/db].
 */
function denseGradients(c: DenseCase, [x, kernel, bias, weights] = denseInputs(c)): tf.Tensor[] {
  const loss = (xs: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Scalar =>
    tf.sum(tf.mul(tf.fused.matMul({ a: xs, b: w, bias: b, activation: c.activation }), weights));
  return tf.grads(loss)([x, kernel, bias]);
}

/** x, W, b and the loss weights of a {@link DenseCase}. */
function denseInputs(c: DenseCase): [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor] {
  return [seeded([c.batch, c.inputs], c.seed), seeded([c.inputs, c.units], c.seed + 1), seeded([c.units], c.seed + 2), seeded([c.batch, c.units], c.seed + 3)];
}

const size = fc.oneof(fc.constantFrom(1, 2, 3, 10, 31), fc.integer({ min: 1, max: 120 }));
const denseCase: fc.Arbitrary<DenseCase> = fc.record({
  batch: size,
  inputs: size,
  units: size,
  activation: fc.constantFrom('relu' as const, 'linear' as const),
  seed: fc.nat(),
});

describe('dense-layer gradients with the fast kernels', () => {
  beforeAll(async () => {
    await wasmBackendProvider.activate();
  });

  for (const mode of ['always', 'default'] as const satisfies readonly FastMode[]) {
    it(`equal those with the stock kernels (${mode} route)`, () => {
      fc.assert(
        fc.property(denseCase, (c) => {
          const { stock, fast } = stockAndFast(mode, () => denseGradients(c));
          for (const [i, expected] of stock.entries()) expectClose(fast[i]!, expected);
        }),
        { ...PROPERTY_RUNS, numRuns: 40 },
      );
    });
  }

  it('equal those with the stock kernels for LeNet-300-100 layer 1 at batch 60', () => {
    const { stock, fast } = stockAndFast('default', () => denseGradients({ batch: 60, inputs: 784, units: 300, activation: 'relu', seed: 42 }));
    expect(fast.map((g) => g.length)).toEqual([60 * 784, 784 * 300, 300]);
    for (const [i, expected] of stock.entries()) expectClose(fast[i]!, expected);
  });

  it('leak no tensor and no backend buffer', () => {
    installFast('default');
    const c: DenseCase = { batch: 60, inputs: 100, units: 10, activation: 'relu', seed: 7 };
    const inputs = denseInputs(c);
    const before = liveCounts();
    tf.dispose(denseGradients(c, inputs));
    expect(liveCounts()).toEqual(before);
    tf.dispose(inputs);
  });
});
