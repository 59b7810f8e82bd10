import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuBackendProvider } from '@sparse/core';
import { decodeTensorRecord, encodeTensorRecord, recordToTensor, tensorToRecord } from './tensor-record.js';

beforeAll(async () => {
  await cpuBackendProvider.activate();
});

describe('tensor records', () => {
  it('encode as little-endian bytes and decode back', () => {
    const bytes = encodeTensorRecord({ dtype: 'int32', shape: [2], data: new Int32Array([1, -2]) });
    expect(Array.from(bytes)).toEqual([1, 0, 0, 0, 254, 255, 255, 255]);
    expect(Array.from(decodeTensorRecord(bytes, 'int32', [2]).data)).toEqual([1, -2]);
    expect(() => decodeTensorRecord(bytes, 'float32', [3])).toThrow(/needs 12 bytes, found 8/);
  });

  it('copy a sub-array view, not its whole buffer', () => {
    const data = new Float32Array([9, 1, 2, 9]).subarray(1, 3);
    expect(Array.from(decodeTensorRecord(encodeTensorRecord({ dtype: 'float32', shape: [2], data }), 'float32', [2]).data)).toEqual([1, 2]);
  });

  it('convert to and from TensorFlow.js tensors without leaking', async () => {
    const before = tf.memory().numTensors;
    const tensor = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const record = await tensorToRecord(tensor);
    const greater = tf.greater(tensor, 2);
    const mask = await tensorToRecord(greater);
    tensor.dispose();
    greater.dispose();
    expect(record).toEqual({ dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) });
    expect(mask).toEqual({ dtype: 'int32', shape: [2, 2], data: new Int32Array([0, 0, 1, 1]) });
    const back = recordToTensor(record);
    expect(await back.array()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    back.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
