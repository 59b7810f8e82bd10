import * as tf from '@tensorflow/tfjs-core';
import { SparseError, checkMaskReplacement, type MaskReplacementTarget } from '@sparse/core';
import { COMMAND, CONTROL, markFailed } from './barrier.js';
import { trainerThreadLauncher, type TrainerThread } from './launch-worker.js';
import { trainerLayout, type TrainerLayout } from './trainer-layout.js';
import { TRAINER_ACTIVATIONS, TRAINER_LOSSES, type TrainerActivation, type TrainerLoss } from './trainer-activations.js';
import { BETA1, BETA2, TrainerParticipant } from './trainer-participant.js';
import type { TrainerWorkerData } from './trainer-worker.js';

/**
 * One dense layer of the network a {@link DenseTrainer} trains: `kernel` `[in, out]`, `bias` `[out]`,
 * and, for a hidden layer, its activation.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import type { DenseTrainerLayer } from '@sparse/backend-wasm';
 *
 * const layer: DenseTrainerLayer = { kernel: tf.variable(tf.zeros([784, 300])), bias: tf.variable(tf.zeros([300])), activation: 'gelu' };
 * ```
 */
export interface DenseTrainerLayer {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  /**
   * The activation after a hidden layer, as tfjs-layers' activations of these names: `'relu'`
   * (default), `'gelu'` (the exact `x · Φ(x)` with `Φ` from erf, tfjs-layers' `'gelu'`, not the tanh
   * form `'gelu_new'`) or `'silu'` (`x · sigmoid(x)`, tfjs-layers' `'swish'`). The last layer is
   * linear: leave it out or give `'linear'`.
   */
  readonly activation?: 'relu' | 'gelu' | 'silu' | 'linear';
}

/**
 * Adam's whole state in a {@link DenseTrainer} (see {@link DenseTrainer.adamState}): enough to
 * continue training bit for bit, in a new trainer (`DenseTrainerOptions.adam`) or elsewhere.
 *
 * @example
 * ```ts
 * import type { DenseTrainerAdamState } from '@sparse/backend-wasm';
 *
 * declare const state: DenseTrainerAdamState;
 * console.log(`t = ${state.steps}, first layer's kernel moments: ${state.layers[0]?.kernelM.length}`);
 * ```
 */
