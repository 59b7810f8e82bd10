import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelGeometry } from './kernel-layout.js';
import { measureLatency } from './latency.js';
import { accountTensors } from './model-accounting.js';
import { accountTensor } from './tensor-accounting.js';

describe('accountTensor (hand-computed examples)', () => {
  it('Linear(3, 2) in PyTorch layout with one dead neuron and one dead input', () => {
    // rows = outputs: [[1, 0, 1], [0, 0, 0]]
    const r = accountTensor({ name: 'fc', shape: [2, 3], kept: [1, 0, 1, 0, 0, 0], layout: 'torch' }, 5);
    expect(r).toMatchObject({ elements: 6, kept: 2, outputUnits: 2, inputChannels: 3, zeroOutputUnits: 1, zeroInputChannels: 1 });
    expect(r.sparsity).toBeCloseTo(4 / 6, 12);
    // Removing neuron 1 and input 1 leaves a 1×2 matrix: 4 of 6 elements go.
    expect(r.removableElements).toBe(4);
    expect(r.removableFraction).toBeCloseTo(4 / 6, 12);
    // dense 6·4; CSR 2 values + 2 int32 columns + 3 int32 row pointers; bitmap 1 byte + 2 values.
    expect(r.bytes).toEqual({ dense: 24, csr: 8 + 8 + 12, bitmap: 1 + 8, compacted: 8 });
    expect(r.flops).toEqual({ dense: 2 * 3 * 2 * 5, sparse: 2 * 2 * 5 });
  });

  it('the same Dense kernel in TensorFlow layout gives the same numbers', () => {
    // [in, out] = transpose of the above: [[1, 0], [0, 0], [1, 0]]
    const r = accountTensor({ name: 'fc', shape: [3, 2], kept: [1, 0, 0, 0, 1, 0] }, 5);
    expect(r).toMatchObject({ kept: 2, zeroOutputUnits: 1, zeroInputChannels: 1, removableElements: 4 });
    expect(r.bytes).toEqual({ dense: 24, csr: 28, bitmap: 9, compacted: 8 });
  });

  it('a Conv2D kernel [kh=1, kw=2, cin=2, cout=3] with filter 0 and channel 1 pruned', () => {
    // Flat index (w·2 + c)·3 + o; kept where o ∈ {1, 2}, c = 0: indices 1, 2, 7, 8.
    const kept = [0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0];
    const tfReport = accountTensor({ name: 'conv', shape: [1, 2, 2, 3], kept, outputPositions: 10, bytesPerElement: 2 }, 2);
    expect(tfReport).toMatchObject({ elements: 12, kept: 4, outputUnits: 3, inputChannels: 2, zeroOutputUnits: 1, zeroInputChannels: 1 });
    expect(tfReport.removableElements).toBe(8); // 12 − 2 filters · 1 channel · 2 taps
    expect(tfReport.bytes).toEqual({ dense: 24, csr: 4 * 2 + 4 * 4 + 4 * 4, bitmap: 2 + 8, compacted: 8 });
    expect(tfReport.flops).toEqual({ dense: 2 * 12 * 10 * 2, sparse: 2 * 4 * 10 * 2 });
    // PyTorch layout [cout, cin, kh, kw]: flat index (o·2 + c)·2 + w → kept 4, 5, 8, 9.
    const torchReport = accountTensor(
      { name: 'conv', shape: [3, 2, 1, 2], kept: [0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0], layout: 'torch', outputPositions: 10, bytesPerElement: 2 },
      2,
    );
    expect({ ...torchReport, shape: null }).toEqual({ ...tfReport, shape: null });
  });

  it('a bias has no structure and no FLOPs', () => {
    const r = accountTensor({ name: 'b', shape: [3], kept: [1, 0, 1] });
    expect(r).toMatchObject({ kept: 2, removableElements: 0, outputUnits: 0, flops: { dense: 0, sparse: 0 } });
    expect(r.bytes).toEqual({ dense: 12, csr: 8 + 8 + 8, bitmap: 1 + 8, compacted: 12 });
  });

  it('rejects flags that do not match the shape', () => {
    expect(() => accountTensor({ name: 'w', shape: [2, 2], kept: [1, 0] })).toThrowError("'w' has shape [2, 2] (4 elements) but 2 kept flags.");
    expect(() => accountTensor({ name: 'w', shape: [1, 1], kept: [1], layout: 'nchw' as never })).toThrowError(/Unknown kernel layout "nchw"/);
  });
});

describe('accountTensors', () => {
  it('totals counts and recomputes ratios from them (weighted, not a mean of ratios)', () => {
    const { tensors, total } = accountTensors([
      { name: 'a', shape: [2, 2], kept: [1, 0, 0, 0], layout: 'torch' },
      { name: 'b', shape: [4, 4], kept: Array<number>(16).fill(1), layout: 'torch' },
    ]);
    expect(tensors.map((t) => t.sparsity)).toEqual([0.75, 0]);
    expect(total.elements).toBe(20);
    expect(total.kept).toBe(17);
    expect(total.sparsity).toBeCloseTo(3 / 20, 12); // not (0.75 + 0) / 2
    expect(total.removableElements).toBe(3); // a: row 1 and column 1 go, 1 element left
    expect(total.bytes.dense).toBe(80);
    expect(total.flops).toEqual({ dense: 40, sparse: 34 });
  });
});

describe('kernelGeometry', () => {
  it('maps flat indices to output units and input channels', () => {
    const torch = kernelGeometry([4, 3, 2, 2], 'torch');
    expect([torch.outputs, torch.inputs, torch.spatial]).toEqual([4, 3, 4]);
    expect([torch.outputOf(13), torch.inputOf(13)]).toEqual([1, 0]); // 13 = 1·12 + 0·4 + 1
    const tfLayout = kernelGeometry([2, 2, 3, 4], 'tf');
    expect([tfLayout.outputOf(13), tfLayout.inputOf(13)]).toEqual([1, 0]); // 13 = (1·3 + 0)·4 + 1
    expect(() => kernelGeometry([5], 'tf')).toThrowError(/at least 2 axes/);
  });
});

describe('measureLatency', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('skips warm-up calls, reports the median of the timed ones and leaks nothing', async () => {
    const ticks = [0, 5, 10, 11, 20, 23]; // three timed calls of 5, 1 and 3 ms
    let tick = 0;
    let calls = 0;
    const x = tf.ones([2, 3]);
    const before = tf.memory().numTensors;
    const m = await measureLatency(
      () => {
        calls += 1;
        const hidden = tf.relu(x); // an intermediate, cleaned by tidy
        return { out: tf.sum(hidden), extra: [tf.mean(hidden)] };
      },
      { warmup: 2, runs: 3, now: () => ticks[tick++] ?? 0 },
    );
    expect(calls).toBe(5);
    expect(m.samplesMs).toEqual([5, 1, 3]);
    expect(m).toMatchObject({ backend: 'cpu', medianMs: 3, minMs: 1, maxMs: 5, meanMs: 3, warmup: 2, runs: 3 });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('takes the mean of the middle two for an even count, and validates its options', async () => {
    const ticks = [0, 4, 0, 1, 0, 2, 0, 10];
    let tick = 0;
    const m = await measureLatency(() => tf.scalar(1), { warmup: 0, runs: 4, now: () => ticks[tick++] ?? 0 });
    expect(m.medianMs).toBe(3);
    await expect(measureLatency(() => tf.scalar(1), { runs: 0 })).rejects.toThrowError(/runs must be a positive integer; got 0/);
  });
});
