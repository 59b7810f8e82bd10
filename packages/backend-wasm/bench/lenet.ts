/**
 * LeNet-300-100 (784-300-100-10, ReLU) on plain tfjs-core ops, for the training-step benchmark.
 *
 * tfjs-core registers no gradients by itself, and its ESM build cannot be imported by Node
 * directly, so the layers here carry their own gradients with `tf.customGrad`. They are the
 * ones tfjs-layers ends up running: dx = matMul(dy, W, false, true), dW = matMul(x, dy, true,
 * false), db = sum(dy, 0) for a dense layer; dy · step(x) for ReLU; (softmax − labels) / batch
 * for the mean softmax cross-entropy. As in tfjs-layers, the first layer computes no dx.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Layer widths of LeNet-300-100. */
export const LENET_300_100 = [784, 300, 100, 10] as const;

/** The trainable weights: [W1, b1, W2, b2, W3, b3]. */
export function lenetVariables(seed: number): tf.Variable[] {
  const variables: tf.Variable[] = [];
  for (let layer = 0; layer + 1 < LENET_300_100.length; layer++) {
    const inputs = LENET_300_100[layer] ?? 0;
    const units = LENET_300_100[layer + 1] ?? 0;
    const limit = Math.sqrt(6 / (inputs + units)); // Glorot uniform, as tfjs-layers' Dense
    variables.push(tf.tidy(() => tf.variable(tf.randomUniform([inputs, units], -limit, limit, 'float32', seed + layer))));
    variables.push(tf.tidy(() => tf.variable(tf.zeros([units]))));
  }
  return variables;
}

/** The mean softmax cross-entropy of the network on a batch. */
export function lenetLoss(variables: readonly tf.Variable[], x: tf.Tensor2D, labels: tf.Tensor2D): tf.Scalar {
  const [w1, b1, w2, b2, w3, b3] = variables;
  if (w1 === undefined || b1 === undefined || w2 === undefined || b2 === undefined || w3 === undefined || b3 === undefined) {
    throw new Error('LeNet-300-100 has six variables');
  }
  const h1 = relu(firstDense(x)(w1, b1));
  const h2 = relu(dense(h1, w2, b2));
  return softmaxCrossEntropy(labels)(dense(h2, w3, b3));
}

/** A dense layer whose input is data, not a variable: no dx. */
function firstDense(x: tf.Tensor): (w: tf.Tensor, b: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [w, b] = args as [tf.Tensor, tf.Tensor];
    return {
      value: tf.add(tf.matMul(x, w), b),
      gradFunc: (dy: tf.Tensor) => [tf.matMul(x, dy, true, false), tf.sum(dy, 0)],
    };
  }) as (w: tf.Tensor, b: tf.Tensor) => tf.Tensor;
}

const dense = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: tf.Tensor, [savedX, savedW]: tf.Tensor[]) => [
      tf.matMul(dy, savedW as tf.Tensor, false, true),
      tf.matMul(savedX as tf.Tensor, dy, true, false),
      tf.sum(dy, 0),
    ],
  };
}) as (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;

const relu = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return { value: tf.relu(x), gradFunc: (dy: tf.Tensor, [savedX]: tf.Tensor[]) => [tf.mul(dy, tf.step(savedX as tf.Tensor))] };
}) as (x: tf.Tensor) => tf.Tensor;

function softmaxCrossEntropy(labels: tf.Tensor2D): (logits: tf.Tensor) => tf.Scalar {
  const batch = labels.shape[0];
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [logits, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([logits]);
    return {
      value: tf.div(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)))), batch) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, [savedLogits]: tf.Tensor[]) => [tf.mul(dy, tf.div(tf.sub(tf.softmax(savedLogits as tf.Tensor), labels), batch))],
    };
  }) as (logits: tf.Tensor) => tf.Scalar;
}