export interface DenseTrainerAdamState {
  /** Steps taken (Adam's `t`). */
  readonly steps: number;
  /** `β1^(t+1)` and `β2^(t+1)`, float32 values, as tfjs's Adam keeps them (its `accBeta1`, `accBeta2`). */
  readonly accBeta1: number;
  readonly accBeta2: number;
  /** Per layer, input first: first and second moments of its kernel (`[in, out]`, row-major) and bias. */
  readonly layers: readonly {
    readonly kernelM: Float32Array;
    readonly kernelV: Float32Array;
    readonly biasM: Float32Array;
    readonly biasV: Float32Array;
  }[];
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
   * The network, input first: each layer but the last followed by its activation (ReLU unless it
   * names another), the last linear, its outputs those of the `loss`. At least two layers. The trainer starts from the variables'
   * values and writes the trained values back on {@link DenseTrainer.syncWeights}.
   */
  readonly layers: readonly DenseTrainerLayer[];
  /**
   * The loss on the last layer's outputs, a mean over the batch: `'softmax-cross-entropy'` (default;
   * the outputs are logits, the targets one-hot, as core's `meanSoftmaxCrossEntropy`) or
   * `'mean-squared-error'` (the mean over rows and outputs of `(y − ŷ)²`, as
   * `tf.losses.meanSquaredError` with its default reduction).
   */
  readonly loss?: 'softmax-cross-entropy' | 'mean-squared-error';
  /** A `0`/`1` mask per layer's kernel (`undefined` or `null`: unmasked), applied as `MaskedOptimizer` does. */
  readonly masks?: readonly (tf.Tensor | null | undefined)[];
  /** Adam's learning rate (β1 0.9, β2 0.999, ε 1e-7, as `tf.train.adam`). */
  readonly learningRate: number;
  /** Rows of the largest batch given to {@link DenseTrainer.step} (smaller ones, such as an epoch's last, are fine). */
  readonly batchSize: number;
  /** Adam's state to continue from (from {@link DenseTrainer.adamState}); default a fresh Adam (`t = 0`, zero moments). */
  readonly adam?: DenseTrainerAdamState;
  /**
   * Threads that share each step, the calling thread included: `threads − 1` worker threads are
   * started (Node worker threads in Node; module Web Workers in a browser, which needs a
   * cross-origin isolated page and the trainer created in a Web Worker). They share the trainer's
   * memory, so no data is copied between them. Default 1. At most the first layer's width. Use at
   * most one per physical core: the threads meet several times per step and spin briefly while
   * waiting for each other. The results do not depend on it: every thread count gives the same
   * bits (each value is computed by one thread in one fixed order).
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
   * One masked Adam step on a batch: `x` `[rows, in]` (float32), `y` `[rows, outputs]` (float32 or
   * int32; one-hot for softmax cross-entropy, as `tf.oneHot` gives), `rows` from 1 to `batchSize`; the loss is the mean
   * over the rows (and, for mean squared error, the outputs). Synchronous: the calling thread computes its share and waits for the others.
   * The layers' variables are not updated until {@link syncWeights}.
   */
  step(x: tf.Tensor, y: tf.Tensor): void;
  /** Writes the trained weights into the layers' variables (for evaluation, checkpoints, the end). */
  syncWeights(): void;
  /**
   * The inverse of {@link syncWeights}: reads the layers' variables into the trainer's memory
   * (after the caller changed them between steps, e.g. a proximal step), masked by the masks in
   * force as at creation, so masked-out entries stay 0. Adam's moments, `steps` and running powers
   * are unchanged. One copy of each kernel and bias. With threads, the workers are idle between
   * steps and see the new values at the next one.
   */
  loadWeights(): void;
  /** A copy of Adam's state now (moments, `t`, running powers), e.g. for a checkpoint. */
  adamState(): DenseTrainerAdamState;
  /** Per layer, input first: whether its kernel has a mask (given one at creation); only those take new masks. */
  readonly masked: readonly boolean[];
  /** Copies of the kernels now (`[in, out]`, row-major; masked entries are 0), read from the trainer's memory without a sync. */
  readKernels(): Float32Array[];
  /** Copies of the kernels' masks now (`null` for an unmasked layer). */
  readMasks(): (Float32Array | null)[];
  /**
   * The dense (unmasked) gradient of the mean loss of a batch with respect to every kernel at the
   * current weights, computed in the trainer's memory by its own SIMD products and threads (a
   * forward and backward pass without any update): nothing changes, `steps` included. The batch
   * is given as to {@link step}. Costs about one step.
   */
  kernelGradients(x: tf.Tensor, y: tf.Tensor): Float32Array[];
  /**
   * Installs new masks between steps, per layer (`undefined` or `null`: unchanged): the mask
   * buffer is overwritten, kernel entries whose new mask is 0 are zeroed with their Adam moments
   * (which could only decay into slow subnormals), and each `grown` entry (ascending flat indices
   * of entries going from mask 0 to 1) is zeroed with its Adam first and second moments. Steps and running powers are unchanged. Only layers created with a mask take
   * one. With threads, the workers are idle between steps and see the new values at the next one.
   *
   * @param names - how error messages name the layers (default `layers[l]`).
   * @throws SparseError `E_ARGUMENT` (core's `checkMaskReplacement`) before anything changes.
   */
  replaceMasks(masks: readonly (Float32Array | null | undefined)[], grown: readonly (Uint32Array | null | undefined)[], names?: readonly string[]): void;
  /** Stops the worker threads and frees the trainer's tensors. Idempotent. */
  dispose(): Promise<void>;
}

function argumentError(field: string, received: unknown, allowed: string, message: string): SparseError {
  return new SparseError('E_ARGUMENT', `${message} (got ${String(received)}; allowed: ${allowed}).`, { field, received, allowed });
}

