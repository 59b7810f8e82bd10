import { SparseError } from '../errors.js';
import { echoValue } from '../runtime/options-issues.js';
import { simdKernelsFor, type SimdKernels } from './simd-kernels.js';

/**
 * One layer of a {@link createDensePredictor} network: `y = x·kernel + bias`, the kernel
 * row-major `[inputs, outputs]` (tfjs-layers' `Dense` layout).
 *
 * @example
 * ```ts
 * import type { DensePredictorLayer } from '@sparse/core';
 *
 * const layer: DensePredictorLayer = { name: 'fc1', inputs: 2, outputs: 1, kernel: new Float32Array([0.5, -1]), bias: new Float32Array([0.1]) };
 * ```
 */
export interface DensePredictorLayer {
  /** Named in errors. Default `layer <index>`. */
  readonly name?: string;
  readonly inputs: number;
  readonly outputs: number;
  /** `inputs × outputs` values, row-major (the weight from input `p` to output `j` at `p·outputs + j`). */
  readonly kernel: Float32Array;
  /** `outputs` values; none = zero bias. */
  readonly bias?: Float32Array;
}

/**
 * Options of {@link createDensePredictor}.
 *
 * @example
 * ```ts
 * import type { DensePredictorOptions } from '@sparse/core';
 *
 * const options: DensePredictorOptions = { output: 'softmax' };
 * ```
 */
export interface DensePredictorOptions {
  /** What the last layer applies: `linear` (logits; default) or `softmax` (over each row). */
  readonly output?: 'linear' | 'softmax';
  /**
   * Rows computed at once (the batch is cut into chunks of this many rows, so the memory does
   * not depend on the batch size). Default 64.
   */
  readonly chunkRows?: number;
}

/**
 * A dense ReLU MLP's forward pass in WebAssembly SIMD (see {@link createDensePredictor}).
 *
 * @example
 * ```ts
 * import { createDensePredictor } from '@sparse/core';
 *
 * const predictor = createDensePredictor([{ inputs: 2, outputs: 1, kernel: new Float32Array([1, 2]) }]);
 * console.log(predictor.predict(new Float32Array([3, 4]))); // Float32Array [11]
 * predictor.dispose();
 * ```
 */
export interface DensePredictor {
  /** Features per example. */
  readonly inputs: number;
  /** Outputs per example. */
  readonly outputs: number;
  /** `[inputs, widths of every layer …]`. */
  readonly layerSizes: readonly number[];
  /**
   * The outputs of `x.length / inputs` examples (row-major `[batch, inputs]` in, `[batch, outputs]`
   * out), written to `into` when given (it must hold `batch × outputs` floats).
   *
   * @throws SparseError `E_ARGUMENT` when `x.length` is not a positive multiple of `inputs`, or
   * `into` is too small; `E_FROZEN` after {@link DensePredictor.dispose}.
   */
  predict(x: Float32Array, into?: Float32Array): Float32Array;
  /** Drops the WebAssembly memory; `predict` then throws. */
  dispose(): void;
}

const FLOAT = 4;
/** Offsets are kept 64-byte aligned (a cache line). */
const ALIGN = 64;
const PAGE = 65536;

/**
 * Kernel columns stored together: each layer's kernel is kept as blocks of 16 columns, each block
 * row-major `[inputs, 16]`, so a row of a block is one 64-byte cache line and a product streams
 * its block from memory in order (a batch of 1 reads every weight once).
 */
const BLOCK_COLUMNS = 16;

/** Where one block of a layer's kernel is. */
interface KernelBlock {
  readonly column: number;
  readonly columns: number;
  readonly at: number;
}

/** A layer in the predictor's memory. */
interface PlacedLayer {
  readonly inputs: number;
  /** Outputs padded to a multiple of 8. */
  readonly width: number;
  readonly blocks: readonly KernelBlock[];
  readonly bias: number;
}

const roundUp = (value: number, multiple: number): number => Math.ceil(value / multiple) * multiple;

function argumentError(message: string, field: string, received: unknown, allowed?: string): SparseError {
  return new SparseError('E_ARGUMENT', `createDensePredictor: ${message}`, { field, received: echoValue(received), ...(allowed === undefined ? {} : { allowed }) });
}

const isSize = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1;

