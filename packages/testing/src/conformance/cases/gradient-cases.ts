import * as tf from '@tensorflow/tfjs-core';
import { finiteDifferences, referenceMlpLoss, type MlpSizes, type MlpValues } from '../../reference/mlp.js';
import { compareValues } from '../compare.js';
import type { ConformanceCase, ConformanceContext } from '../conformance-case.js';
import { variableOf } from '../inputs.js';

const SIZES: MlpSizes = { batch: 6, inputs: 4, hidden: 5, classes: 3 };

function mlpValues(context: ConformanceContext): MlpValues {
  const { batch, inputs, hidden, classes } = SIZES;
  const labels = context.random.ints(batch, 0, classes);
  return {
    x: context.random.floats(batch * inputs, -1, 1),
    y: labels.flatMap((label) => Array.from({ length: classes }, (_, c) => (c === label ? 1 : 0))),
    w1: context.random.floats(inputs * hidden, -1, 1),
    b1: context.random.floats(hidden, -0.5, 0.5),
    w2: context.random.floats(hidden * classes, -1, 1),
    b2: context.random.floats(classes, -0.5, 0.5),
  };
}

const read = (tensor: tf.Tensor | undefined): number[] => (tensor === undefined ? [] : Array.from(tensor.dataSync()));

/**
 * `tf.variableGrads` and `tf.grad` of a small MLP's softmax cross-entropy loss, against central
 * finite differences of the same loss computed in float64 JavaScript. Backpropagation through
 * dense layers exercises the transposed matMul paths.
 */
export const gradientCase: ConformanceCase = {
  name: 'grad/variableGrads of an MLP loss against finite differences',
  run: (context) => {
    const values = mlpValues(context);
    const loss = (v: MlpValues): number => referenceMlpLoss(v, SIZES);
    const { batch, inputs, hidden, classes } = SIZES;
    const x = tf.tensor2d(values.x as number[], [batch, inputs]);
    const y = tf.tensor2d(values.y as number[], [batch, classes]);
    const w1 = variableOf(values.w1, [inputs, hidden]);
    const b1 = variableOf(values.b1, [hidden]);
    const w2 = variableOf(values.w2, [hidden, classes]);
    const b2 = variableOf(values.b2, [classes]);
    const lossOf = (input: tf.Tensor): tf.Scalar =>
      tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(input, w1), b1)), w2), b2)) as tf.Scalar;
    try {
      return tf.tidy(() => {
        const tolerance = context.tolerance.gradient;
        const { value, grads } = tf.variableGrads(() => lossOf(x), [w1, b1, w2, b2]);
        const problems = compareValues('loss value', read(value), [loss(values)], context.tolerance.atol, context.tolerance.rtol);
        const pairs: [keyof MlpValues, tf.Variable][] = [
          ['w1', w1],
          ['b1', b1],
          ['w2', w2],
          ['b2', b2],
        ];
        for (const [key, variable] of pairs) {
          problems.push(...compareValues(`variableGrads: d loss / d ${key}`, read(grads[variable.name]), finiteDifferences(values, key, loss), tolerance, tolerance));
        }
        const inputGradient = tf.grad((input: tf.Tensor) => lossOf(input))(x);
        problems.push(...compareValues('grad: d loss / d x', read(inputGradient), finiteDifferences(values, 'x', loss), tolerance, tolerance));
        return problems;
      });
    } finally {
      for (const tensor of [x, y, w1, b1, w2, b2]) tensor.dispose();
    }
  },
};
