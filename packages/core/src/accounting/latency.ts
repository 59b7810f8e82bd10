import * as tf from '@tensorflow/tfjs-core';
import { SparseError } from '../errors.js';

/**
 * Options of {@link measureLatency}.
 *
 * @example
 * ```ts
 * import type { LatencyOptions } from '@sparse/core';
 *
 * const options: LatencyOptions = { warmup: 5, runs: 50 };
 * ```
 */
export interface LatencyOptions {
  /** Untimed calls first, to compile kernels and fill caches (default 3). */
  readonly warmup?: number;
  /** Timed calls (default 20). */
  readonly runs?: number;
  /** Clock in milliseconds (default `performance.now`); injectable for tests. */
  readonly now?: () => number;
}

/**
 * Wall-clock latency of a forward pass on the active backend.
 *
 * @example
 * ```ts
 * import type { LatencyMeasurement } from '@sparse/core';
 *
 * const m: LatencyMeasurement = { backend: 'wasm', warmup: 3, runs: 3, medianMs: 1.2, meanMs: 1.3, minMs: 1.1, maxMs: 1.6, samplesMs: [1.1, 1.2, 1.6] };
 * ```
 */
export interface LatencyMeasurement {
  /** The TensorFlow.js backend that ran the calls. */
  readonly backend: string;
  readonly warmup: number;
  readonly runs: number;
  /** The median of the timed calls (the mean of the two middle ones for an even count). */
  readonly medianMs: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Every timed call, in order. */
  readonly samplesMs: readonly number[];
}

function median(sorted: readonly number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Times a forward pass on the active backend: `warmup` untimed calls, then `runs` timed calls,
 * reporting the median. `forward` runs inside `tf.tidy`; every tensor it returns (one, an array
 * or an object of them) is downloaded with `data()` before the clock stops — so asynchronous
 * backends are timed to completion — and then disposed. Nothing leaks.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { measureLatency } from '@sparse/core';
 *
 * const w = tf.randomNormal([784, 300]);
 * const x = tf.randomNormal([32, 784]);
 * const m = await measureLatency(() => tf.relu(tf.matMul(x, w)), { warmup: 2, runs: 10 });
 * console.log(`${m.backend}: ${m.medianMs.toFixed(2)} ms`);
 * ```
 */
export async function measureLatency(forward: () => tf.TensorContainer, options: LatencyOptions = {}): Promise<LatencyMeasurement> {
  const warmup = options.warmup ?? 3;
  const runs = options.runs ?? 20;
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new SparseError('E_ARGUMENT', `warmup must be a non-negative integer; got ${warmup}.`, { field: 'warmup', received: warmup });
  }
  if (!Number.isInteger(runs) || runs < 1) {
    throw new SparseError('E_ARGUMENT', `runs must be a positive integer; got ${runs}.`, { field: 'runs', received: runs });
  }
  const now = options.now ?? (() => performance.now());
  const once = async (): Promise<void> => {
    const result = tf.tidy(forward);
    const tensors: tf.Tensor[] = [];
    collect(result, tensors);
    try {
      for (const tensor of tensors) await tensor.data();
    } finally {
      for (const tensor of tensors) tensor.dispose();
    }
  };
  for (let i = 0; i < warmup; i += 1) await once();
  const samplesMs: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = now();
    await once();
    samplesMs.push(now() - start);
  }
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    backend: tf.getBackend(),
    warmup,
    runs,
    medianMs: median(sorted),
    meanMs: samplesMs.reduce((a, b) => a + b, 0) / runs,
    minMs: sorted[0] ?? 0,
    maxMs: sorted[sorted.length - 1] ?? 0,
    samplesMs,
  };
}

function collect(value: tf.TensorContainer, into: tf.Tensor[]): void {
  if (value instanceof tf.Tensor) into.push(value);
  else if (Array.isArray(value)) for (const item of value) collect(item, into);
  else if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const item of Object.values(value as Record<string, tf.TensorContainer>)) collect(item, into);
  }
}
