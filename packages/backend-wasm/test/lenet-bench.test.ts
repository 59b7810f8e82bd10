/**
 * The training-step benchmark (bench/lenet.ts) writes its own gradients with tf.customGrad, because
 * tfjs-core's registered gradients cannot be loaded by plain Node. This checks they equal the
 * gradients tfjs computes from its registered ones, so that the benchmark measures a real step.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { lenetLoss, lenetVariables } from '../bench/lenet.js';
import { wasmBackendProvider } from '../src/index.js';
import { expectClose, liveCounts, seeded } from './support.js';

function referenceLoss(variables: readonly tf.Tensor[], x: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const [w1, b1, w2, b2, w3, b3] = variables as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
  const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
  return tf.losses.softmaxCrossEntropy(labels, tf.add(tf.matMul(h2, w3), b3));
}

describe('the LeNet-300-100 benchmark model', () => {
  beforeAll(async () => {
    await wasmBackendProvider.activate();
  });

  it('has the loss and gradients of the same network built from tfjs ops with registered gradients', () => {
    const before = liveCounts();
    const variables = lenetVariables(3);
    const x = seeded([32, 784], 5) as tf.Tensor2D;
    const labels = tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniform([32], 0, 10, 'int32', 9) as tf.Tensor1D, 10), 'float32') as tf.Tensor2D);
    const inputs = liveCounts();
    const ours = tf.variableGrads(() => lenetLoss(variables, x, labels), variables);
    const reference = tf.variableGrads(() => referenceLoss(variables, x, labels), variables);
    expectClose(ours.value.dataSync() as Float32Array, reference.value.dataSync() as Float32Array);
    for (const variable of variables) {
      expectClose(ours.grads[variable.name]?.dataSync() as Float32Array, reference.grads[variable.name]?.dataSync() as Float32Array);
    }
    tf.dispose([ours.value, reference.value, ...Object.values(ours.grads), ...Object.values(reference.grads)]);
    expect(liveCounts()).toEqual(inputs);
    tf.dispose([...variables, x, labels]);
    expect(liveCounts()).toEqual(before);
  });
});
