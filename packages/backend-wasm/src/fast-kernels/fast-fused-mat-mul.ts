import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { runWithExplicitTranspose } from './explicit-transpose.js';
import { prefersExplicitTranspose, type ExplicitTransposePolicy } from './explicit-transpose-policy.js';
import { matMulGeometry, type MatMulGeometry } from './mat-mul-geometry.js';

/** Activations the stock loop applies as a clamp after every block of 48 terms of the sum. */
const CLAMPING_ACTIVATIONS: ReadonlySet<unknown> = new Set(['relu', 'relu6']);

/**
 * A `_FusedMatMul` kernel config that keeps the stock one's setup and falls back to it, but
 * computes transposed float32 products as an explicit transpose plus a plain product (bias and
 * activation still fused, on XNNPACK).
 *
 * Besides speed, this route fixes results. The stock 4.22 loop, taken for any transposed or
 * batched product, adds the bias once per block of 48 terms and adds `bias[n - 1]` to every row
 * after the first, and clamps `relu`/`relu6` partial sums block by block. So a transposed
 * product with batch 1 and a bias or such an activation always takes the explicit route; other
 * transposed products follow `policy`. Batched products stay with the stock kernel.
 */
export function fastFusedMatMulConfig(
  stock: KernelConfig,
  transpose: KernelConfig,
  policy: ExplicitTransposePolicy = prefersExplicitTranspose,
): KernelConfig {
  const kernelFunc: KernelFunc = (params) => {
    const { a, b, bias } = params.inputs;
    const transposeA = params.attrs?.['transposeA'] === true;
    const transposeB = params.attrs?.['transposeB'] === true;
    if (a === undefined || b === undefined || a.dtype !== 'float32' || b.dtype !== 'float32') return stock.kernelFunc(params);
    const geometry = matMulGeometry(a, b, transposeA, transposeB);
    // Shapes that do not fit go to the stock kernel, whose error names the caller's flags.
    if (geometry.k !== geometry.kB || !explicitRoute(geometry, bias, params.attrs?.['activation'], policy)) return stock.kernelFunc(params);
    return runWithExplicitTranspose(stock, transpose, params, a, b, geometry);
  };
  return { ...stock, kernelFunc };
}

function explicitRoute(geometry: MatMulGeometry, bias: TensorInfo | undefined, activation: unknown, policy: ExplicitTransposePolicy): boolean {
  // XNNPACK reads exactly n bias values: any other bias stays with the stock kernel.
  if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== geometry.n)) return false;
  const transposed = geometry.transposeA || geometry.transposeB;
  const singleBatch = geometry.batchA === 1 && geometry.batchB === 1;
  const nonEmpty = geometry.m > 0 && geometry.k > 0 && geometry.n > 0;
  const stockLoopWrong = bias !== undefined || CLAMPING_ACTIVATIONS.has(activation);
  if (transposed && singleBatch && nonEmpty && stockLoopWrong) return true;
  return policy(geometry);
}
