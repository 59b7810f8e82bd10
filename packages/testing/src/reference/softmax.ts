import type { NdArray } from './nd-array.js';

/** `tf.logSoftmax` along the last axis, computed stably in float64. */
export function referenceLogSoftmax(logits: NdArray): NdArray {
  const last = logits.shape[logits.shape.length - 1] ?? 1;
  const values: number[] = [];
  for (let start = 0; start < logits.values.length; start += last) {
    const row = logits.values.slice(start, start + last);
    const max = Math.max(...row);
    const logSum = Math.log(row.reduce((sum, value) => sum + Math.exp(value - max), 0)) + max;
    for (const value of row) values.push(value - logSum);
  }
  return { shape: [...logits.shape], values };
}

/** `tf.softmax` along the last axis. */
export function referenceSoftmax(logits: NdArray): NdArray {
  const log = referenceLogSoftmax(logits);
  return { shape: log.shape, values: log.values.map((value) => Math.exp(value)) };
}