/** Checks that a state to continue from fits the network of `sizes`. */
function checkAdamState(state: DenseTrainerAdamState, sizes: readonly number[]): void {
  if (!(Number.isInteger(state.steps) && state.steps >= 0)) throw argumentError('adam.steps', state.steps, 'an integer ≥ 0', 'adam.steps must count the steps taken');
  for (const field of ['accBeta1', 'accBeta2'] as const) {
    const value = state[field];
    if (!(typeof value === 'number' && value > 0 && value < 1)) throw argumentError(`adam.${field}`, value, 'a number in (0, 1)', `adam.${field} must be a running power of β`);
  }
  if (!Array.isArray(state.layers) || state.layers.length !== sizes.length - 1) {
    throw argumentError('adam.layers', Array.isArray(state.layers) ? `${state.layers.length} layers` : state.layers, `${sizes.length - 1} layers`, 'adam.layers must have one entry per layer');
  }
  state.layers.forEach((layer, l) => {
    const kernel = (sizes[l] as number) * (sizes[l + 1] as number);
    const bias = sizes[l + 1] as number;
    for (const [field, length] of [['kernelM', kernel], ['kernelV', kernel], ['biasM', bias], ['biasV', bias]] as const) {
      const values = layer?.[field];
      if (!(values instanceof Float32Array) || values.length !== length) {
        throw argumentError(`adam.layers[${l}].${field}`, values instanceof Float32Array ? `${values.length} values` : values, `a Float32Array of ${length} values`, `layer ${l}'s ${field} does not fit the layer`);
      }
    }
  });
}

/** Checks the layers' activations (ReLU, GELU or SiLU after the hidden ones, the last linear) and the loss. */
function checkActivations(options: DenseTrainerOptions): { activations: TrainerActivation[]; loss: TrainerLoss } {
  const last = options.layers.length - 1;
  const activations = options.layers.slice(0, last).map((layer, l): TrainerActivation => {
    const activation = (layer as DenseTrainerLayer).activation ?? 'relu';
    if (!(TRAINER_ACTIVATIONS as readonly unknown[]).includes(activation)) {
      throw argumentError(`layers[${l}].activation`, activation, TRAINER_ACTIVATIONS.join(', '), `hidden layer ${l}'s activation is not one the dense trainer computes`);
    }
    return activation as TrainerActivation;
  });
  const lastActivation = (options.layers[last] as DenseTrainerLayer).activation;
  if (lastActivation !== undefined && lastActivation !== 'linear') {
    throw argumentError(`layers[${last}].activation`, lastActivation, "'linear' or none", `the last layer (${last}) is linear, its outputs those of the loss`);
  }
  const loss = options.loss ?? 'softmax-cross-entropy';
  if (!(TRAINER_LOSSES as readonly unknown[]).includes(loss)) throw argumentError('loss', loss, TRAINER_LOSSES.join(', '), 'loss is not one the dense trainer computes');
  return { activations, loss };
}

/** Checks the options and returns the network's widths and memory layout, before any thread or tensor is made. */
function checkOptions(options: DenseTrainerOptions): { sizes: number[]; threads: number; layout: TrainerLayout } {
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
  if (options.adam !== undefined) checkAdamState(options.adam, sizes);
  const threads = options.threads ?? 1;
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= (sizes[1] as number))) {
    throw argumentError('threads', threads, `an integer from 1 to ${sizes[1]} (the first layer's width)`, 'threads must be a positive integer');
  }
  const { activations, loss } = checkActivations(options);
  const layout = trainerLayout(sizes, options.batchSize, threads, layers.map((_, l) => masks[l] !== undefined && masks[l] !== null), activations, loss);
  // Every buffer lives in one 32-bit WebAssembly memory.
  if (layout.bytes > MAX_MEMORY_BYTES) {
    throw argumentError('layers', `${(layout.bytes / 2 ** 30).toFixed(1)} GiB of weights, moments, masks and activations`, 'at most 4 GiB (a WebAssembly memory)', 'the network and batch are too large for the dense trainer');
  }
  return { sizes, threads, layout };
}