/** Checks the layers before any memory is made. */
function checkLayers(layers: readonly DensePredictorLayer[]): void {
  if (!Array.isArray(layers) || layers.length === 0) {
    throw argumentError('needs at least one layer.', 'layers', Array.isArray(layers) ? '[]' : layers, 'a non-empty array of { inputs, outputs, kernel, bias? }');
  }
  layers.forEach((layer, index) => {
    const label = `layer '${layer.name ?? `layer ${index}`}'`;
    const field = `layers[${index}]`;
    if (!isSize(layer.inputs) || !isSize(layer.outputs)) {
      throw argumentError(`${label} has inputs ${echoValue(layer.inputs)} and outputs ${echoValue(layer.outputs)}; both must be positive integers.`, field, { inputs: layer.inputs, outputs: layer.outputs }, 'positive integers');
    }
    if (!(layer.kernel instanceof Float32Array) || layer.kernel.length !== layer.inputs * layer.outputs) {
      const got = layer.kernel instanceof Float32Array ? `${layer.kernel.length} values` : 'no Float32Array';
      throw argumentError(`${label}'s kernel has ${got}; it needs ${layer.inputs} × ${layer.outputs} = ${layer.inputs * layer.outputs} float32 values.`, `${field}.kernel`, got, `${layer.inputs * layer.outputs} float32 values`);
    }
    if (layer.bias !== undefined && (!(layer.bias instanceof Float32Array) || layer.bias.length !== layer.outputs)) {
      const got = layer.bias instanceof Float32Array ? `${layer.bias.length} values` : 'no Float32Array';
      throw argumentError(`${label}'s bias has ${got}; it needs ${layer.outputs} float32 values.`, `${field}.bias`, got, `${layer.outputs} float32 values`);
    }
    const previous = layers[index - 1];
    if (previous !== undefined && previous.outputs !== layer.inputs) {
      throw argumentError(`${label} takes ${layer.inputs} inputs but the layer before it gives ${previous.outputs}.`, `${field}.inputs`, layer.inputs, `${previous.outputs}`);
    }
  });
}

/** Softmax over each row of `values` (`width` per row), in place, as tfjs computes it (max subtracted). */
function softmaxRows(values: Float32Array, width: number, rows: number): void {
  for (let r = 0; r < rows; r++) {
    const start = r * width;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < width; j++) max = Math.max(max, values[start + j] as number);
    let sum = 0;
    for (let j = 0; j < width; j++) {
      const e = Math.fround(Math.exp((values[start + j] as number) - max));
      values[start + j] = e;
      sum += e;
    }
    for (let j = 0; j < width; j++) values[start + j] = (values[start + j] as number) / sum;
  }
}

/**
 * The forward pass of a dense MLP — `relu(x·W₁ + b₁)`, …, then `x·W_L + b_L` (optionally
 * softmax) — on the WebAssembly SIMD matrix products of {@link simdKernelsFor}, outside tfjs:
 * the weights are laid out once in one `WebAssembly.Memory` the predictor owns (each layer's
 * width padded to a multiple of 8 with zero columns, its kernel kept in blocks of 16 columns so
 * that a batch of 1 streams every weight once, in order), and each call copies the examples in, runs
 * `gemm_bias_relu` per hidden layer and `gemm_bias` for the last, chunk by chunk
 * ({@link DensePredictorOptions.chunkRows} rows at a time), and copies the outputs out. The
 * results equal tfjs' `Dense` layers to float32 rounding. The weights are copied: later changes
 * to the arrays given do not reach the predictor.
 *
 * `@sparse/layers`' `fastPredict` builds one from a tfjs-layers model (ADR 0016).
 *
 * @throws SparseError `E_ARGUMENT` naming the layer whose sizes, kernel or bias do not fit, or a
 * bad option; `E_BACKEND_UNAVAILABLE` where the engine has no WebAssembly SIMD.
 *
 * @example
 * ```ts
 * import { createDensePredictor } from '@sparse/core';
 *
 * // 2 → 3 (ReLU) → 2, softmax head
 * const predictor = createDensePredictor(
 *   [
 *     { name: 'fc1', inputs: 2, outputs: 3, kernel: new Float32Array([1, -1, 0.5, 2, 1, -0.5]), bias: new Float32Array([0, 0.1, 0]) },
 *     { name: 'fc2', inputs: 3, outputs: 2, kernel: new Float32Array([1, 0, 0, 1, 1, 1]) },
 *   ],
 *   { output: 'softmax' },
 * );
 * const probabilities = predictor.predict(new Float32Array([1, 2, -1, 0])); // 2 examples
 * console.log(probabilities.length); // 4: two rows of 2, each summing to 1
 * predictor.dispose();
 * ```
 */
