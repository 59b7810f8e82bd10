import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '@sparse/core';
import { catsSparsify } from './cats.js';
import { channelSparsify } from './channel-threshold.js';
import { topKMask, topKSparsify } from './top-k.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

describe('catsSparsify', () => {
  it('zeroes |a| <= t and keeps |a| > t unchanged', () => {
    // -0.2 · 0 is -0, which is a zero too (`tf.equal(-0, 0)` holds); normalise it for the comparison
    const out = tf.tidy(() => Array.from(catsSparsify(tf.tensor1d([-0.3, 0.1, 0.2, -0.2, 0.9, 0]), 0.2).dataSync(), (v) => v + 0));
    expect(out).toEqual([Math.fround(-0.3), 0, 0, 0, Math.fround(0.9), 0]);
  });

  it('has the gradient of the masked function (1 where kept, 0 where zeroed) and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const grad = tf.tidy(() => Array.from(tf.grad((a: tf.Tensor) => tf.sum(tf.mul(catsSparsify(a, 0.25), 3)))(tf.tensor1d([0.1, -0.5, 0.25, 2])).dataSync()));
    expect(grad).toEqual([0, 3, 0, 3]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a negative threshold', () => {
    expect(() => catsSparsify(tf.scalar(1), -1)).toThrow(/threshold must be a finite number >= 0, got -1/);
  });
});

describe('channelSparsify', () => {
  it('uses one threshold per entry of the last axis', () => {
    const out = tf.tidy(() => channelSparsify(tf.tensor3d([[[0.1, 0.5], [0.3, 0.2]]]), [0.2, 0.25]).arraySync());
    expect(out).toEqual([[[0, 0.5], [Math.fround(0.3), 0]]]);
    expect(() => channelSparsify(tf.zeros([2, 3]), [1, 2])).toThrow(/one entry per channel \(3\), got 2/);
  });
});

describe('topKSparsify', () => {
  const row = fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 24 });

  it('keeps exactly k entries per token, the largest, ties broken by lowest index', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), fc.nat(), fc.constantFrom('value' as const, 'magnitude' as const), (rows, r, by) => {
        const width = Math.min(...rows.map((x) => x.length));
        const data = rows.map((x) => x.slice(0, width));
        const k = r % (width + 1);
        const mask = tf.tidy(() => topKMask(tf.tensor2d(data), k, { by }).arraySync() as number[][]);
        data.forEach((values, t) => {
          const key = (i: number) => (by === 'magnitude' ? Math.abs(values[i] as number) : (values[i] as number));
          const expected = Array.from({ length: width }, (_, i) => i)
            .sort((a, b) => key(b) - key(a) || a - b)
            .slice(0, k);
          const kept = (mask[t] as number[]).flatMap((m, i) => (m === 1 ? [i] : []));
          expect(kept.length).toBe(k);
          expect(kept).toEqual(expected.sort((a, b) => a - b));
        });
      }),
    );
  });

  it('works on rank-3 activations, keeps values, and passes gradient only to kept entries', () => {
    const x = tf.tensor3d([[[1, 3, 3, 2], [5, 5, 5, 5]]]);
    expect(tf.tidy(() => topKSparsify(x, 2).arraySync())).toEqual([[[0, 3, 3, 0], [5, 5, 0, 0]]]);
    const before = tf.memory().numTensors;
    const grad = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(topKSparsify(a, 2)))(x).arraySync());
    expect(grad).toEqual([[[0, 1, 1, 0], [1, 1, 0, 0]]]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('rejects k outside [0, width]', () => {
    expect(() => topKSparsify(tf.zeros([2, 4]), 5)).toThrow(/k must be an integer in \[0, 4\]/);
  });
});
