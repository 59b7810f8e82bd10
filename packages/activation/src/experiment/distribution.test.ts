import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '@sparse/core';
import { DistributionRecorder } from './distribution.js';

const record = (recorder: DistributionRecorder, site: string, values: number[], width: number): void => {
  const tensor = tf.tensor2d(values, [values.length / width, width]);
  const out = recorder.apply(site, tensor);
  expect(out).toBe(tensor);
  tensor.dispose();
};

describe('DistributionRecorder', () => {
  beforeAll(async () => {
    await createRuntime({ backend: 'cpu' });
  });

  it('computes moments, Pearson kurtosis and |a| quantiles over every batch; returns the activation unchanged', () => {
    const recorder = new DistributionRecorder(0);
    // Two values ±1: kurtosis 1 (the smallest possible); a spike among zeros: a heavy tail.
    record(recorder, 'flat', [-1, 1, -1, 1], 2);
    record(recorder, 'flat', [1, -1], 2);
    const spike = Array.from({ length: 1000 }, (_, i) => (i === 0 ? 10 : 0));
    record(recorder, 'spike', spike, 10);
    const [flat, heavy] = recorder.report();
    expect(flat).toMatchObject({ site: 'flat', count: 6, mean: 0, sd: 1, kurtosis: 1, absP50: 1, absMax: 1, zeros: 0 });
    expect(heavy?.site).toBe('spike');
    expect(heavy?.kurtosis).toBeGreaterThan(900); // n - 2 + 1/n for one spike among n = 1000
    expect(heavy?.zeros).toBeCloseTo(0.999, 6);
    expect(heavy?.absP999).toBe(0);
    expect(heavy?.absMax).toBe(10);
  });

  it('leaks no tensor', () => {
    const before = tf.memory().numTensors;
    const recorder = new DistributionRecorder(1);
    record(recorder, 'a', [1, 2, 3, 4], 2);
    recorder.report();
    expect(tf.memory().numTensors).toBe(before);
  });
});
