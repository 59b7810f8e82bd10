import * as tf from '@tensorflow/tfjs-core';
import type { ConformanceCase } from '../conformance-case.js';

/** tidy, keep, dispose and variable assignment account for every tensor and byte. */
export const memoryCase: ConformanceCase = {
  name: 'memory: tidy, keep, dispose and assign release every tensor',
  run: () => {
    const problems: string[] = [];
    const start = tf.memory();
    let kept: tf.Tensor | undefined;
    const result = tf.tidy(() => {
      const a = tf.ones([4, 4]);
      kept = tf.keep(tf.mul(a, 2));
      return tf.sum(tf.add(a, 1));
    });
    const afterTidy = tf.memory().numTensors - start.numTensors;
    if (afterTidy !== 2) problems.push(`tidy returned one tensor and kept one, but ${afterTidy} tensors remain`);
    result.dispose();
    kept?.dispose();
    const variable = tf.tidy(() => tf.variable(tf.zeros([8])));
    tf.tidy(() => variable.assign(tf.mul(tf.ones([8]), 3)));
    const assigned = Array.from(variable.dataSync());
    if (assigned.some((value) => value !== 3)) problems.push(`variable.assign wrote [${assigned.join(', ')}], expected all 3`);
    variable.dispose();
    const end = tf.memory();
    if (end.numTensors !== start.numTensors) problems.push(`${end.numTensors - start.numTensors} tensors remain after disposing everything`);
    if (end.numBytes !== start.numBytes) problems.push(`${end.numBytes - start.numBytes} bytes remain after disposing everything`);
    return problems;
  },
};
