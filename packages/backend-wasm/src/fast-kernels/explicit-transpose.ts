import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MatMulGeometry } from './mat-mul-geometry.js';
import { transposeLastTwo } from './transpose-last-two.js';

/** The argument tfjs passes to every kernel function. */
export type KernelParams = Parameters<KernelFunc>[0];

/**
 * Calls the `stock` matrix-product kernel with `transposeA` and `transposeB` set to `false`,
 * after materialising the transposed operands with the stock `Transpose` kernel. The
 * intermediate buffers are freed before returning, also when the stock kernel throws.
 */
export function runWithExplicitTranspose(
  stock: KernelConfig,
  transpose: KernelConfig,
  params: KernelParams,
  a: TensorInfo,
  b: TensorInfo,
  geometry: MatMulGeometry,
): TensorInfo | TensorInfo[] {
  const { inputs, backend, attrs } = params;
  const owned: TensorInfo[] = [];
  const materialise = (x: TensorInfo): TensorInfo => {
    const transposed = transposeLastTwo(x, backend, transpose);
    owned.push(transposed);
    return transposed;
  };
  try {
    const plainA = geometry.transposeA ? materialise(a) : a;
    const plainB = geometry.transposeB ? materialise(b) : b;
    return stock.kernelFunc({
      inputs: { ...inputs, a: plainA, b: plainB },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    });
  } finally {
    for (const info of owned) (backend as KernelBackend).disposeData(info.dataId);
  }
}
