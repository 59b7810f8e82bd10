import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { SparseError } from '@sparse/core';
import { barrier, COMMAND, CONTROL, markFailed } from './barrier.js';
import { launchWorker } from './launch-worker.js';
import { batchFloats, exchangeFloats, gatherParts, type SplitLayout } from './split-layout.js';
import { SplitParticipant, type SplitInitialValues } from './split-participant.js';
import type { SplitWorkerData } from './split-worker.js';

/**
 * One dense layer of the network a {@link DenseTrainer} trains: `kernel` `[in, out]`, `bias` `[out]`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { DenseTrainerLayer } from '@sparse/backend-wasm';
 *
 * const layer: DenseTrainerLayer = { kernel: tf.variable(tf.zeros([784, 300])), bias: tf.variable(tf.zeros([300])) };
 * ```
 */
export interface DenseTrainerLayer {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

/**
 * Options of {@link createDenseTrainer}.
 *
 * @example
 * ```ts
 * import type { DenseTrainerLayer, DenseTrainerOptions } from '@sparse/backend-wasm';
 *
 * declare const layers: DenseTrainerLayer[];
 * const options: DenseTrainerOptions = { layers, learningRate: 1.2e-3, batchSize: 60 };
 * ```
 */
export interface DenseTrainerOptions {
  /**
   * The network, input first: ReLU after every layer but the last, whose outputs are logits of a
   * mean softmax cross-entropy loss. At least two layers. The trainer starts from the variables'
   * values and writes the trained values back on {@link DenseTrainer.syncWeights}.
   */
  readonly layers: readonly DenseTrainerLayer[];
  /** A `0`/`1` mask per layer's kernel (`undefined` or `null`: unmasked), applied as `MaskedOptimizer` does. */
  readonly masks?: readonly (tf.Tensor | null | undefined)[];
  /** Adam's learning rate (β1 0.9, β2 0.999, ε 1e-7, as `tf.train.adam`). */
  readonly learningRate: number;
  /** Rows of every batch given to {@link DenseTrainer.step}. */
  readonly batchSize: number;
  /**
   * Threads that share each step, the calling thread included: `threads − 1` worker threads are
   * started (Node only). Default 1. At most the first layer's width. On a 2-core machine 2 threads
   * measured no faster than 1 on LeNet-300-100 (docs/performance.md): per-step costs that every
   * thread pays whole (packing the batch for two products, kernel dispatch) outweigh the halved
   * arithmetic at small batches.
   */
  readonly threads?: number;
}

/**
 * A running dense trainer (see {@link createDenseTrainer}).
 *
 * @example
 * ```ts
 * import type { DenseTrainer } from '@sparse/backend-wasm';
 *
 * declare const trainer: DenseTrainer;
 * console.log(`${trainer.steps} steps on ${trainer.threads} threads`);
 * ```
 */
export interface DenseTrainer {
  /** Threads sharing each step, the calling thread included. */
  readonly threads: number;
  /** Steps run so far. */
  readonly steps: number;
  /**
   * One masked Adam step on a batch: `x` `[batchSize, in]`, one-hot `y` `[batchSize, classes]`
   * (float32). Synchronous: the calling thread computes its share and waits for the others.
   * The layers' variables are not updated until {@link syncWeights}.
   */
  step(x: tf.Tensor, y: tf.Tensor): void;
  /** Writes the trained weights into the layers' variables (for evaluation, checkpoints, the end). */
  syncWeights(): void;
  /** Stops the worker threads and frees the trainer's tensors. Idempotent. */
  dispose(): Promise<void>;
}

function argumentError(field: string, received: unknown, allowed: string, message: string): SparseError {
  return new SparseError('E_ARGUMENT', `${message} (got ${String(received)}; allowed: ${allowed}).`, { field, received, allowed });
}

/** Checks the options and returns the network's widths, before any thread or tensor is made. */
function checkOptions(options: DenseTrainerOptions): { sizes: number[]; threads: number } {
  if (tf.getBackend() !== 'wasm') {
    throw new SparseError('E_CONFIG', `The dense trainer runs on the wasm backend; the active backend is '${tf.getBackend()}'. Create the runtime with backend 'wasm' first.`, {
      field: 'backend',
      received: tf.getBackend(),
      allowed: ['wasm'],
    });
  }
  const { layers } = options;
  if (!Array.isArray(layers) || layers.length < 2) {
    throw argumentError('layers', Array.isArray(layers) ? `${layers.length} layer(s)` : layers, 'two or more { kernel, bias } layers', 'layers must list the network\'s dense layers');
  }
  const sizes: number[] = [];
  layers.forEach((layer, l) => {
    const { kernel, bias } = layer ?? {};
    if (!(kernel instanceof tf.Variable) || kernel.rank !== 2 || kernel.dtype !== 'float32') {
      throw argumentError(`layers[${l}].kernel`, kernel instanceof tf.Tensor ? `shape [${kernel.shape.join(', ')}] ${kernel.dtype}` : kernel, 'a float32 tf.Variable [in, out]', 'each kernel must be a 2-D float32 variable');
    }
    const [inputs = 0, outputs = 0] = kernel.shape;
    if (l === 0) sizes.push(inputs);
    else if (inputs !== sizes[l]) {
      throw argumentError(`layers[${l}].kernel`, `shape [${kernel.shape.join(', ')}]`, `[${sizes[l]}, n]`, `layer ${l}'s kernel does not take layer ${l - 1}'s ${sizes[l]} outputs`);
    }
    if (!(bias instanceof tf.Variable) || bias.rank !== 1 || bias.shape[0] !== outputs || bias.dtype !== 'float32') {
      throw argumentError(`layers[${l}].bias`, bias instanceof tf.Tensor ? `shape [${bias.shape.join(', ')}]` : bias, `a float32 tf.Variable [${outputs}]`, `layer ${l}'s bias must match its kernel's ${outputs} outputs`);
    }
    sizes.push(outputs);
  });
  const masks = options.masks ?? [];
  if (!Array.isArray(masks) || masks.length > layers.length) {
    throw argumentError('masks', Array.isArray(masks) ? `${masks.length} masks` : masks, `at most one mask per layer (${layers.length})`, 'masks must be an array with one entry per layer');
  }
  masks.forEach((mask, l) => {
    if (mask === undefined || mask === null) return;
    const shape = (layers[l] as DenseTrainerLayer).kernel.shape;
    if (!(mask instanceof tf.Tensor) || mask.shape.join() !== shape.join()) {
      throw argumentError(`masks[${l}]`, mask instanceof tf.Tensor ? `shape [${mask.shape.join(', ')}]` : mask, `a 0/1 tensor of shape [${shape.join(', ')}]`, `mask ${l} must have its kernel's shape`);
    }
  });
  if (!(typeof options.learningRate === 'number' && Number.isFinite(options.learningRate) && options.learningRate > 0)) {
    throw argumentError('learningRate', options.learningRate, 'a finite number > 0', 'learningRate must be positive');
  }
  if (!(Number.isInteger(options.batchSize) && options.batchSize >= 1)) {
    throw argumentError('batchSize', options.batchSize, 'an integer ≥ 1', 'batchSize must be a positive integer');
  }
  const threads = options.threads ?? 1;
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= (sizes[1] as number))) {
    throw argumentError('threads', threads, `an integer from 1 to ${sizes[1]} (the first layer's width)`, 'threads must be a positive integer');
  }
  return { sizes, threads };
}

