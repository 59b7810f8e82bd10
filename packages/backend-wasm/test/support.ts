/**
 * Helpers shared by this package's tests: seeded random operands, stock-vs-fast runs, float
 * comparison and leak checks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { installFastKernels, uninstallFastKernels } from '../src/index.js';
import { installFastKernelsWith } from '../src/fast-kernels/install-fast-kernels.js';
import type { MatMulGeometry } from '../src/fast-kernels/mat-mul-geometry.js';

/** fast-check settings: an explicit seed, so a failure replays exactly. */
export const PROPERTY_RUNS = { seed: 20_241_122, numRuns: 80 } as const;

/** Takes the explicit-transpose route for every transposed product, whatever the shapes. */
export const alwaysExplicit = (g: MatMulGeometry): boolean => g.transposeA || g.transposeB;

/** Which fast kernels a test installs: the shipped decision rule, or the explicit route always. */
export type FastMode = 'default' | 'always';

/** Installs the fast kernels of `mode`. */
export function installFast(mode: FastMode): void {
  if (mode === 'default') {
    uninstallFastKernels();
    installFastKernels();
  } else {
    installFastKernelsWith(alwaysExplicit);
  }
}

/** A float32 tensor of `shape` with values uniform in [-1, 1), drawn from `seed`. */
export function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/**
 * Runs `compute` once with the stock kernels and once with the fast kernels of `mode`, and returns
 * the values of both (tensors are disposed). Leaves the fast kernels of `mode` installed.
 */
export function stockAndFast(mode: FastMode, compute: () => tf.Tensor | tf.Tensor[]): { stock: Float32Array[]; fast: Float32Array[] } {
  uninstallFastKernels();
  const stock = values(compute);
  installFast(mode);
  const fast = values(compute);
  return { stock, fast };
}

function values(compute: () => tf.Tensor | tf.Tensor[]): Float32Array[] {
  return tf.tidy(() => {
    const out = compute();
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
  });
}

/**
 * Asserts `actual ≈ expected` element-wise: `|a - e| ≤ tolerance · max(|e|, 1)`, a relative
 * tolerance with an absolute floor for entries near zero (sums of products of values in [-1, 1)).
 */
export function expectClose(actual: Float32Array, expected: Float32Array, tolerance = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let worstIndex = -1;
  for (const [i, want] of expected.entries()) {
    const excess = Math.abs((actual[i] ?? NaN) - want) / Math.max(Math.abs(want), 1);
    if (!(excess <= worst)) {
      worst = excess;
      worstIndex = i;
    }
  }
  expect(worst, `worst relative error ${worst} at index ${worstIndex}`).toBeLessThanOrEqual(tolerance);
}

/** Counts of live tensors (engine) and live buffers (backend), to compare around an operation. */
export function liveCounts(): { tensors: number; buffers: number } {
  return { tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() };
}
