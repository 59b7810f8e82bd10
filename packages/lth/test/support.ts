import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, registerGradients, type SparseRuntime } from '@sparse/core';
import type { ImageSet } from '@sparse/datasets';
import { lthPlugin, validateLthConfig, type BatchProvider, type LthExperimentConfig } from '../src/index.js';

/** Activates the cpu backend with gradients, once per test file. */
export async function useCpu(): Promise<void> {
  await createRuntime({ backend: 'cpu' });
  await registerGradients();
}

/** Validates a raw lth config (`kind` may be left out) with a cpu runtime holding core's names and the lth kind. */
export async function lthConfig(raw: Record<string, unknown>): Promise<LthExperimentConfig> {
  runtime ??= await createRuntime({ backend: 'cpu', plugins: [lthPlugin()] });
  return validateLthConfig(raw, runtime);
}
let runtime: SparseRuntime | undefined;

/** A deterministic toy classification set: `count` examples of `features` values, `classes` labels. */
export function toySet(count: number, features = 8, classes = 3, seed = 1): ImageSet<Float32Array> {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const images = new Float32Array(count * features);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i += 1) {
    let score = 0;
    for (let j = 0; j < features; j += 1) {
      const v = next();
      images[i * features + j] = v;
      score += (j % classes) * v;
    }
    labels[i] = Math.floor(score * 7) % classes;
  }
  return { images, labels, count, shape: [features] };
}

/** Batches of a toy set in a seeded order that depends on (seed, epoch). */
export function toyBatches(set: ImageSet<Float32Array>, batchSize: number, seed: number, classes = 3): BatchProvider {
  const features = set.images.length / set.count;
  const stepsPerEpoch = Math.ceil(set.count / batchSize);
  return {
    stepsPerEpoch,
    batch(epoch, step) {
      const start = step * batchSize;
      const end = Math.min(set.count, start + batchSize);
      const offset = (seed * 7 + epoch * 13) % set.count;
      const x = new Float32Array((end - start) * features);
      const y = new Int32Array(end - start);
      for (let i = start; i < end; i += 1) {
        const k = (i + offset) % set.count;
        x.set(set.images.subarray(k * features, (k + 1) * features), (i - start) * features);
        y[i - start] = set.labels[k] as number;
      }
      return tf.tidy(() => ({ x: tf.tensor2d(x, [end - start, features]), y: tf.cast(tf.oneHot(tf.tensor1d(y, 'int32'), classes), 'float32') }));
    },
  };
}