export function createDensePredictor(layers: readonly DensePredictorLayer[], options: DensePredictorOptions = {}): DensePredictor {
  checkLayers(layers);
  const output = options.output ?? 'linear';
  if (output !== 'linear' && output !== 'softmax') {
    throw argumentError(`output must be 'linear' or 'softmax', got ${echoValue(output)}.`, 'output', output, "'linear' | 'softmax'");
  }
  const chunkRows = options.chunkRows ?? 64;
  if (!isSize(chunkRows) || chunkRows > 4096) {
    throw argumentError(`chunkRows must be an integer from 1 to 4096, got ${echoValue(chunkRows)}.`, 'chunkRows', chunkRows, 'an integer from 1 to 4096');
  }
  const inputs = (layers[0] as DensePredictorLayer).inputs;
  const widths = layers.map((l) => l.outputs);
  const padded = widths.map((w) => roundUp(w, 8));
  const outputs = widths[widths.length - 1] as number;

  // Layout: every layer's kernel blocks and padded bias, then the input chunk, then each layer's output chunk.
  let top = 0;
  const take = (floats: number): number => {
    const at = top;
    top = roundUp(top + floats * FLOAT, ALIGN);
    return at;
  };
  const placed: PlacedLayer[] = layers.map((layer, l) => {
    const width = padded[l] as number;
    const blocks: KernelBlock[] = [];
    for (let column = 0; column < width; column += BLOCK_COLUMNS) {
      const columns = Math.min(BLOCK_COLUMNS, width - column);
      blocks.push({ column, columns, at: take(layer.inputs * columns) });
    }
    return { inputs: layer.inputs, width, blocks, bias: take(width) };
  });
  const inputAt = take(chunkRows * inputs);
  const outputAt = padded.map((width) => take(chunkRows * width));

  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(top / PAGE)) });
  const maybeKernels = simdKernelsFor(memory);
  if (maybeKernels === undefined) {
    throw new SparseError('E_BACKEND_UNAVAILABLE', 'createDensePredictor: this JavaScript engine has no WebAssembly SIMD.', { received: 'no WebAssembly SIMD' });
  }
  const heap = new Float32Array(memory.buffer);
  /** The memory's view and its kernels, dropped by dispose(). */
  let live: { readonly heap: Float32Array; readonly kernels: SimdKernels } | undefined = { heap, kernels: maybeKernels };
  layers.forEach((layer, l) => {
    const { blocks, bias } = placed[l] as PlacedLayer;
    for (const { column, columns, at } of blocks) {
      const end = Math.min(column + columns, layer.outputs);
      for (let p = 0; p < layer.inputs; p++) heap.set(layer.kernel.subarray(p * layer.outputs + column, p * layer.outputs + end), at / FLOAT + p * columns);
    }
    if (layer.bias !== undefined) heap.set(layer.bias, bias / FLOAT);
  });
  const last = layers.length - 1;
  const lastWidth = padded[last] as number;
  const lastOut = (outputAt[last] as number) / FLOAT;

  return {
    inputs,
    outputs,
    layerSizes: [inputs, ...widths],
    predict(x: Float32Array, into?: Float32Array): Float32Array {
      if (live === undefined) throw new SparseError('E_FROZEN', 'createDensePredictor: predict after dispose().', { received: 'disposed' });
      const { heap: view, kernels } = live;
      if (!(x instanceof Float32Array) || x.length === 0 || x.length % inputs !== 0) {
        const got = x instanceof Float32Array ? `${x.length} values` : 'no Float32Array';
        throw argumentError(`predict takes batch × ${inputs} float32 values (batch ≥ 1), got ${got}.`, 'x', got, `a positive multiple of ${inputs} float32 values`);
      }
      const batch = x.length / inputs;
      const result = into ?? new Float32Array(batch * outputs);
      if (!(result instanceof Float32Array) || result.length < batch * outputs) {
        throw argumentError(`into must hold ${batch} × ${outputs} float32 values, got ${result.length}.`, 'into', result.length, `at least ${batch * outputs}`);
      }
      for (let start = 0; start < batch; start += chunkRows) {
        const rows = Math.min(chunkRows, batch - start);
        view.set(x.subarray(start * inputs, (start + rows) * inputs), inputAt / FLOAT);
        let source = inputAt;
        let sourceStride = inputs;
        for (let l = 0; l <= last; l++) {
          const { inputs: depth, width, blocks, bias } = placed[l] as PlacedLayer;
          const target = outputAt[l] as number;
          const gemm = l < last ? kernels.gemm_bias_relu : kernels.gemm_bias;
          for (const { column, columns, at } of blocks) {
            gemm(target + FLOAT * column, source, at, rows, columns, depth, sourceStride, 1, columns, width, bias + FLOAT * column);
          }
          source = target;
          sourceStride = width;
        }
        if (lastWidth === outputs) {
          result.set(view.subarray(lastOut, lastOut + rows * outputs), start * outputs);
        } else {
          for (let r = 0; r < rows; r++) result.set(view.subarray(lastOut + r * lastWidth, lastOut + r * lastWidth + outputs), (start + r) * outputs);
        }
      }
      if (output === 'softmax') softmaxRows(result, outputs, batch);
      return result;
    },
    dispose(): void {
      live = undefined;
    },
  };
}