/**
 * Trains a dense ReLU network with masks and Adam on the wasm backend with a layout made for the
 * wasm backend's matrix products, optionally sharing each step between several threads (Node).
 *
 * Layout: the first layer's kernel is kept transposed (`[units, in]`), so that neither of its two
 * products per step (`W0ᵀ·xᵀ` forward, `dz0ᵀ·x` for its gradient) makes the backend transpose or
 * re-pack the kernel, which changes every step; the loss and gradients are written out by hand
 * (softmax cross-entropy, ReLU) and the update is core's masked `fusedAdam`. On LeNet-300-100 at
 * batch 60 this measured 1.0–1.3x core's fused path through `train()` on one thread (a noisy 2-core VM).
 *
 * Threads (`threads > 1`): tfjs runs the wasm backend on one thread in Node. Each thread then owns
 * a share of the first layer's units (their kernel columns and the matching rows of the second
 * layer's kernel) and computes the rest of the network whole; the threads exchange only their
 * partial second-layer products (`batchSize × width₂` floats per thread per step) through a
 * SharedArrayBuffer and meet twice per step.
 *
 * The result is the same Adam on the same loss as `withMasks(fusedAdam(lr))` on the network, to
 * float32 rounding (products sum in another order). Masked entries stay exactly zero. The layers'
 * variables are read at creation and written by `syncWeights()`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { createRuntime } from '@sparse/core';
 * import { wasmBackend, createDenseTrainer } from '@sparse/backend-wasm';
 *
 * await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
 * const sizes = [784, 300, 100, 10];
 * const layers = sizes.slice(1).map((out, l) => ({
 *   kernel: tf.variable(tf.randomNormal([sizes[l] as number, out], 0, 0.05)),
 *   bias: tf.variable(tf.zeros([out])),
 * }));
 * const trainer = await createDenseTrainer({ layers, learningRate: 1.2e-3, batchSize: 60 });
 * try {
 *   const x = tf.randomUniform([60, 784]);
 *   const y = tf.cast(tf.oneHot(tf.randomUniform([60], 0, 10, 'int32'), 10), 'float32');
 *   for (let i = 0; i < 100; i++) trainer.step(x, y);
 *   trainer.syncWeights();
 * } finally {
 *   await trainer.dispose();
 * }
 * ```
 *
 * @throws SparseError `E_CONFIG` when the active backend is not wasm, `E_ARGUMENT` naming the
 * option that is wrong, `E_BACKEND_UNAVAILABLE` outside Node.js; all before any thread starts.
 */
