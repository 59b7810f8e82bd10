import * as tf from '@tensorflow/tfjs-core';
import { echoValue, SparseError, type Batch } from '@sparse/core';
import { assertImageSet, featuresPerExample, type ImageSet } from '../image-set.js';
import { randomPermutation } from '../random/shuffle.js';
import { assertSeed, seededRandom, type RandomFactory } from '../random/uniform-random.js';

/**
 * Where a {@link BatchLoader} keeps the data set between batches.
 *
 * - `host`: in JavaScript memory; every batch is assembled there and uploaded (no standing
 *   tensors).
 * - `device`: uploaded once as two tensors on the active backend; every batch is a `tf.gather` of
 *   the epoch's indices (no per-batch upload of pixels). Call `dispose()` when done.
 *
 * On tfjs 4.22's cpu and wasm backends `host` is much faster (measured 3–50×: their gather kernels
 * cost ~25–45 ns per element; see the package README and bench/batch-throughput.ts). `device` is
 * meant for GPU backends, where uploads dominate.
 *
 * @example
 * ```ts
 * import type { BatchStorage } from '@sparse/datasets';
 *
 * const storage: BatchStorage = 'device';
 * ```
 */
export type BatchStorage = 'host' | 'device';

/**
 * Options of {@link createBatchLoader}.
 *
 * @example
 * ```ts
 * import type { BatchLoaderOptions } from '@sparse/datasets';
 *
 * const lth: BatchLoaderOptions = { batchSize: 60, seed: 0, dropLast: false, storage: 'host' };
 * ```
 */
export interface BatchLoaderOptions {
  /** Examples per batch, a positive integer. */
  readonly batchSize: number;
  /** The seed every epoch's order is derived from, with the epoch number. */
  readonly seed: number;
  /** Reshuffle every epoch (default true); false keeps the data set's order. */
  readonly shuffle?: boolean;
  /** Drop the last, smaller batch of an epoch (default false). */
  readonly dropLast?: boolean;
  /** Where the data set lives between batches (default `host`). */
  readonly storage?: BatchStorage;
  /** Depth of the one-hot targets (default 10); every label must be below it. */
  readonly numClasses?: number;
  /** The generator to draw from (default {@link seededRandom}), called as `random(seed, 'batches', 'epoch <n>')`. */
  readonly random?: RandomFactory;
}

/**
 * One minibatch: `x` of shape `[b, features]` (float32, pixels in [0, 1]) and `y` one-hot of shape
 * `[b, numClasses]` (float32), plus the indices of its examples in the data set. The tensors
 * belong to the caller, who disposes them.
 *
 * @example
 * ```ts
 * import type { ImageBatch } from '@sparse/datasets';
 *
 * function release(batch: ImageBatch): void {
 *   batch.x.dispose();
 *   batch.y.dispose();
 * }
 * ```
 */
export interface ImageBatch extends Batch {
  /** Inputs, `[b, features]`, float32. */
  readonly x: tf.Tensor2D;
  /** One-hot targets, `[b, numClasses]`, float32. */
  readonly y: tf.Tensor2D;
  /** Which examples of the data set the rows are, in row order. */
  readonly indices: Int32Array;
}

/**
 * Cuts a data set into seeded minibatches, epoch after epoch. Batches are made on demand, by
 * (epoch, step), so a resumed run gets exactly the batches an uninterrupted one would.
 *
 * @example
 * ```ts
 * import { createBatchLoader, loadFashionMnist } from '@sparse/datasets';
 *
 * const { train } = await loadFashionMnist();
 * const loader = createBatchLoader(train, { batchSize: 60, seed: 0 });
 * for (const { x, y } of loader.epoch(0)) {
 *   // train on x [60, 784] and y [60, 10] …
 *   x.dispose();
 *   y.dispose();
 * }
 * loader.dispose();
 * ```
 */
export interface BatchLoader {
  /** Examples in the data set. */
  readonly count: number;
  /** Examples per batch (the last batch of an epoch may be smaller unless `dropLast`). */
  readonly batchSize: number;
  /** Batches per epoch. */
  readonly stepsPerEpoch: number;
  /** Where the data set is kept. */
  readonly storage: BatchStorage;
  /** The order of the examples in an epoch: a permutation derived from (seed, epoch), or 0 … n−1 unshuffled. */
  order(epoch: number): Int32Array;
  /** Batch `step` of `epoch`; the caller owns (and disposes) its tensors. */
  batch(epoch: number, step: number): ImageBatch;
  /** The batches of one epoch, in order, made one at a time as the iterator advances. */
  epoch(epoch: number): IterableIterator<ImageBatch>;
  /** Frees the tensors of `device` storage (nothing for `host`). The loader is unusable afterwards. */
  dispose(): void;
}

/**
 * Creates a {@link BatchLoader} over an image set. Validates everything first: the set's arrays,
 * `batchSize`, `seed`, `numClasses` and every label.
 *
 * `Uint8Array` pixels are scaled by 1/255; `Float32Array` pixels are used as they are.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createBatchLoader, loadFashionMnist } from '@sparse/datasets';
 *
 * const { train } = await loadFashionMnist();
 * const loader = createBatchLoader(train, { batchSize: 128, seed: 1, dropLast: true, storage: 'device' });
 * const { x, y } = loader.batch(3, 0); // first batch of epoch 3
 * console.log(x.shape, y.shape); // [128, 784] [128, 10]
 * tf.dispose([x, y]);
 * loader.dispose();
 * ```
 */
