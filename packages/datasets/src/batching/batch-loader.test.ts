import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuBackendProvider, isSparseError } from '@sparse/core';
import type { ImageSet } from '../image-set.js';
import { createBatchLoader, type BatchStorage } from './batch-loader.js';

beforeAll(async () => {
  await cpuBackendProvider.activate();
});

/** Example i: 4 pixels (i/255, 1, 0, i/255 again), label i % 10; raw or float. */
function tracedSet(count: number): ImageSet<Uint8Array> {
  const images = new Uint8Array(count * 4);
  for (let i = 0; i < count; i += 1) images.set([i % 256, 255, 0, i % 256], 4 * i);
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count, shape: [2, 2] };
}

const storages: BatchStorage[] = ['host', 'device'];

describe.each(storages)('createBatchLoader (%s storage)', (storage) => {
  it('covers every example exactly once per epoch, with the rows and one-hot labels of those examples', () => {
    const set = tracedSet(103);
    const before = tf.memory().numTensors;
    const loader = createBatchLoader(set, { batchSize: 10, seed: 4, storage });
    expect(loader.stepsPerEpoch).toBe(11);
    for (const epoch of [0, 1]) {
      const seen: number[] = [];
      const sizes: number[] = [];
      for (const { x, y, indices } of loader.epoch(epoch)) {
        expect(x.dtype).toBe('float32');
        expect(y.dtype).toBe('float32');
        const xs = x.arraySync();
        const ys = y.arraySync();
        indices.forEach((index, row) => {
          expect(xs[row]).toEqual([(index % 256) / 255, 1, 0, (index % 256) / 255].map(Math.fround));
          expect(ys[row]).toEqual(Array.from({ length: 10 }, (_, c) => (c === index % 10 ? 1 : 0)));
        });
        seen.push(...indices);
        sizes.push(x.shape[0]);
        tf.dispose([x, y]);
      }
      expect(sizes).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    }
    loader.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reshuffles every epoch from (seed, epoch): same seed same order, other epoch or seed other order', () => {
    const set = tracedSet(50);
    const a = createBatchLoader(set, { batchSize: 8, seed: 1, storage });
    const b = createBatchLoader(set, { batchSize: 8, seed: 1, storage });
    const c = createBatchLoader(set, { batchSize: 8, seed: 2, storage });
    expect(b.order(3)).toEqual(a.order(3));
    expect(a.order(4)).not.toEqual(a.order(3));
    expect(c.order(3)).not.toEqual(a.order(3));
    // Random access equals iteration: a resumed run sees the same batch.
    const viaIterator = [...a.epoch(2)];
    const direct = b.batch(2, 5);
    expect(direct.indices).toEqual(viaIterator[5]!.indices);
    expect(direct.x.arraySync()).toEqual(viaIterator[5]!.x.arraySync());
    tf.dispose([direct.x, direct.y, ...viaIterator.flatMap(({ x, y }) => [x, y])]);
    for (const loader of [a, b, c]) loader.dispose();
  });

  it('drops the last, smaller batch with dropLast and keeps the order with shuffle: false', () => {
    const loader = createBatchLoader(tracedSet(25), { batchSize: 10, seed: 0, dropLast: true, shuffle: false, storage });
    expect(loader.stepsPerEpoch).toBe(2);
    const batches = [...loader.epoch(7)];
    expect(batches.map((batch) => Array.from(batch.indices))).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    ]);
    expect(batches.map(({ x }) => x.shape)).toEqual([
      [10, 4],
      [10, 4],
    ]);
    tf.dispose(batches.flatMap(({ x, y }) => [x, y]));
    loader.dispose();
  });

  it('leaks nothing: only the returned tensors exist, and an early break leaves none', () => {
    const before = tf.memory().numTensors;
    const loader = createBatchLoader(tracedSet(40), { batchSize: 16, seed: 3, storage });
    const standing = tf.memory().numTensors - before;
    expect(standing).toBe(storage === 'device' ? 2 : 0);
    const batch = loader.batch(0, 1);
    expect(tf.memory().numTensors).toBe(before + standing + 2);
    tf.dispose([batch.x, batch.y]);
    for (const { x, y } of loader.epoch(1)) {
      tf.dispose([x, y]);
      break;
    }
    expect(tf.memory().numTensors).toBe(before + standing);
    loader.dispose();
    loader.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => loader.batch(0, 0)).toThrow(/disposed/);
  });
});

describe('createBatchLoader', () => {
  it('gives the same batches from host and device storage, float pixels used as they are', () => {
    const raw = tracedSet(30);
    const floats: ImageSet<Float32Array> = { ...raw, images: Float32Array.from(raw.images, (v) => v / 255) };
    const host = createBatchLoader(floats, { batchSize: 7, seed: 11 });
    const device = createBatchLoader(raw, { batchSize: 7, seed: 11, storage: 'device' });
    for (let step = 0; step < host.stepsPerEpoch; step += 1) {
      const a = host.batch(1, step);
      const b = device.batch(1, step);
      expect(b.indices).toEqual(a.indices);
      expect(b.x.dataSync()).toEqual(a.x.dataSync());
      expect(b.y.dataSync()).toEqual(a.y.dataSync());
      tf.dispose([a.x, a.y, b.x, b.y]);
    }
    host.dispose();
    device.dispose();
  });

  it('validates its options before any work, naming the field', () => {
    const set = tracedSet(20);
    const cases: [Parameters<typeof createBatchLoader>[1], RegExp][] = [
      [{ batchSize: 0, seed: 0 }, /batchSize must be a positive integer, got 0/],
      [{ batchSize: 2.5, seed: 0 }, /batchSize must be a positive integer, got 2.5/],
      [{ batchSize: 21, seed: 0, dropLast: true }, /batchSize 21 is larger than the 20 examples, so dropLast would drop every batch/],
      [{ batchSize: 4, seed: 0.1 }, /seed must be an integer in \[0, 2\^53\)/],
      [{ batchSize: 4, seed: 0, storage: 'gpu' as BatchStorage }, /storage must be 'host' or 'device', got "gpu"/],
      [{ batchSize: 4, seed: 0, numClasses: 5 }, /has the label 9, which a one-hot of depth numClasses = 5 cannot hold/],
    ];
    const before = tf.memory().numTensors;
    for (const [options, message] of cases) {
      try {
        createBatchLoader(set, options);
        expect.fail(`expected ${String(message)}`);
      } catch (error) {
        expect(isSparseError(error, 'E_ARGUMENT'), String(error)).toBe(true);
        expect((error as Error).message).toMatch(message);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    const loader = createBatchLoader(set, { batchSize: 4, seed: 0 });
    expect(() => loader.batch(0, 5)).toThrow(/step must be an integer in \[0, 5\) \(steps per epoch\), got 5/);
    expect(() => loader.order(-1)).toThrow(/epoch must be a non-negative integer, got -1/);
  });
});