/**
 * Trains a dense network (ReLU, GELU or SiLU hidden layers, softmax cross-entropy or mean squared
 * error) with masks and Adam in its own WebAssembly memory with the SIMD
 * kernels of `@sparse/core` (`simdKernelsFor`), optionally sharing each step between
 * several threads (Node worker threads, or Web Workers in a cross-origin isolated browser worker).
 *
 * The trainer copies the weights into one WebAssembly memory, padded to the products' 8-column
 * blocks, and runs a whole step there: each ReLU layer's `relu(h·W + b)` as one SIMD product with bias
 * and ReLU fused (a GELU or SiLU layer: the product with bias into its kept pre-activations, then a
 * pass of the activation), the loss's gradient, each layer's `∇W = hᵀ·δ` (a transposed
 * operand costs nothing) followed at once by Adam on the rows just computed, and
 * `δ = (δ·Wᵀ) ⊙ [h > 0]` fused in one product (GELU, SiLU: the product, then a pass multiplying by
 * the activation's derivative at the pre-activations). The GELU and SiLU passes run in JavaScript in float64,
 * rounded to float32 once per value. Nothing is allocated per step; the batch is copied
 * in (`x.dataSync()`), which is all it needs from tfjs, so it runs under any tfjs backend.
 *
 * Threads (`threads > 1`): the memory is shared, every thread runs its share of each product
 * (columns forward, rows of each kernel gradient and its Adam update backward) and the threads
 * meet between layers (`2·layers` times per step).
 *
 * The result is the same Adam (β1 0.9, β2 0.999, ε 1e-7, bias corrections in float32 as tfjs) on
 * the same loss as `withMasks(fusedAdam(lr))` on the network, to float32 rounding (products sum in
 * another order). Masked entries stay exactly zero. The layers' variables are read at creation and
 * written by `syncWeights()`.
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
 * @throws SparseError `E_ARGUMENT` naming the option that is wrong; `E_BACKEND_UNAVAILABLE`
 * without WebAssembly SIMD, or for `threads > 1` without worker threads or shared memory (a
 * browser page that is not cross-origin isolated, or a page's main thread); all before any thread
 * starts.
 */
