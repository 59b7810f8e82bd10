import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, type NamedParameter } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { expect, it } from 'vitest';
import { disposeAll, mlpParameters } from './support/parameters.js';
import { gsef } from '../src/regularizer/gsef-regularizer.js';

it('on wasm, a bias scaled on the backend still feeds fused kernels (its buffer keeps the rank-1 shape)', async () => {
  await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
  expect(tf.getBackend()).toBe('wasm');
  const parameters: NamedParameter[] = mlpParameters([8, 6, 3], 11);
  try {
    const regularizer = gsef({ lambda: 1, k: 2, compute: 'backend' });
    regularizer.proximalStep(regularizer.bind(parameters).parameters, { step: 0, learningRate: 0.5 }, new Map());
    const [kernel, bias] = parameters as [NamedParameter, NamedParameter];
    const x = tf.ones([4, 8]);
    // The stock wasm _FusedMatMul reads the bias shape from its buffer and rejects rank ≠ 1.
    const y = tf.fused.matMul({ a: x, b: kernel.variable, bias: bias.variable, activation: 'relu' });
    const reference = tf.relu(tf.add(tf.matMul(x, kernel.variable), bias.variable));
    const expected = reference.dataSync();
    y.dataSync().forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 5));
    tf.dispose([x, y, reference]);
  } finally {
    disposeAll(parameters);
  }
});
