import * as tf from '@tensorflow/tfjs-core';
import { referenceAdam, type AdamHyperParameters } from '../../reference/adam.js';
import { compareValues } from '../compare.js';
import type { ConformanceCase } from '../conformance-case.js';
import { variableOf } from '../inputs.js';

const HYPER: AdamHyperParameters = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
const STEPS = 3;

/**
 * Three `tf.train.adam` steps on `0.5·Σ k·w²` (gradient `k·w`) against Adam computed by hand,
 * then `optimizer.dispose()` must release its moment and β-power variables.
 */
export const adamCase: ConformanceCase = {
  name: 'Adam steps against a hand computation, optimizer state disposed',
  run: (context) => {
    const initial = context.random.floats(12, -1, 1);
    const curvature = context.random.floats(12, 0.5, 2);
    const expected = referenceAdam(initial, (w) => w.map((value, i) => (curvature[i] ?? 0) * value), STEPS, HYPER);
    const w = variableOf(initial, [3, 4]);
    const k = tf.tensor2d(curvature, [3, 4]);
    const optimizer = tf.train.adam(HYPER.learningRate, HYPER.beta1, HYPER.beta2, HYPER.epsilon);
    const problems: string[] = [];
    try {
      for (let step = 0; step < STEPS; step++) {
        optimizer.minimize(() => tf.mul(0.5, tf.sum(tf.mul(k, tf.square(w)))), false, [w]);
        const tolerance = context.tolerance;
        problems.push(...compareValues(`weights after Adam step ${step + 1}`, Array.from(w.dataSync()), expected[step] ?? [], tolerance.atol, tolerance.rtol));
      }
    } finally {
      optimizer.dispose();
      w.dispose();
      k.dispose();
    }
    return problems;
  },
};
