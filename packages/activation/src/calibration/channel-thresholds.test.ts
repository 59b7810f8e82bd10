import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '@sparse/core';
import { channelSparsify } from '../sparsify/channel-threshold.js';
import { channelQuantiles, chessChannelThresholds } from './channel-thresholds.js';

beforeAll(async () => {
  await createRuntime({ backend: 'cpu' });
});

/** Zeros produced by applying the channel thresholds with the tfjs op (float32), per entry. */
function appliedZeros(gate: Float32Array, width: number, thresholds: readonly number[]): Uint8Array {
  return tf.tidy(() => {
    const out = channelSparsify(tf.tensor2d(gate, [gate.length / width, width]), thresholds);
    return Uint8Array.from(out.dataSync(), (v) => (v === 0 ? 1 : 0));
  });
}

const rowsArbitrary = fc
  .record({ width: fc.integer({ min: 1, max: 8 }), rows: fc.integer({ min: 1, max: 40 }), seed: fc.integer({ min: 0, max: 1e6 }) })
  .map(({ width, rows, seed }) => {
    // distinct positive float32 magnitudes (a shuffled ramp plus jitter), and positive ū
    let state = seed + 1;
    const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const gate = Float32Array.from({ length: width * rows }, (_, i) => Math.fround(0.001 + i * 0.01 + next() * 0.004));
    for (let i = gate.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [gate[i], gate[j]] = [gate[j] as number, gate[i] as number];
    }
    const upMean = Array.from({ length: width }, () => 0.05 + next() * 3);
    return { width, gate, upMean };
  });

describe('chessChannelThresholds', () => {
  it('zeroes exactly round(target · n) calibration entries, exactly those of lowest importance (tfjs float32 application)', () => {
    fc.assert(
      fc.property(rowsArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), ({ width, gate, upMean }, target) => {
        const { channelThresholds, importanceThreshold } = chessChannelThresholds({ gate, width, upMean, target });
        const zeros = appliedZeros(gate, width, channelThresholds);
        const importance = Array.from(gate, (g, i) => g * (upMean[i % width] as number));
        const distinct = new Set(importance).size === importance.length;
        const selected = importance.map((s) => (s <= importanceThreshold ? 1 : 0));
        expect(Array.from(zeros)).toEqual(selected); // channel rule == importance rule, entry by entry
        if (distinct) expect(zeros.reduce((a, b) => a + b, 0)).toBe(Math.round(target * gate.length));
      }),
      { numRuns: 150 },
    );
  });

  it('is τ / ū_i when the calibration data leave room, as in the CHESS code', () => {
    const gate = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]); // 4 tokens, 2 channels
    const upMean = [1, 2];
    const { channelThresholds, importanceThreshold } = chessChannelThresholds({ gate, width: 2, upMean, target: 0.5 });
    // importances: [0.1, 0.4, 0.3, 0.8, 0.5, 1.2, 0.7, 1.6] → 4th smallest 0.5
    expect(importanceThreshold).toBeCloseTo(0.5, 6);
    expect(channelThresholds[0]).toBe(Math.fround(importanceThreshold / 1));
    expect(channelThresholds[1]).toBe(Math.fround(importanceThreshold / 2));
  });

  it('with ties in the importances zeroes all tied entries (never fewer than the target)', () => {
    const gate = Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.1, 0.9]);
    const { channelThresholds } = chessChannelThresholds({ gate, width: 2, upMean: [1, 1], target: 0.5 });
    const zeros = appliedZeros(gate, 2, channelThresholds).reduce((a, b) => a + b, 0);
    expect(zeros).toBe(5); // 0.1 and the four 0.5s
  });

  it('rejects mismatched shapes and bad means, naming the field', () => {
    expect(() => chessChannelThresholds({ gate: new Float32Array(5), width: 2, upMean: [1, 1], target: 0.5 })).toThrow(/gate has 5 values/);
    expect(() => chessChannelThresholds({ gate: new Float32Array(4), width: 2, upMean: [1], target: 0.5 })).toThrow(/upMean must have one entry per channel/);
    expect(() => chessChannelThresholds({ gate: new Float32Array(4), width: 2, upMean: [1, -1], target: 0.5 })).toThrow(/upMean\[1\]/);
  });
});

describe('channelQuantiles', () => {
  it('zeroes exactly round(target · rows) per channel on distinct calibration values', () => {
    fc.assert(
      fc.property(rowsArbitrary, fc.double({ min: 0, max: 1, noNaN: true }), ({ width, gate }, target) => {
        const thresholds = channelQuantiles(gate, width, target);
        const zeros = appliedZeros(gate, width, thresholds);
        const rows = gate.length / width;
        for (let c = 0; c < width; c += 1) {
          let count = 0;
          for (let r = 0; r < rows; r += 1) count += zeros[r * width + c] as number;
          expect(count).toBe(Math.round(target * rows));
        }
      }),
      { numRuns: 100 },
    );
  });
});
