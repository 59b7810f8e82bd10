import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../create-runtime.js';
import { fusedDense } from './fused-dense.js';
import { meanSoftmaxCrossEntropy } from './softmax-cross-entropy.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

function expectClose(actual: tf.Tensor, expected: tf.Tensor, tolerance = 1e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync();
  const b = expected.dataSync();
  for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(tolerance * Math.max(1, Math.abs(b[i] as number)));
}

describe('meanSoftmaxCrossEntropy', () => {
  it('equals tf.losses.softmaxCrossEntropy in value and gradient', () => {
    tf.tidy(() => {
      const logits = tf.randomNormal([6, 4], 0, 3, 'float32', 1);
      const labels = tf.cast(tf.oneHot(tf.tensor1d([0, 3, 1, 1, 2, 0], 'int32'), 4), 'float32');
      const reference = (l: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, l) as tf.Scalar;
      const ours = (l: tf.Tensor) => meanSoftmaxCrossEntropy(labels, l);
      expectClose(ours(logits), reference(logits));
      expectClose(tf.grad(ours)(logits), tf.grad(reference)(logits));
    });
  });
});

describe('fusedDense', () => {
  for (const [activation, layout] of [
    ['relu', 'standard'],
    ['linear', 'standard'],
    ['relu', 'transposed'],
    ['linear', 'transposed'],
  ] as const) {
    it(`equals matMul + bias + ${activation} in value and gradients (${layout} layout)`, () => {
      tf.tidy(() => {
        const x = tf.randomNormal([5, 7], 0, 1, 'float32', 2);
        const w = tf.randomNormal([7, 3], 0, 1, 'float32', 3);
        const b = tf.randomNormal([3], 0, 1, 'float32', 4);
        const weights = tf.randomNormal([5, 3], 0, 1, 'float32', 5);
        const reference = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => {
          const z = tf.add(tf.matMul(xs, ws), bs);
          return tf.sum(tf.mul(activation === 'relu' ? tf.relu(z) : z, weights)) as tf.Scalar;
        };
        const ours = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(fusedDense(xs, ws, bs, { activation, layout }), weights)) as tf.Scalar;
        expectClose(ours(x, w, b), reference(x, w, b));
        const expected = tf.grads(reference)([x, w, b]);
        const actual = tf.grads(ours)([x, w, b]);
        expected.forEach((g, i) => expectClose(actual[i] as tf.Tensor, g));
        // without an input gradient: same kernel and bias gradients
        const noInput = (ws: tf.Tensor, bs: tf.Tensor) =>
          tf.sum(tf.mul(fusedDense(x, ws, bs, { activation, inputGradient: false, layout }), weights)) as tf.Scalar;
        const [dw, db] = tf.grads(noInput)([w, b]);
        expectClose(dw as tf.Tensor, expected[1] as tf.Tensor);
        expectClose(db as tf.Tensor, expected[2] as tf.Tensor);
      });
    });
  }
});
