import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NamedParameter } from '../contracts/parameter.js';
import type { Regularizer } from '../contracts/regularizer.js';
import type { StepContext } from '../contracts/step-context.js';
import { isSparseError } from '../errors.js';
import { createRuntime } from '../create-runtime.js';
import { applyMasks } from './apply-masks.js';
import { MaskedOptimizer, withMasks } from './masked-optimizer.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

function setup(seed = 1) {
  const w = tf.variable(tf.randomNormal([6, 4], 0, 1, 'float32', seed), true, `w_${seed}_${Math.random()}`);
  const b = tf.variable(tf.zeros([4]), true, `b_${seed}_${Math.random()}`);
  const parameters: NamedParameter[] = [
    { name: 'fc/kernel', role: 'dense-kernel', variable: w },
    { name: 'fc/bias', role: 'bias', variable: b },
  ];
  const x = tf.randomNormal([8, 6], 0, 1, 'float32', seed + 10);
  const y = tf.randomNormal([8, 4], 0, 1, 'float32', seed + 20);
  const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar;
  const mask = tf.tensor2d(Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? 0 : 1)), [6, 4]);
  const dispose = () => tf.dispose([w, b, x, y, mask]);
  return { w, b, parameters, x, y, loss, mask, dispose };
}

const zerosWhereMasked = (w: tf.Tensor, mask: tf.Tensor) => {
  const values = w.dataSync();
  const kept = mask.dataSync();
  return Array.from(kept).every((m, i) => m !== 0 || values[i] === 0);
};

