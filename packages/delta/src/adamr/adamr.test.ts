import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, isSparseError, withMasks } from '@sparse/core';
import { AdamR, adamR } from './adamr.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

let counter = 0;
const unique = (name: string) => `${name}_${++counter}`;

/** AdamR by hand, in float64, for variables given as flat arrays (spec D.4 / AdamR.py). */
function handSteps(
  theta: number[][],
  reference: (number[] | undefined)[],
  gradients: number[][][],
  { lr, beta1, beta2, eps, lambda, l1 }: { lr: number; beta1: number; beta2: number; eps: number; lambda: number; l1: boolean },
): number[][] {
  const m = theta.map((w) => w.map(() => 0));
  const v = theta.map((w) => w.map(() => 0));
  const current = theta.map((w) => [...w]);
  gradients.forEach((step, s) => {
    const t = s + 1;
    let sum = 0;
    let count = 0;
    step.forEach((g, k) => {
      g.forEach((gi, i) => {
        m[k]![i] = beta1 * m[k]![i]! + (1 - beta1) * gi;
        v[k]![i] = beta2 * v[k]![i]! + (1 - beta2) * gi * gi;
        sum += v[k]![i]! / (1 - beta2 ** t);
        count++;
      });
    });
    let root = Math.sqrt(sum / count);
    if (root === 0) root = 1;
    current.forEach((w, k) => {
      w.forEach((wi, i) => {
        let x = wi;
        const ref = reference[k];
        if (ref !== undefined && lambda !== 0) {
          const d = x - ref[i]!;
          x -= ((lr * lambda) / root) * (l1 ? Math.sign(d) : d);
        }
        const vHat = v[k]![i]! / (1 - beta2 ** t);
        x -= ((lr / (1 - beta1 ** t)) * m[k]![i]!) / (Math.sqrt(vHat) + eps);
        w[i] = x;
      });
    });
  });
  return current;
}

describe('AdamR', () => {
  const settings = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, lambda: 0.5 };
  const gradients = [
    [[0.3, -0.2, 0.1, 0.05], [0.4, -0.1]],
    [[-0.1, 0.2, 0.3, 0.0], [0.2, 0.3]],
    [[0.05, 0.05, -0.4, 0.2], [-0.3, 0.1]],
  ];

  for (const penalty of ['l2', 'l1'] as const) {
    it(`matches a hand-computed ${penalty} step sequence (one variable without a reference)`, () => {
      const w0 = [1, -0.5, 0.25, 2];
      const b0 = [0.1, -0.2];
      const ref = [0.8, -0.4, 0.5, 2.5];
      const w = tf.variable(tf.tensor1d(w0), true, unique('w'));
      const b = tf.variable(tf.tensor1d(b0), true, unique('b'));
      const optimizer = adamR({ learningRate: settings.lr, epsilon: settings.eps, lambda: settings.lambda, penalty, reference: new Map([[w.name, tf.tensor1d(ref)]]) });
      const before = tf.memory().numTensors;
      for (const [gw, gb] of gradients) {
        tf.tidy(() => optimizer.applyGradients({ [w.name]: tf.tensor1d(gw!), [b.name]: tf.tensor1d(gb!) }));
      }
      // Moments are created at the first step (4 variables); nothing else outlives a step.
      expect(tf.memory().numTensors).toBe(before + 4);
      const expected = handSteps([w0, b0], [ref, undefined], gradients, { ...settings, l1: penalty === 'l1' });
      Array.from(w.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expected[0]![i]!, 5));
      Array.from(b.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expected[1]![i]!, 5));
      expect(optimizer.iterations).toBe(3);
      optimizer.dispose();
      tf.dispose([w, b]);
    });
  }

  it('with λ = 0 is Adam (same ε)', () => {
    const w1 = tf.variable(tf.tensor1d([1, 2, 3]), true, unique('w'));
    const w2 = tf.variable(tf.tensor1d([1, 2, 3]), true, unique('w'));
    const ours = adamR({ learningRate: 0.01, lambda: 0, epsilon: 1e-7, reference: [w1] });
    const adam = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    for (let s = 0; s < 5; s++) {
      ours.minimize(() => tf.sum(tf.square(tf.sub(w1, tf.tensor1d([0, 1, 5])))) as tf.Scalar);
      adam.minimize(() => tf.sum(tf.square(tf.sub(w2, tf.tensor1d([0, 1, 5])))) as tf.Scalar);
    }
    Array.from(w1.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(w2.dataSync()[i]!, 6));
    ours.dispose();
    adam.dispose();
    tf.dispose([w1, w2]);
  });

  it('snapshots variables given as the reference and pulls the delta toward 0', () => {
    const target = tf.tensor1d([3, -3, 3, -3]);
    const run = (lambda: number) => {
      const w = tf.variable(tf.zeros([4]), true, unique('w'));
      const optimizer = adamR({ learningRate: 0.05, lambda, reference: [w] });
      for (let s = 0; s < 200; s++) optimizer.minimize(() => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar);
      const norm = tf.tidy(() => tf.norm(w).dataSync()[0]!);
      optimizer.dispose();
      w.dispose();
      return norm;
    };
    expect(run(5)).toBeLessThan(0.8 * run(0));
    target.dispose();
  });

  it('works under withMasks and saves and restores its moments', async () => {
    const w = tf.variable(tf.ones([2, 2]), true, unique('w'));
    const optimizer = adamR({ learningRate: 0.1, lambda: 0.1, reference: [w] });
    const masked = withMasks(optimizer, { parameters: [{ name: 'w', role: 'dense-kernel', variable: w }], masks: new Map([['w', tf.tensor2d([[1, 0], [1, 1]])]]) });
    masked.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
    expect(w.dataSync()[1]).toBe(0);
    const weights = await optimizer.getWeights();
    expect(weights.map((entry) => entry.name)).toEqual(['iter', `${w.name}/m`, `${w.name}/v`]);
    const copy = adamR({ learningRate: 0.1, lambda: 0.1, reference: [w] });
    await copy.setWeights(weights);
    expect(copy.iterations).toBe(1);
    copy.dispose();
    optimizer.dispose();
    w.dispose();
  });

  it('rejects bad options and a reference of another shape', () => {
    expect(() => adamR({ beta1: 1, reference: [] })).toThrow(/beta1/);
    expect(() => adamR({ penalty: 'l3' as 'l1', reference: [] })).toThrow(/penalty/);
    const w = tf.variable(tf.zeros([3]), true, unique('w'));
    const optimizer = new AdamR({ reference: new Map([[w.name, tf.zeros([4])]]) });
    try {
      optimizer.minimize(() => tf.sum(w) as tf.Scalar);
      throw new Error('expected an error');
    } catch (error) {
      expect(isSparseError(error) && error.code).toBe('E_ARGUMENT');
    }
    optimizer.dispose();
    w.dispose();
  });
});
