import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { runWithExplicitTranspose } from './explicit-transpose.js';
import { prefersExplicitTranspose, type ExplicitTransposePolicy } from './explicit-transpose-policy.js';
import { matMulGeometry } from './mat-mul-geometry.js';

/**
 * A `BatchMatMul` kernel config that keeps the stock one's setup and falls back to it, but
 * computes transposed float32 products as an explicit transpose plus a plain product when
 * `policy` says so.
 */
export function fastBatchMatMulConfig(
  stock: KernelConfig,
  transpose: KernelConfig,
  policy: ExplicitTransposePolicy = prefersExplicitTranspose,
): KernelConfig {
  const kernelFunc: KernelFunc = (params) => {
    const { a, b } = params.inputs;
    const transposeA = params.attrs?.['transposeA'] === true;
    const transposeB = params.attrs?.['transposeB'] === true;
    if (a === undefined || b === undefined || a.dtype !== 'float32' || b.dtype !== 'float32') return stock.kernelFunc(params);
    const geometry = matMulGeometry(a, b, transposeA, transposeB);
    // Shapes that do not fit go to the stock kernel, whose error names the caller's flags.
    if (geometry.k !== geometry.kB || !policy(geometry)) return stock.kernelFunc(params);
    return runWithExplicitTranspose(stock, transpose, params, a, b, geometry);
  };
  return { ...stock, kernelFunc };
}