export function createBatchLoader(dataset: ImageSet, options: BatchLoaderOptions): BatchLoader {
  assertImageSet(dataset);
  const { batchSize, seed, shuffle = true, dropLast = false, storage = 'host', numClasses = 10 } = options;
  const random = options.random ?? seededRandom;
  const count = dataset.count;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new SparseError('E_ARGUMENT', `batchSize must be a positive integer, got ${String(batchSize)}.`, {
      field: 'batchSize',
      received: batchSize,
      allowed: 'integers ≥ 1',
    });
  }
  if (dropLast && batchSize > count) {
    throw new SparseError('E_ARGUMENT', `batchSize ${batchSize} is larger than the ${count} examples, so dropLast would drop every batch.`, {
      field: 'batchSize',
      received: batchSize,
      allowed: `[1, ${count}] with dropLast`,
    });
  }
  assertSeed(seed);
  if (storage !== 'host' && storage !== 'device') {
    throw new SparseError('E_ARGUMENT', `storage must be 'host' or 'device', got ${echoValue(storage)}.`, {
      field: 'storage',
      received: storage,
      allowed: ['host', 'device'],
    });
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new SparseError('E_ARGUMENT', `numClasses must be a positive integer, got ${String(numClasses)}.`, { field: 'numClasses', received: numClasses });
  }
  const highest = dataset.labels.reduce((max, label) => Math.max(max, label), 0);
  if (count > 0 && highest >= numClasses) {
    throw new SparseError('E_ARGUMENT', `The data set has the label ${highest}, which a one-hot of depth numClasses = ${numClasses} cannot hold.`, {
      field: 'numClasses',
      received: numClasses,
      allowed: `≥ ${highest + 1}`,
    });
  }
  const features = featuresPerExample(dataset);
  const stepsPerEpoch = dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
  const assemble = storage === 'device' ? deviceAssembler(dataset, features, numClasses) : hostAssembler(dataset, features, numClasses);

  let disposed = false;
  let cached: { epoch: number; order: Int32Array } | undefined;
  const assertUsable = (): void => {
    if (disposed) throw new SparseError('E_ARGUMENT', 'This BatchLoader was disposed; create a new one.');
  };
  const order = (epoch: number): Int32Array => {
    assertUsable();
    if (!Number.isInteger(epoch) || epoch < 0) {
      throw new SparseError('E_ARGUMENT', `epoch must be a non-negative integer, got ${String(epoch)}.`, { field: 'epoch', received: epoch });
    }
    if (cached?.epoch !== epoch) {
      const permutation = shuffle ? randomPermutation(count, random(seed, 'batches', `epoch ${epoch}`)) : Int32Array.from({ length: count }, (_, i) => i);
      cached = { epoch, order: permutation };
    }
    return cached.order;
  };
  const batch = (epoch: number, step: number): ImageBatch => {
    const epochOrder = order(epoch);
    if (!Number.isInteger(step) || step < 0 || step >= stepsPerEpoch) {
      throw new SparseError('E_ARGUMENT', `step must be an integer in [0, ${stepsPerEpoch}) (steps per epoch), got ${String(step)}.`, {
        field: 'step',
        received: step,
        allowed: `[0, ${stepsPerEpoch})`,
      });
    }
    const indices = epochOrder.slice(step * batchSize, Math.min(count, (step + 1) * batchSize));
    return { ...assemble.make(indices), indices };
  };
  return {
    count,
    batchSize,
    stepsPerEpoch,
    storage,
    order: (epoch) => order(epoch).slice(),
    batch,
    *epoch(epoch: number): IterableIterator<ImageBatch> {
      order(epoch);
      for (let step = 0; step < stepsPerEpoch; step += 1) yield batch(epoch, step);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      assemble.dispose();
    },
  };
}

interface Assembler {
  make(indices: Int32Array): { x: tf.Tensor2D; y: tf.Tensor2D };
  dispose(): void;
}

/** Pixels as float32 in [0, 1]: a `Float32Array` as is, a `Uint8Array` scaled by 1/255. */
function copyPixels(from: Float32Array | Uint8Array, start: number, length: number, to: Float32Array, at: number): void {
  if (from instanceof Float32Array) {
    to.set(from.subarray(start, start + length), at);
  } else {
    for (let k = 0; k < length; k += 1) to[at + k] = (from[start + k] ?? 0) / 255;
  }
}

function hostAssembler(dataset: ImageSet, features: number, numClasses: number): Assembler {
  return {
    make(indices) {
      const b = indices.length;
      const x = new Float32Array(b * features);
      const y = new Float32Array(b * numClasses);
      for (let row = 0; row < b; row += 1) {
        const index = indices[row] ?? 0;
        copyPixels(dataset.images, index * features, features, x, row * features);
        y[row * numClasses + (dataset.labels[index] ?? 0)] = 1;
      }
      return { x: tf.tensor2d(x, [b, features], 'float32'), y: tf.tensor2d(y, [b, numClasses], 'float32') };
    },
    dispose() {},
  };
}

function deviceAssembler(dataset: ImageSet, features: number, numClasses: number): Assembler {
  const count = dataset.count;
  const pixels = new Float32Array(count * features);
  copyPixels(dataset.images, 0, count * features, pixels, 0);
  const onehot = new Float32Array(count * numClasses);
  dataset.labels.forEach((label, index) => (onehot[index * numClasses + label] = 1));
  const allX = tf.tensor2d(pixels, [count, features], 'float32');
  const allY = tf.tensor2d(onehot, [count, numClasses], 'float32');
  return {
    make(indices) {
      return tf.tidy(() => {
        const rows = tf.tensor1d(indices, 'int32');
        return { x: tf.gather(allX, rows), y: tf.gather(allY, rows) };
      });
    },
    dispose() {
      allX.dispose();
      allY.dispose();
    },
  };
}
