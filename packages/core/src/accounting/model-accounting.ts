import { accountTensor, type TensorAccounting, type TensorAccountingInput, type TensorBytes, type TensorFlops } from './tensor-accounting.js';

/**
 * Sums over all accounted tensors: every ratio is recomputed from the summed counts (a weighted
 * mean by element count, never a mean of ratios).
 *
 * @example
 * ```ts
 * import type { AccountingTotals } from '@sparse/core';
 *
 * const total: AccountingTotals = {
 *   elements: 100, kept: 10, sparsity: 0.9, removableElements: 20, removableFraction: 0.2,
 *   bytes: { dense: 400, csr: 100, bitmap: 53, compacted: 320 }, flops: { dense: 200, sparse: 20 },
 * };
 * ```
 */
export interface AccountingTotals {
  readonly elements: number;
  readonly kept: number;
  readonly sparsity: number;
  readonly removableElements: number;
  readonly removableFraction: number;
  readonly bytes: TensorBytes;
  readonly flops: TensorFlops;
}

/**
 * Per-tensor accounting and its totals.
 *
 * @example
 * ```ts
 * import { accountTensors, type AccountingReport } from '@sparse/core';
 *
 * const report: AccountingReport = accountTensors([{ name: 'w', shape: [2, 2], kept: [1, 1, 0, 0], layout: 'torch' }]);
 * console.log(report.total.sparsity); // 0.5
 * ```
 */
export interface AccountingReport {
  readonly tensors: readonly TensorAccounting[];
  readonly total: AccountingTotals;
}

/**
 * Accounts for several tensors (see {@link accountTensor}) and totals them. Masked sparsity,
 * structurally removable fraction, storage and FLOPs are separate numbers: a 90%-sparse model is
 * not 10× smaller or faster unless its encoding and kernels make it so — measure latency with
 * `measureLatency`.
 *
 * @param inputs - the tensors, e.g. every pruned kernel with its mask as `kept`.
 * @param batchSize - examples per forward pass, for FLOPs (default 1).
 *
 * @example
 * ```ts
 * import { accountTensors } from '@sparse/core';
 *
 * const { tensors, total } = accountTensors([
 *   { name: 'fc1.weight', shape: [2, 2], kept: [1, 0, 0, 0], layout: 'torch' },
 *   { name: 'fc2.weight', shape: [1, 2], kept: [1, 1], layout: 'torch' },
 * ]);
 * console.log(tensors.map((t) => t.sparsity), total.sparsity); // [0.75, 0] 0.5
 * ```
 */
export function accountTensors(inputs: readonly TensorAccountingInput[], batchSize = 1): AccountingReport {
  const tensors = inputs.map((input) => accountTensor(input, batchSize));
  const sum = (pick: (t: TensorAccounting) => number) => tensors.reduce((total, tensor) => total + pick(tensor), 0);
  const elements = sum((t) => t.elements);
  const kept = sum((t) => t.kept);
  const removableElements = sum((t) => t.removableElements);
  return {
    tensors,
    total: {
      elements,
      kept,
      sparsity: elements === 0 ? 0 : (elements - kept) / elements,
      removableElements,
      removableFraction: elements === 0 ? 0 : removableElements / elements,
      bytes: {
        dense: sum((t) => t.bytes.dense),
        csr: sum((t) => t.bytes.csr),
        bitmap: sum((t) => t.bytes.bitmap),
        compacted: sum((t) => t.bytes.compacted),
      },
      flops: { dense: sum((t) => t.flops.dense), sparse: sum((t) => t.flops.sparse) },
    },
  };
}
