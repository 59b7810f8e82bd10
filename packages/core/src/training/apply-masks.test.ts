import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSparseError } from '../errors.js';
import { createRuntime } from '../create-runtime.js';
import { applyMasks } from './apply-masks.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

describe('applyMasks', () => {
  it('multiplies masked parameters in place, leaves the rest, and leaks nothing', () => {
    const w = tf.variable(tf.tensor2d([[1, -2], [3, -4]]));
    const b = tf.variable(tf.tensor1d([5, 6]));
    const mask = tf.tensor2d([[0, 1], [1, 0]]);
    const before = tf.memory().numTensors;
    applyMasks(
      [
        { name: 'w', role: 'dense-kernel', variable: w },
        { name: 'b', role: 'bias', variable: b },
      ],
      new Map([['w', mask]]),
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(w.dataSync())).toEqual([0, -2, 3, -0]);
    expect(Array.from(b.dataSync())).toEqual([5, 6]);
    tf.dispose([w, b, mask]);
  });

  it('rejects a disposed mask', () => {
    const w = tf.variable(tf.ones([2]));
    const mask = tf.ones([2]);
    mask.dispose();
    let caught: unknown;
    try {
      applyMasks([{ name: 'w', role: 'dense-kernel', variable: w }], new Map([['w', mask]]));
    } catch (error) {
      caught = error;
    }
    expect(isSparseError(caught, 'E_ARGUMENT')).toBe(true);
    expect((caught as Error).message).toMatch(/has been disposed/);
    w.dispose();
  });
});