describe('MaskedOptimizer', () => {
  it('is a tf.Optimizer and zeroes pruned weights at construction', () => {
    const s = setup();
    const optimizer = withMasks(tf.train.sgd(0.1), { parameters: s.parameters, masks: new Map([['fc/kernel', s.mask]]) });
    expect(optimizer).toBeInstanceOf(tf.Optimizer);
    expect(optimizer).toBeInstanceOf(MaskedOptimizer);
    expect(zerosWhereMasked(s.w, s.mask)).toBe(true);
    optimizer.dispose();
    s.dispose();
  });

  it('SGD step equals w ← m ⊙ (w − lr · m ⊙ g), computed by hand', () => {
    const s = setup(2);
    applyMasks(s.parameters, new Map([['fc/kernel', s.mask]]));
    const { grads } = tf.variableGrads(s.loss, [s.w]);
    const expected = tf.tidy(() => tf.mul(s.mask, tf.sub(s.w, tf.mul(0.1, tf.mul(s.mask, grads[s.w.name]!)))));
    const optimizer = withMasks(tf.train.sgd(0.1), { parameters: s.parameters, masks: new Map([['fc/kernel', s.mask]]) });
    optimizer.minimize(s.loss, false, [s.w, s.b]);
    const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(expected, s.w))).dataSync()[0]!);
    expect(difference).toBeLessThan(1e-6);
    tf.dispose([expected, grads[s.w.name]!]);
    optimizer.dispose();
    s.dispose();
  });

  it('keeps pruned weights exactly zero under Adam, whose moments would move them', async () => {
    const s = setup(3);
    const adam = tf.train.adam(0.05);
    const optimizer = withMasks(adam, { parameters: s.parameters });
    // dense warm-up: Adam accumulates moments for every weight
    for (let i = 0; i < 5; i += 1) optimizer.minimize(s.loss, false, [s.w, s.b]);
    // Swapping masks mid-training zeroes the newly pruned weights at once
    optimizer.setMasks(new Map([['fc/kernel', s.mask]]));
    expect(zerosWhereMasked(s.w, s.mask)).toBe(true);
    for (let i = 0; i < 10; i += 1) {
      optimizer.minimize(s.loss, false, [s.w, s.b]);
      expect(zerosWhereMasked(s.w, s.mask)).toBe(true);
    }
    // Control: without re-applying masks, the same Adam state moves pruned weights off zero.
    const control = setup(3);
    const plain = tf.train.adam(0.05);
    for (let i = 0; i < 5; i += 1) plain.minimize(control.loss, false, [control.w, control.b]);
    applyMasks(control.parameters, new Map([['fc/kernel', control.mask]]));
    plain.minimize(() => control.loss(), false, [control.w, control.b]);
    expect(zerosWhereMasked(control.w, control.mask)).toBe(false);
    // unmasked weights still train
    const before = s.loss().dataSync()[0]!;
    for (let i = 0; i < 20; i += 1) optimizer.minimize(s.loss, false, [s.w, s.b]);
    expect(s.loss().dataSync()[0]!).toBeLessThan(before);
    plain.dispose();
    optimizer.dispose();
    s.dispose();
    control.dispose();
  });

  it('masks gradients before the update: Adam first moments of pruned weights stay zero', async () => {
    const s = setup(4);
    const optimizer = withMasks(tf.train.adam(0.01), { parameters: s.parameters, masks: new Map([['fc/kernel', s.mask]]) });
    for (let i = 0; i < 3; i += 1) optimizer.minimize(s.loss, false, [s.w, s.b]);
    const weights = await optimizer.getWeights();
    const moment = weights.find((entry) => entry.name.startsWith(`${s.w.name}/m`));
    expect(moment).toBeDefined();
    expect(zerosWhereMasked(moment!.tensor, s.mask)).toBe(true);
    expect(Array.from(moment!.tensor.dataSync()).some((v) => v !== 0)).toBe(true);
    tf.dispose(weights.map((entry) => entry.tensor));
    optimizer.dispose();
    s.dispose();
  });

  it('works through the NamedTensorMap path (minimize without varList)', () => {
    const s = setup(5);
    const optimizer = withMasks(tf.train.momentum(0.05, 0.9), { parameters: s.parameters, masks: new Map([['fc/kernel', s.mask]]) });
    for (let i = 0; i < 5; i += 1) optimizer.minimize(s.loss);
    expect(zerosWhereMasked(s.w, s.mask)).toBe(true);
    optimizer.dispose();
    s.dispose();
  });

  it('runs proximal steps after the update with step, epoch and learning rate, then re-applies masks', () => {
    const s = setup(6);
    const contexts: StepContext[] = [];
    const strength = 0.5;
    const l1: Regularizer = {
      name: 'l1',
      // no tf.addN: its gradient breaks under Vitest's second (ESM) copy of tfjs-core that register_all_gradients loads
      penalty: (parameters) => tf.tidy(() => tf.mul(strength, parameters.map((p) => tf.sum(tf.abs(p.variable))).reduce((a, b) => tf.add(a, b)))) as tf.Scalar,
      proximalStep(parameters, context, masks) {
        contexts.push(context);
        expect(masks.has('fc/kernel')).toBe(true);
        const threshold = (context.learningRate ?? 0) * strength;
        // a misbehaving prox that would revive pruned weights (adds 1 everywhere) before soft-thresholding
        for (const p of parameters) {
          p.variable.assign(tf.tidy(() => tf.add(tf.mul(tf.sign(p.variable), tf.relu(tf.sub(tf.abs(p.variable), threshold))), 0)));
          p.variable.assign(tf.tidy(() => tf.add(p.variable, 1)));
        }
      },
    };
    const optimizer = withMasks(tf.train.sgd(0.1), {
      parameters: s.parameters,
      masks: new Map([['fc/kernel', s.mask]]),
      regularizers: [l1],
      initialStep: 7,
    });
    optimizer.epoch = 2;
    const cost = optimizer.minimize(s.loss, true, [s.w, s.b])!;
    optimizer.minimize(s.loss, false, [s.w, s.b]);
    expect(contexts).toEqual([
      { step: 7, epoch: 2, learningRate: 0.1 },
      { step: 8, epoch: 2, learningRate: 0.1 },
    ]);
    expect(optimizer.step).toBe(9);
    expect(zerosWhereMasked(s.w, s.mask)).toBe(true);
    // the bare regularizer acts on kernels only, so the bias was not touched by the prox (+1)
    expect(Math.max(...Array.from(s.b.dataSync()).map(Math.abs))).toBeLessThan(1);
    // the penalty is part of the minimised cost
    expect(cost.dataSync()[0]!).toBeGreaterThan(0);
    cost.dispose();
    optimizer.dispose();
    s.dispose();
  });

  it('adds penalties to the loss it differentiates', () => {
    const s = setup(7);
    const penaltyOnly: Regularizer = { name: 'sq', penalty: (ps) => tf.tidy(() => ps.map((p) => tf.sum(tf.square(p.variable))).reduce((a, b) => tf.add(a, b)) as tf.Scalar) };
    const optimizer = withMasks(tf.train.sgd(0.1), { parameters: s.parameters, regularizers: [penaltyOnly] });
    const plain = s.loss().dataSync()[0]!;
    const penalty = tf.sum(tf.square(s.w)).dataSync()[0]!;
    const { value, grads } = optimizer.computeGradients(s.loss, [s.w]);
    expect(value.dataSync()[0]!).toBeCloseTo(plain + penalty, 4);
    tf.dispose([value, ...Object.values(grads)]);
    optimizer.dispose();
    s.dispose();
  });

  it('leaks no tensor per step, with masks, Adam and a proximal regularizer, and across mask swaps', () => {
    const s = setup(8);
    const l1: Regularizer = {
      name: 'l1',
      proximalStep(parameters, context) {
        for (const p of parameters) {
          p.variable.assign(
            tf.tidy(() => tf.mul(tf.sign(p.variable), tf.relu(tf.sub(tf.abs(p.variable), (context.learningRate ?? 0) * 0.01)))),
          );
        }
      },
    };
    const optimizer = withMasks(tf.train.adam(0.01), { parameters: s.parameters, masks: new Map([['fc/kernel', s.mask]]), regularizers: [l1] });
    optimizer.minimize(s.loss, false, [s.w, s.b]); // Adam creates its moments on the first step
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i += 1) {
      tf.tidy(() => {
        optimizer.minimize(s.loss, false, [s.w, s.b]);
      });
      expect(tf.memory().numTensors).toBe(before);
    }
    // also outside any tidy
    optimizer.minimize(s.loss, false, [s.w, s.b]);
    expect(tf.memory().numTensors).toBe(before);
    const other = tf.onesLike(s.w);
    optimizer.setMasks(new Map([['fc/kernel', other]]));
    optimizer.minimize(s.loss, false, [s.w, s.b]);
    expect(tf.memory().numTensors).toBe(before + 1);
    other.dispose();
    optimizer.dispose();
    s.dispose();
  });

  it('rejects masks that do not fit, naming the parameter', () => {
    const s = setup(9);
    const cases: [Map<string, tf.Tensor>, RegExp][] = [
      [new Map([['nope', s.mask]]), /mask for 'nope' but no parameter/],
      [new Map([['fc/kernel', tf.ones([4, 6])]]), /shape \[4, 6\] but the parameter has shape \[6, 4\]/],
      [new Map([['fc/kernel', tf.ones([6, 4], 'bool')]]), /dtype bool/],
    ];
    for (const [masks, message] of cases) {
      let caught: unknown;
      try {
        withMasks(tf.train.sgd(0.1), { parameters: s.parameters, masks });
      } catch (error) {
        caught = error;
      }
      expect(isSparseError(caught, 'E_ARGUMENT')).toBe(true);
      expect((caught as Error).message).toMatch(message);
    }
    tf.dispose(cases.slice(1).flatMap(([masks]) => [...masks.values()]));
    const wrapped = withMasks(tf.train.sgd(0.1), { parameters: s.parameters });
    expect(() => withMasks(wrapped, { parameters: s.parameters })).toThrowError(/already a MaskedOptimizer/);
    wrapped.dispose();
    s.dispose();
  });
});
