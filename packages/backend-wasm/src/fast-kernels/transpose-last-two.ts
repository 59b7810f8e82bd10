import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { SparseError } from '@sparse/core';

/**
 * Runs the stock `Transpose` kernel to swap the last two axes of `x`. The result is a new
 * backend buffer the caller owns: free it with `backend.disposeData(result.dataId)`.
 */
export function transposeLastTwo(x: TensorInfo, backend: object, transpose: KernelConfig): TensorInfo {
  const rank = x.shape.length;
  const perm = x.shape.map((_, axis) => axis);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  const out = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } });
  if (Array.isArray(out)) {
    throw new SparseError('E_INTERNAL', `The '${transpose.backendName}' Transpose kernel returned ${out.length} tensors; expected one.`);
  }
  return out;
}
