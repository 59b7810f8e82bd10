import { SparseError } from '../errors.js';
import { kernelGeometry, type KernelLayout } from './kernel-layout.js';

/**
 * One tensor to account for: its shape, which elements are kept (non-zero after masking), and how
 * to read its axes.
 *
 * @example
 * ```ts
 * import type { TensorAccountingInput } from '@sparse/core';
 *
 * const input: TensorAccountingInput = {
 *   name: 'fc1.weight', shape: [2, 3], kept: [1, 0, 1, 0, 0, 0], layout: 'torch',
 * };
 * ```
 */
export interface TensorAccountingInput {
  /** Parameter name. */
  readonly name: string;
  /** Shape of the tensor. */
  readonly shape: readonly number[];
  /** One flag per element, row-major: 1 = kept (non-zero), 0 = pruned. Usually the mask. */
  readonly kept: ArrayLike<number>;
  /** Axis convention for structure (default `tf`). Ignored below rank 2. */
  readonly layout?: KernelLayout;
  /** Bytes per stored value (default 4, float32; 2 for F16/BF16). */
  readonly bytesPerElement?: number;
  /** Output positions per example for a convolution (`H_out·W_out`); default 1 (dense layers). */
  readonly outputPositions?: number;
}

/**
 * Storage of a tensor under each encoding, in bytes (`b` = bytes per value, `n` elements, `k` kept).
 *
 * - `dense`: `n·b`.
 * - `csr`: compressed sparse rows over the `[outputs, n / outputs]` matrix with int32 column
 *   indices and int32 row pointers: `k·b + 4·k + 4·(outputs + 1)`.
 * - `bitmap`: 1 bit per element plus the kept values: `ceil(n / 8) + k·b`.
 * - `compacted`: dense storage after removing the all-zero output units and input channels:
 *   `(outputs − zeroOutputs)·(inputs − zeroInputs)·spatial·b`.
 *
 * @example
 * ```ts
 * import type { TensorBytes } from '@sparse/core';
 *
 * const bytes: TensorBytes = { dense: 24, csr: 28, bitmap: 9, compacted: 16 };
 * ```
 */
export interface TensorBytes {
  readonly dense: number;
  readonly csr: number;
  readonly bitmap: number;
  readonly compacted: number;
}

/**
 * Floating-point operations of one forward pass over the batch through this kernel: one
 * multiply and one add per weight and output position, so `2·n·positions·batch` dense and
 * `2·k·positions·batch` counting only kept weights. Biases and activations are not counted;
 * 0 for tensors of rank below 2.
 *
 * @example
 * ```ts
 * import type { TensorFlops } from '@sparse/core';
 *
 * const flops: TensorFlops = { dense: 12, sparse: 4 };
 * ```
 */
export interface TensorFlops {
  readonly dense: number;
  readonly sparse: number;
}

/**
 * The accounting of one tensor: masked sparsity, structure, storage and FLOPs.
 *
 * @example
 * ```ts
 * import { accountTensor, type TensorAccounting } from '@sparse/core';
 *
 * const report: TensorAccounting = accountTensor({ name: 'w', shape: [2, 2], kept: [1, 0, 0, 0], layout: 'torch' });
 * console.log(report.sparsity, report.zeroOutputUnits); // 0.75 1
 * ```
 */
export interface TensorAccounting {
  readonly name: string;
  readonly shape: readonly number[];
  /** Number of elements `n`. */
  readonly elements: number;
  /** Kept (non-zero) elements `k`. */
  readonly kept: number;
  /** Masked sparsity `(n − k) / n` (0 for an empty tensor). */
  readonly sparsity: number;
  /** Output units (rows in the `torch` layout); 0 below rank 2. */
  readonly outputUnits: number;
  /** Input channels; 0 below rank 2. */
  readonly inputChannels: number;
  /** Output units (neurons, filters) whose weights are all pruned. */
  readonly zeroOutputUnits: number;
  /** Input channels whose weights are all pruned. */
  readonly zeroInputChannels: number;
  /** Elements in a zero output unit or a zero input channel: what structured removal deletes. */
  readonly removableElements: number;
  /** `removableElements / n`: the structurally removable fraction. */
  readonly removableFraction: number;
  readonly bytes: TensorBytes;
  readonly flops: TensorFlops;
}

