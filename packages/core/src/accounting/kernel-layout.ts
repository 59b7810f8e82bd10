import { echoValue } from '../runtime/options-issues.js';
import { SparseError } from '../errors.js';

/**
 * Where a kernel keeps its output and input axes.
 *
 * - `tf`: TensorFlow, output axis last, input axis second to last: Dense `[in, out]`, Conv2D
 *   `[kh, kw, cin, cout]`.
 * - `torch`: PyTorch, output axis first, input axis second: Linear `[out, in]`, Conv2d
 *   `[out, in, kh, kw]`.
 *
 * @example
 * ```ts
 * import type { KernelLayout } from '@sparse/core';
 *
 * const layout: KernelLayout = 'torch';
 * ```
 */
export type KernelLayout = 'tf' | 'torch';

/**
 * A kernel's shape seen as output units × input channels × spatial positions (the product of the
 * remaining axes), and how a flat row-major index maps onto them.
 *
 * @example
 * ```ts
 * import { kernelGeometry } from '@sparse/core';
 *
 * const g = kernelGeometry([3, 3, 16, 32], 'tf');
 * console.log(g.outputs, g.inputs, g.spatial); // 32 16 9
 * ```
 */
export interface KernelGeometry {
  /** Output units (neurons, filters). */
  readonly outputs: number;
  /** Input channels (features). */
  readonly inputs: number;
  /** Elements per (output, input) pair: `kh·kw` for a 2-D convolution, 1 for a dense kernel. */
  readonly spatial: number;
  /** The output unit of a flat row-major index. */
  outputOf(index: number): number;
  /** The input channel of a flat row-major index. */
  inputOf(index: number): number;
}

/**
 * Describes a kernel of rank ≥ 2 in a {@link KernelLayout}; `E_ARGUMENT` for lower ranks.
 *
 * @example
 * ```ts
 * import { kernelGeometry } from '@sparse/core';
 *
 * const g = kernelGeometry([4, 3], 'torch'); // Linear(3, 4)
 * console.log(g.outputOf(5), g.inputOf(5)); // 1 2
 * ```
 */
export function kernelGeometry(shape: readonly number[], layout: KernelLayout): KernelGeometry {
  if (shape.length < 2) {
    throw new SparseError('E_ARGUMENT', `A kernel has at least 2 axes (outputs and inputs); got shape [${shape.join(', ')}].`, {
      field: 'shape',
      received: shape,
    });
  }
  if (layout !== 'tf' && layout !== 'torch') {
    throw new SparseError('E_ARGUMENT', `Unknown kernel layout ${echoValue(layout)}; allowed: tf, torch.`, {
      field: 'layout',
      received: layout,
      allowed: ['tf', 'torch'],
    });
  }
  const rank = shape.length;
  if (layout === 'torch') {
    const outputs = shape[0] ?? 1;
    const inputs = shape[1] ?? 1;
    const spatial = shape.slice(2).reduce((a, b) => a * b, 1);
    const perOutput = inputs * spatial;
    return {
      outputs,
      inputs,
      spatial,
      outputOf: (index) => Math.floor(index / perOutput),
      inputOf: (index) => Math.floor(index / spatial) % inputs,
    };
  }
  const outputs = shape[rank - 1] ?? 1;
  const inputs = shape[rank - 2] ?? 1;
  const spatial = shape.slice(0, rank - 2).reduce((a, b) => a * b, 1);
  return {
    outputs,
    inputs,
    spatial,
    outputOf: (index) => index % outputs,
    inputOf: (index) => Math.floor(index / outputs) % inputs,
  };
}
