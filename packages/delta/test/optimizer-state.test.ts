import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '@sparse/core';
import { adamR, captureOptimizer, restoreOptimizer } from '../src/index.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

/** Minimizes a fixed quadratic for `steps` steps with variables named `scope/w`, `scope/b`. */
function quadratic(scope: string, make: (variables: tf.Variable[]) => tf.Optimizer, resume?: readonly number[]) {
  const w = tf.tidy(() => tf.variable(tf.tensor2d([[0.3, -0.2], [0.1, 0.5]]), true, `${scope}/w`));
  const b = tf.tidy(() => tf.variable(tf.tensor1d([0.05, -0.1]), true, `${scope}/b`));
  // As a training unit: the optimizer is made from the starting weights (AdamR's reference), then
  // the checkpoint's weights are written.
  const optimizer = make([w, b]);
  if (resume !== undefined) {
    const [kernel, bias] = [tf.tensor2d(resume.slice(0, 4), [2, 2]), tf.tensor1d(resume.slice(4))];
    w.assign(kernel);
    b.assign(bias);
    tf.dispose([kernel, bias]);
  }
  const x = tf.tensor2d([[1, 2], [3, -1], [0.5, 0.25]]);
  const y = tf.tensor2d([[1, 0], [0, 1], [0.5, 0.5]]);
  return {
    optimizer,
    run(steps: number) {
      for (let i = 0; i < steps; i++) optimizer.minimize(() => tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar);
    },
    values: () => [...w.dataSync(), ...b.dataSync()],
    dispose() {
      optimizer.dispose();
      tf.dispose([w, b, x, y]);
    },
  };
}

describe('captureOptimizer / restoreOptimizer', () => {
  it.each([
    ['tf.train.adam', (_: tf.Variable[]) => tf.train.adam(0.05)],
    ['adamR', (variables: tf.Variable[]) => adamR({ learningRate: 0.05, lambda: 0.1, reference: variables })],
  ] as const)('%s continues bit for bit in a fresh optimizer', async (_name, make) => {
    const straight = quadratic('straight', make);
    straight.run(7);
    const expected = straight.values();
    straight.dispose();

    const first = quadratic('resumed', make);
    first.run(4);
    const weights = first.values();
    const saved = await captureOptimizer(first.optimizer, 'o/');
    first.dispose();
    const before = tf.memory().numTensors;

    const second = quadratic('resumed', make, weights);
    await restoreOptimizer(second.optimizer, 'o/', saved.state, new Map(Object.entries(saved.tensors)));
    second.run(3);
    expect(second.values()).toEqual(expected);
    second.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });
});
