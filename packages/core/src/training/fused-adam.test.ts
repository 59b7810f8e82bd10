import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NamedParameter } from '../contracts/parameter.js';
import { createRuntime } from '../create-runtime.js';
import { FusedAdamOptimizer, fusedAdam, isMaskAwareOptimizer } from './fused-adam.js';
import { withMasks } from './masked-optimizer.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

/** A small regression problem; two copies share initial values (from `seed`). */
function problem(seed: number) {
  const init = tf.randomNormal([7, 5], 0, 1, 'float32', seed);
  const w = tf.variable(init.clone(), true, `fa_w_${seed}_${Math.random()}`);
  const b = tf.variable(tf.zeros([5]), true, `fa_b_${seed}_${Math.random()}`);
  init.dispose();
  const x = tf.randomNormal([9, 7], 0, 1, 'float32', seed + 1);
  const y = tf.randomNormal([9, 5], 0, 1, 'float32', seed + 2);
  const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w), b), y))) as tf.Scalar;
  const parameters: NamedParameter[] = [
    { name: 'fc/kernel', role: 'dense-kernel', variable: w },
    { name: 'fc/bias', role: 'bias', variable: b },
  ];
  return { w, b, loss, parameters, dispose: () => tf.dispose([w, b, x, y]) };
}

const mask = () => tf.tensor2d(Array.from({ length: 35 }, (_, i) => (i % 3 === 1 ? 0 : 1)), [7, 5]);

function maxRelativeDifference(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs((x[i] as number) - (y[i] as number)) / Math.max(1e-3, Math.abs(x[i] as number)));
  return worst;
}

describe('fusedAdam', () => {
  it('is an AdamOptimizer and a mask-aware optimizer', () => {
    const optimizer = fusedAdam(1e-3);
    expect(optimizer).toBeInstanceOf(tf.AdamOptimizer);
    expect(optimizer).toBeInstanceOf(FusedAdamOptimizer);
    expect(isMaskAwareOptimizer(optimizer)).toBe(true);
    expect(isMaskAwareOptimizer(tf.train.adam(1e-3))).toBe(false);
    expect(optimizer.getConfig()).toEqual(tf.train.adam(1e-3).getConfig());
    optimizer.dispose();
  });

  it('follows tf.train.adam step for step within float32 rounding', () => {
    const stock = problem(1);
    const fused = problem(1);
    const a = tf.train.adam(0.05);
    const f = fusedAdam(0.05);
    for (let step = 0; step < 12; step++) {
      tf.tidy(() => { a.minimize(stock.loss); });
      tf.tidy(() => { f.minimize(fused.loss); });
    }
    expect(maxRelativeDifference(stock.w, fused.w)).toBeLessThan(1e-5);
    expect(maxRelativeDifference(stock.b, fused.b)).toBeLessThan(1e-5);
    expect(f.iterations).toBe(12);
    a.dispose();
    f.dispose();
    stock.dispose();
    fused.dispose();
  });

  it('applies masks like withMasks(tf.train.adam): same values, pruned weights exactly zero', () => {
    const stock = problem(2);
    const fused = problem(2);
    const stockMask = mask();
    const fusedMask = mask();
    const reference = withMasks(tf.train.adam(0.05), { parameters: stock.parameters, masks: new Map([['fc/kernel', stockMask]]) });
    tf.tidy(() => fused.w.assign(tf.mul(fused.w, fusedMask)));
    const f = fusedAdam(0.05);
    const masks = new Map([[fused.w.name, fusedMask]]);
    for (let step = 0; step < 10; step++) {
      tf.tidy(() => { reference.minimize(stock.loss); });
      tf.tidy(() => f.applyMaskedGradients(tf.variableGrads(fused.loss).grads, masks));
    }
    expect(maxRelativeDifference(stock.w, fused.w)).toBeLessThan(1e-5);
    const values = fused.w.dataSync();
    const kept = fusedMask.dataSync();
    expect(Array.from(kept).every((m, i) => m !== 0 || values[i] === 0)).toBe(true);
    reference.dispose();
    f.dispose();
    tf.dispose([stockMask, fusedMask]);
    stock.dispose();
    fused.dispose();
  });

  it('reads masks the cpu backend stores as bytes (a cast from bool)', () => {
    const p = problem(5);
    const keep = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([7, 5], 0, 1, 'float32', 6), 0.5), 'float32'));
    tf.tidy(() => p.w.assign(tf.mul(p.w, keep)));
    const f = fusedAdam(0.05);
    for (let step = 0; step < 3; step++) tf.tidy(() => f.applyMaskedGradients(tf.variableGrads(p.loss).grads, new Map([[p.w.name, keep]])));
    const values = p.w.dataSync();
    const kept = keep.dataSync();
    expect(Array.from(kept).every((m, i) => m !== 0 || values[i] === 0)).toBe(true);
    expect(Array.from(kept).some((m, i) => m !== 0 && values[i] !== 0)).toBe(true);
    f.dispose();
    keep.dispose();
    p.dispose();
  });

  it('allocates no tensor per step once its state exists', () => {
    const p = problem(3);
    const f = fusedAdam(0.01);
    tf.tidy(() => { f.minimize(p.loss); });
    const before = tf.memory().numTensors;
    for (let step = 0; step < 5; step++) tf.tidy(() => { f.minimize(p.loss); });
    expect(tf.memory().numTensors).toBe(before);
    f.dispose();
    p.dispose();
  });

  it('never changes another tensor: clones and user arrays keep their values (copy-on-write)', () => {
    const values = Float32Array.from({ length: 35 }, (_, i) => i / 10);
    const original = values.slice();
    const w = tf.variable(tf.tensor2d(values, [7, 5]), true, `fa_cow_${Math.random()}`);
    const x = tf.randomNormal([4, 7], 0, 1, 'float32', 9);
    const loss = () => tf.sum(tf.square(tf.matMul(x, w))) as tf.Scalar;
    const f = fusedAdam(0.1);
    tf.tidy(() => { f.minimize(loss); });
    const snapshot = tf.clone(w);
    const snapshotValues = snapshot.dataSync().slice();
    tf.tidy(() => { f.minimize(loss); });
    tf.tidy(() => { f.minimize(loss); });
    expect(Array.from(values)).toEqual(Array.from(original));
    expect(Array.from(snapshot.dataSync())).toEqual(Array.from(snapshotValues));
    expect(Array.from(w.dataSync())).not.toEqual(Array.from(snapshotValues));
    f.dispose();
    tf.dispose([w, x, snapshot]);
  });

  it('exchanges its state with tf.train.adam (getWeights / setWeights)', async () => {
    const first = problem(4);
    const second = problem(4);
    const f = fusedAdam(0.05);
    const a = tf.train.adam(0.05);
    for (let step = 0; step < 3; step++) {
      tf.tidy(() => { f.minimize(first.loss); });
      tf.tidy(() => { a.minimize(second.loss); });
    }
    const weights = await f.getWeights();
    const stockNames = (await a.getWeights()).map((w) => w.name.replace(second.w.name, 'W').replace(second.b.name, 'B'));
    expect(weights.map((w) => w.name.replace(first.w.name, 'W').replace(first.b.name, 'B'))).toEqual(stockNames);
    const restored = tf.train.adam(0.05);
    await restored.setWeights(weights.map(({ name, tensor }) => ({ name, tensor: tensor.clone() })));
    expect(restored.iterations).toBe(3);
    f.dispose();
    a.dispose();
    restored.dispose();
    first.dispose();
    second.dispose();
  });
});