export async function createDenseTrainer(options: DenseTrainerOptions): Promise<DenseTrainer> {
  const { sizes, threads, layout } = checkOptions(options);
  // Where and how threads start, checked before anything is allocated.
  const launch = threads > 1 ? trainerThreadLauncher() : undefined;
  const masks = options.layers.map((_, l) => {
    const mask = options.masks?.[l];
    return mask === undefined || mask === null ? null : (mask.dataSync() as Float32Array);
  });
  const memory = trainerMemory(layout.bytes, threads > 1);
  writeInitialValues(memory, layout, options.layers, masks);
  // The masks in force, unpadded, kept on the host too: reads and checks need no pass over the memory.
  const hostMasks = masks.map((mask) => (mask === null ? null : Float32Array.from(mask)));
  // replaceMasks' list of the padded positions of the new masks' ones, all masked layers end to end, and
  // the values it keeps (one layer's ones and padding at a time, kernel and both moments).
  const onesScratch = new Uint32Array(hostMasks.reduce((total, mask) => total + (mask?.length ?? 0), 0));
  const savedScratch = new Int32Array(3 * layout.layers.reduce((most, _, l) => Math.max(most, (sizes[l] as number) * (layout.padded[l + 1] as number)), 0));
  writeAdamState(memory, layout, options.adam);
  // One thread needs no shared memory (browsers without cross-origin isolation have none).
  const control = new Int32Array(threads > 1 ? new SharedArrayBuffer(CONTROL.length * 4) : new ArrayBuffer(CONTROL.length * 4));
  const own = new TrainerParticipant(layout, 0, memory, control, options.learningRate);
  const workers: TrainerThread[] = [];
  const failures: unknown[] = [];
  try {
    for (let index = 1; index < threads && launch !== undefined; index++) {
      const data: TrainerWorkerData = { layout, index, learningRate: options.learningRate, memory, control: control.buffer as SharedArrayBuffer };
      workers.push(launch(data));
    }
    await Promise.all(
      workers.map((worker, i) =>
        worker.ready.catch((error: unknown) => {
          throw new SparseError('E_BACKEND_UNAVAILABLE', `Worker thread ${i + 1} of the dense trainer did not start: ${error instanceof Error ? error.message : String(error)}`);
        }),
      ),
    );
    for (const worker of workers) {
      worker.onFailure((error) => {
        failures.push(error);
        markFailed(control);
      });
    }
  } catch (error) {
    markFailed(control);
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }
  const [inputs = 0] = sizes;
  const classes = sizes[sizes.length - 1] as number;
  const floats = new Float32Array(memory.buffer);
  const words = new Int32Array(memory.buffer);
  let steps = options.adam?.steps ?? 0;
  let disposed = false;
  const masked = layout.layers.map((buffers) => buffers.mask !== 0);
  /** Checks a batch and copies it into the trainer's memory. */
  const load = (x: tf.Tensor, y: tf.Tensor) => {
    const rows = x.shape[0] ?? 0;
    if (x.rank !== 2 || x.shape[1] !== inputs || !(rows >= 1 && rows <= options.batchSize) || x.dtype !== 'float32') {
      throw argumentError('x', `shape [${x.shape.join(', ')}] ${x.dtype}`, `float32 [rows, ${inputs}], 1 ≤ rows ≤ ${options.batchSize}`, 'the batch has the wrong shape');
    }
    if (y.shape.join() !== [rows, classes].join() || (y.dtype !== 'float32' && y.dtype !== 'int32')) {
      const what = layout.loss === 'mean-squared-error' ? 'targets' : 'one-hot';
      throw argumentError('y', `shape [${y.shape.join(', ')}] ${y.dtype}`, `float32 or int32 ${what} [${rows}, ${classes}]`, 'the targets have the wrong shape');
    }
    floats.set(x.dataSync() as Float32Array, layout.x / 4);
    floats.set(y.dataSync() as Float32Array, layout.y / 4);
    Atomics.store(control, CONTROL.rows, rows);
  };
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
      load(x, y);
      if (threads > 1) command(COMMAND.step);
      try {
        own.step();
      } catch (error) {
        markFailed(control);
        throw error;
      }
      steps += 1;
    },
    masked,
    readKernels() {
      usable();
      return layout.layers.map((buffers, l) => unpad(floats, buffers.kernel, sizes[l] as number, sizes[l + 1] as number, layout.padded[l + 1] as number));
    },
    readMasks() {
      usable();
      return hostMasks.map((mask) => (mask === null ? null : mask.slice()));
    },
    kernelGradients(x, y) {
      usable();
      load(x, y);
      if (threads > 1) command(COMMAND.gradients);
      try {
        own.gradients();
      } catch (error) {
        markFailed(control);
        throw error;
      }
      return layout.layers.map((buffers, l) => unpad(floats, buffers.kernelGradient, sizes[l] as number, sizes[l + 1] as number, layout.padded[l + 1] as number));
    },
    replaceMasks(newMasks, grown, names) {
      usable();
      checkLists(hostMasks, newMasks, grown);
      // One pass over each new mask, before anything changes: whether it holds only 0 and 1, and where
      // (padded) its ones are, so that the writes below need no second pass.
      let offset = 0;
      let valid = true;
      const ones = layout.layers.map((_, l) => {
        const mask = newMasks[l];
        const size = (sizes[l] as number) * (sizes[l + 1] as number);
        if (!(mask instanceof Float32Array) || hostMasks[l] === null || mask.length !== size) return { from: offset, to: offset };
        const from = offset;
        const found = paddedOnes(mask, sizes[l + 1] as number, layout.padded[l + 1] as number, onesScratch, from);
        if (found < 0) valid = false;
        else offset = from + found;
        return { from, to: offset };
      });
      checkReplacement(hostMasks, newMasks, grown, names, valid);
      layout.layers.forEach((buffers, l) => {
        const mask = newMasks[l];
        if (mask === undefined || mask === null) return;
        const [rows, columns, stride] = [sizes[l] as number, sizes[l + 1] as number, layout.padded[l + 1] as number];
        const [maskAt, kernelAt, mAt, vAt] = [buffers.mask / 4, buffers.kernel / 4, buffers.kernelM / 4, buffers.kernelV / 4];
        for (let i = 0; i < rows; i++) floats.set(mask.subarray(i * columns, (i + 1) * columns), maskAt + i * stride);
        // Entries whose new mask is 0 (±0): weight and moments set to +0. Each buffer is zeroed whole,
        // then the values of the entries whose new mask is 1 and of the rows' padding (untouched
        // before) are put back, bit for bit (an Int32Array view of the memory).
        const { from, to } = ones[l] as { from: number; to: number };
        zeroExcept(words, [kernelAt, mAt, vAt], rows, columns, stride, onesScratch, from, to, savedScratch);
        for (const index of grown[l] ?? []) {
          const at = Math.floor(index / columns) * stride + (index % columns);
          floats[kernelAt + at] = 0;
          floats[mAt + at] = 0;
          floats[vAt + at] = 0;
        }
        (hostMasks[l] as Float32Array).set(mask);
      });
    },
    loadWeights() {
      usable();
      options.layers.forEach((layer, l) => writeLayer(floats, layout, l, layer, hostMasks[l] ?? null));
    },
    syncWeights() {
      usable();
      tf.tidy(() => {
        options.layers.forEach((layer, l) => {
          const buffers = layout.layers[l] as TrainerLayout['layers'][number];
          layer.kernel.assign(tf.tensor2d(unpad(floats, buffers.kernel, sizes[l] as number, sizes[l + 1] as number, layout.padded[l + 1] as number), [sizes[l] as number, sizes[l + 1] as number]));
          layer.bias.assign(tf.tensor1d(floats.slice(buffers.bias / 4, buffers.bias / 4 + (sizes[l + 1] as number))));
        });
      });
    },
    adamState() {
      usable();
      const powers = layout.powers / 4;
      return {
        steps,
        accBeta1: floats[powers] as number,
        accBeta2: floats[powers + 1] as number,
        layers: layout.layers.map((buffers, l) => {
          const [rows, columns, stride] = [sizes[l] as number, sizes[l + 1] as number, layout.padded[l + 1] as number];
          return {
            kernelM: unpad(floats, buffers.kernelM, rows, columns, stride),
            kernelV: unpad(floats, buffers.kernelV, rows, columns, stride),
            biasM: floats.slice(buffers.biasM / 4, buffers.biasM / 4 + columns),
            biasV: floats.slice(buffers.biasV / 4, buffers.biasV / 4 + columns),
          };
        }),
      };
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      command(COMMAND.exit);
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/** Checks that {@link DenseTrainer.replaceMasks}' lists have at most one entry per layer. */
function checkLists(current: readonly (Float32Array | null)[], masks: readonly (Float32Array | null | undefined)[], grown: readonly (Uint32Array | null | undefined)[]): void {
  const count = current.length;
  for (const [field, list] of [['masks', masks], ['grown', grown]] as const) {
    if (!Array.isArray(list) || list.length > count) {
      throw argumentError(field, Array.isArray(list) ? `${list.length} entries` : list, `an array of at most ${count} entries, one per layer`, `${field} must have one entry per layer`);
    }
  }
}

/**
 * Checks {@link DenseTrainer.replaceMasks}' arguments (layers named `names[l]`, default `layers[l]`) with core's
 * `checkMaskReplacement`, before anything changes. `valuesChecked`: every new mask of a masked layer with the
 * right length was found to hold only 0 and 1 (by {@link paddedOnes}), so core need not scan them again.
 */
function checkReplacement(
  current: readonly (Float32Array | null)[],
  masks: readonly (Float32Array | null | undefined)[],
  grown: readonly (Uint32Array | null | undefined)[],
  names: readonly string[] | undefined,
  valuesChecked: boolean,
): void {
  const label = (l: number) => names?.[l] ?? `layers[${l}]`;
  const targets = new Map<string, MaskReplacementTarget>();
  current.forEach((mask, l) => {
    if (mask !== null) targets.set(label(l), { size: mask.length, mask });
  });
  const byName = <T>(list: readonly (T | null | undefined)[]) => new Map(list.flatMap((value, l) => (value === undefined || value === null ? [] : [[label(l), value] as const])));
  checkMaskReplacement(targets, byName(masks), byName(grown), 'replaceMasks', { valuesChecked });
  if (!valuesChecked) throw new Error('replaceMasks: a new mask holds a value other than 0 and 1, yet checkMaskReplacement accepted it');
}

/**
 * Writes to `out` from `at` the padded positions (`row · stride + column`) of `mask`'s ones, a
 * `rows × columns` row-major mask; returns how many, or −1 when the mask holds anything but 0 and 1
 * (±0 are 0). One pass over the float32 bits with no branch on the scattered ones: with
 * `t = (b >>> 29) & 1` (1 for 1.0 = 0x3f800000, 0 for ±0), the value is valid exactly when `b` is
 * 0x3f800000 (t = 1) or ±0 (t = 0).
 */
function paddedOnes(mask: Float32Array, columns: number, stride: number, out: Uint32Array, at: number): number {
  const bits = new Int32Array(mask.buffer, mask.byteOffset, mask.length);
  const rows = mask.length / columns;
  let bad = 0;
  let n = at;
  for (let i = 0; i < rows; i++) {
    const first = i * columns;
    const row = i * stride;
    for (let j = 0; j < columns; j++) {
      const b = bits[first + j] as number;
      const t = (b >>> 29) & 1;
      bad |= (b ^ (-t & 0x3f800000)) & (0x7fffffff | (t << 31));
      out[n] = row + j;
      n += t;
    }
  }
  return bad === 0 ? n - at : -1;
}

/**
 * Sets to +0 every entry of the three padded `rows × columns` buffers at floats `at` (`stride` floats
 * per row; a kernel and its two moments) except those at the positions `keep[from..to)` and the rows'
 * padding, whose bits are kept: a copy of those, one `fill` per buffer, and the copy put back (far
 * fewer writes than the zeros when few entries are kept).
 */
function zeroExcept(words: Int32Array, at: readonly [number, number, number], rows: number, columns: number, stride: number, keep: Uint32Array, from: number, to: number, saved: Int32Array): void {
  const [a, b, c] = at;
  let n = 0;
  for (let k = from; k < to; k++) {
    const p = keep[k] as number;
    saved[n] = words[a + p] as number;
    saved[n + 1] = words[b + p] as number;
    saved[n + 2] = words[c + p] as number;
    n += 3;
  }
  for (let i = 0; i < rows; i++) {
    for (let p = i * stride + columns; p < (i + 1) * stride; p++) {
      saved[n] = words[a + p] as number;
      saved[n + 1] = words[b + p] as number;
      saved[n + 2] = words[c + p] as number;
      n += 3;
    }
  }
  const end = rows * stride;
  words.fill(0, a, a + end);
  words.fill(0, b, b + end);
  words.fill(0, c, c + end);
  n = 0;
  for (let k = from; k < to; k++) {
    const p = keep[k] as number;
    words[a + p] = saved[n] as number;
    words[b + p] = saved[n + 1] as number;
    words[c + p] = saved[n + 2] as number;
    n += 3;
  }
  for (let i = 0; i < rows; i++) {
    for (let p = i * stride + columns; p < (i + 1) * stride; p++) {
      words[a + p] = saved[n] as number;
      words[b + p] = saved[n + 1] as number;
      words[c + p] = saved[n + 2] as number;
      n += 3;
    }
  }
}

/** The largest WebAssembly (32-bit) memory: 65,536 pages of 64 KiB. */
const MAX_MEMORY_BYTES = 2 ** 32;

/** A memory of at least `bytes` (whole pages, fixed size); shared for several threads. */
function trainerMemory(bytes: number, shared: boolean): WebAssembly.Memory {
  const pages = Math.ceil(bytes / 65536);
  if (shared && typeof SharedArrayBuffer === 'undefined') {
    throw new SparseError('E_BACKEND_UNAVAILABLE', 'threads > 1 needs shared memory (SharedArrayBuffer), which this environment does not provide; use threads: 1.');
  }
  try {
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
  } catch (error) {
    throw new SparseError('E_BACKEND_UNAVAILABLE', `The dense trainer could not allocate its ${(bytes / 2 ** 20).toFixed(0)} MiB of WebAssembly memory (${error instanceof Error ? error.message : String(error)}).`);
  }
}

/** `rows × columns` floats stored with `stride` floats per row at byte `at`, without the padding. */
function unpad(floats: Float32Array, at: number, rows: number, columns: number, stride: number): Float32Array {
  const out = new Float32Array(rows * columns);
  for (let i = 0; i < rows; i++) out.set(floats.subarray(at / 4 + i * stride, at / 4 + i * stride + columns), i * columns);
  return out;
}

/** Writes `values` (`rows × columns`, row-major) at byte `at` with `stride` floats per row: the inverse of {@link unpad}. */
function pad(floats: Float32Array, values: Float32Array, at: number, rows: number, columns: number, stride: number): void {
  for (let i = 0; i < rows; i++) floats.set(values.subarray(i * columns, (i + 1) * columns), at / 4 + i * stride);
}

/** Writes layer `l`'s kernel (times `mask`, as MaskedOptimizer's `w ← m ⊙ w`) and bias from its variables into the padded layout. */
function writeLayer(floats: Float32Array, layout: TrainerLayout, l: number, layer: DenseTrainerLayer, mask: Float32Array | null): void {
  const buffers = layout.layers[l] as TrainerLayout['layers'][number];
  const [rows = 0, columns = 0] = layer.kernel.shape;
  const stride = layout.padded[l + 1] as number;
  const kernel = layer.kernel.dataSync() as Float32Array;
  pad(floats, mask === null ? kernel : kernel.map((w, i) => w * (mask[i] as number)), buffers.kernel, rows, columns, stride);
  floats.set(layer.bias.dataSync() as Float32Array, buffers.bias / 4);
}

/** Writes the layers' kernels (masked), biases and masks into the padded layout (the memory starts zeroed) and the constant one. */
function writeInitialValues(memory: WebAssembly.Memory, layout: TrainerLayout, layers: readonly DenseTrainerLayer[], masks: readonly (Float32Array | null)[]): void {
  const floats = new Float32Array(memory.buffer);
  floats[layout.one / 4] = 1;
  layers.forEach((layer, l) => {
    const mask = masks[l] ?? null;
    // As MaskedOptimizer: masked weights are zeroed from the start.
    writeLayer(floats, layout, l, layer, mask);
    if (mask !== null) pad(floats, mask, (layout.layers[l] as TrainerLayout['layers'][number]).mask, layer.kernel.shape[0] ?? 0, layer.kernel.shape[1] ?? 0, layout.padded[l + 1] as number);
  });
}

/** Writes Adam's running powers (fresh: `β1`, `β2`) and, when continuing, the moments into the padded layout. */
function writeAdamState(memory: WebAssembly.Memory, layout: TrainerLayout, state: DenseTrainerAdamState | undefined): void {
  const floats = new Float32Array(memory.buffer);
  floats[layout.powers / 4] = state?.accBeta1 ?? BETA1;
  floats[layout.powers / 4 + 1] = state?.accBeta2 ?? BETA2;
  state?.layers.forEach((moments, l) => {
    const buffers = layout.layers[l] as TrainerLayout['layers'][number];
    const [rows, columns, stride] = [layout.sizes[l] as number, layout.sizes[l + 1] as number, layout.padded[l + 1] as number];
    pad(floats, moments.kernelM, buffers.kernelM, rows, columns, stride);
    pad(floats, moments.kernelV, buffers.kernelV, rows, columns, stride);
    floats.set(moments.biasM, buffers.biasM / 4);
    floats.set(moments.biasV, buffers.biasV / 4);
  });
}