export async function createDenseTrainer(options: DenseTrainerOptions): Promise<DenseTrainer> {
  const { sizes, threads } = checkOptions(options);
  const layout: SplitLayout = { sizes, participants: threads, batch: options.batchSize };
  const initial: SplitInitialValues = {
    kernels: options.layers.map((layer) => layer.kernel.dataSync() as Float32Array),
    biases: options.layers.map((layer) => layer.bias.dataSync() as Float32Array),
    masks: options.layers.map((_, l) => {
      const mask = options.masks?.[l];
      return mask === undefined || mask === null ? null : (mask.dataSync() as Float32Array);
    }),
  };
  // One thread needs no shared memory (browsers without cross-origin isolation have none).
  const Memory = threads > 1 ? SharedArrayBuffer : ArrayBuffer;
  const buffers = {
    control: new Memory(CONTROL.length * 4),
    batch: new Memory(batchFloats(layout) * 4),
    exchange: new Memory(exchangeFloats(layout) * 4),
    gather: new Memory(gatherParts(layout).floats * 4),
  };
  const control = new Int32Array(buffers.control);
  const shared = { control, batch: new Float32Array(buffers.batch), exchange: new Float32Array(buffers.exchange), gather: new Float32Array(buffers.gather) };
  const workers: Worker[] = [];
  const failures: unknown[] = [];
  let participant: SplitParticipant | undefined;
  try {
    for (let index = 1; index < threads; index++) {
      const data: SplitWorkerData = { layout, index, learningRate: options.learningRate, initial, ...buffers };
      workers.push(launchWorker('split-worker', data));
    }
    await Promise.all(
      workers.map(
        (worker, i) =>
          new Promise<void>((resolve, reject) => {
            const onError = (error: unknown) => reject(new SparseError('E_BACKEND_UNAVAILABLE', `Worker thread ${i + 1} of the dense trainer did not start: ${error instanceof Error ? error.message : String(error)}`));
            worker.once('error', onError);
            worker.once('message', () => {
              worker.off('error', onError);
              resolve();
            });
          }),
      ),
    );
    for (const worker of workers) {
      // A trainer that is never disposed must not keep the process alive.
      worker.unref();
      worker.on('error', (error) => {
        failures.push(error);
        markFailed(control);
      });
    }
    participant = new SplitParticipant(layout, 0, initial, options.learningRate, shared);
  } catch (error) {
    markFailed(control);
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }
  const own = participant;
  const [inputs = 0] = sizes;
  const classes = sizes[sizes.length - 1] as number;
  let steps = 0;
  let disposed = false;
  const command = (code: number) => {
    Atomics.store(control, CONTROL.command, code);
    Atomics.add(control, CONTROL.sequence, 1);
    Atomics.notify(control, CONTROL.sequence);
  };
  const usable = () => {
    if (disposed) throw new SparseError('E_ARGUMENT', 'This dense trainer was disposed.');
    if (Atomics.load(control, CONTROL.failed) !== 0) {
      const cause = failures[0] instanceof Error ? failures[0].message : 'see the worker error';
      throw new SparseError('E_INTERNAL', `A worker thread of the dense trainer failed (${cause}); dispose it and start again.`);
    }
  };
  return {
    threads,
    get steps() {
      return steps;
    },
    step(x, y) {
      usable();
      const xShape = [options.batchSize, inputs];
      const yShape = [options.batchSize, classes];
      if (x.shape.join() !== xShape.join() || x.dtype !== 'float32') throw argumentError('x', `shape [${x.shape.join(', ')}] ${x.dtype}`, `float32 [${xShape.join(', ')}]`, 'the batch has the wrong shape');
      if (y.shape.join() !== yShape.join() || y.dtype !== 'float32') throw argumentError('y', `shape [${y.shape.join(', ')}] ${y.dtype}`, `float32 one-hot [${yShape.join(', ')}]`, 'the targets have the wrong shape');
      if (threads > 1) {
        shared.batch.set(x.dataSync() as Float32Array, 0);
        shared.batch.set(y.dataSync() as Float32Array, options.batchSize * inputs);
        command(COMMAND.step);
      }
      try {
        own.step(x as tf.Tensor2D, y as tf.Tensor2D);
      } catch (error) {
        markFailed(control);
        throw error;
      }
      steps += 1;
    },
    syncWeights() {
      usable();
      if (threads > 1) command(COMMAND.gather);
      own.writeBlocks();
      barrier(control, threads);
      const parts = gatherParts(layout);
      const [, hidden = 0, next = 0] = sizes;
      const [first, second, ...later] = options.layers as [DenseTrainerLayer, DenseTrainerLayer, ...DenseTrainerLayer[]];
      tf.tidy(() => {
        first.kernel.assign(tf.transpose(tf.tensor2d(shared.gather.subarray(parts.kernel0T, parts.kernel0T + hidden * inputs), [hidden, inputs])));
        first.bias.assign(tf.tensor1d(shared.gather.subarray(parts.bias0, parts.bias0 + hidden)));
        second.kernel.assign(tf.tensor2d(shared.gather.subarray(parts.kernel1, parts.kernel1 + hidden * next), [hidden, next]));
        const whole = own.wholeValues();
        second.bias.assign(tf.tensor1d(whole[0] as Float32Array));
        later.forEach((layer, i) => {
          layer.kernel.assign(tf.tensor(whole[2 * i + 1] as Float32Array, layer.kernel.shape));
          layer.bias.assign(tf.tensor1d(whole[2 * i + 2] as Float32Array));
        });
      });
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      command(COMMAND.exit);
      own.dispose();
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