/**
 * Accounts for one tensor (see {@link TensorAccounting}). Below rank 2 there is no output/input
 * structure: nothing is structurally removable and CSR has a single row.
 *
 * @param input - the tensor.
 * @param batchSize - examples per forward pass, for FLOPs (default 1).
 *
 * @example
 * ```ts
 * import { accountTensor } from '@sparse/core';
 *
 * // Linear(3, 2) in PyTorch layout; the second neuron is entirely pruned.
 * const report = accountTensor({ name: 'fc', shape: [2, 3], kept: [1, 0, 1, 0, 0, 0], layout: 'torch' });
 * console.log(report.removableFraction); // 0.666…: neuron 1 and input 1 can go
 * console.log(report.bytes); // { dense: 24, csr: 28, bitmap: 9, compacted: 8 }
 * console.log(report.flops); // { dense: 12, sparse: 4 }
 * ```
 */
export function accountTensor(input: TensorAccountingInput, batchSize = 1): TensorAccounting {
  const { name, shape } = input;
  const elements = shape.reduce((a, b) => a * b, 1);
  const b = input.bytesPerElement ?? 4;
  const positions = input.outputPositions ?? 1;
  for (const [field, value] of [['bytesPerElement', b], ['outputPositions', positions], ['batchSize', batchSize]] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw new SparseError('E_ARGUMENT', `${field} must be a non-negative number; got ${value}.`, { field, received: value });
    }
  }
  if (input.kept.length !== elements) {
    throw new SparseError('E_ARGUMENT', `'${name}' has shape [${shape.join(', ')}] (${elements} elements) but ${input.kept.length} kept flags.`, {
      field: `${name}.kept`,
      received: input.kept.length,
    });
  }
  let kept = 0;
  for (let i = 0; i < elements; i += 1) if (input.kept[i] !== 0) kept += 1;

  let outputUnits = 0;
  let inputChannels = 0;
  let zeroOutputUnits = 0;
  let zeroInputChannels = 0;
  let spatial = 1;
  if (shape.length >= 2) {
    const geometry = kernelGeometry(shape, input.layout ?? 'tf');
    ({ outputs: outputUnits, inputs: inputChannels, spatial } = geometry);
    const perOutput = new Uint32Array(outputUnits);
    const perInput = new Uint32Array(inputChannels);
    for (let i = 0; i < elements; i += 1) {
      if (input.kept[i] === 0) continue;
      const o = geometry.outputOf(i);
      const c = geometry.inputOf(i);
      perOutput[o] = (perOutput[o] ?? 0) + 1;
      perInput[c] = (perInput[c] ?? 0) + 1;
    }
    zeroOutputUnits = perOutput.filter((count) => count === 0).length;
    zeroInputChannels = perInput.filter((count) => count === 0).length;
  }
  const compactedElements = shape.length >= 2 ? (outputUnits - zeroOutputUnits) * (inputChannels - zeroInputChannels) * spatial : elements;
  const removableElements = elements - compactedElements;
  const rows = shape.length >= 2 ? outputUnits : 1;
  const flopsPerPass = shape.length >= 2 ? 2 * positions * batchSize : 0;
  return {
    name,
    shape: [...shape],
    elements,
    kept,
    sparsity: elements === 0 ? 0 : (elements - kept) / elements,
    outputUnits,
    inputChannels,
    zeroOutputUnits,
    zeroInputChannels,
    removableElements,
    removableFraction: elements === 0 ? 0 : removableElements / elements,
    bytes: {
      dense: elements * b,
      csr: kept * b + 4 * kept + 4 * (rows + 1),
      bitmap: Math.ceil(elements / 8) + kept * b,
      compacted: compactedElements * b,
    },
    flops: { dense: flopsPerPass * elements, sparse: flopsPerPass * kept },
  };
}
