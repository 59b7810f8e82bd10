import * as tf from '@tensorflow/tfjs-core';
import { SparseError } from '@sparse/core';
import { prefersExplicitTranspose, type ExplicitTransposePolicy } from './explicit-transpose-policy.js';
import { fastBatchMatMulConfig } from './fast-batch-mat-mul.js';
import { fastFusedMatMulConfig } from './fast-fused-mat-mul.js';

const BACKEND = 'wasm';

/** Marks our kernel configs and remembers the stock config each one replaced. */
const STOCK_CONFIG: unique symbol = Symbol.for('@sparse/backend-wasm/stock-kernel-config');
/** The decision rule a fast config was made with. */
const POLICY: unique symbol = Symbol.for('@sparse/backend-wasm/explicit-transpose-policy');

type FastKernelConfig = tf.KernelConfig & {
  readonly [STOCK_CONFIG]: tf.KernelConfig;
  readonly [POLICY]: ExplicitTransposePolicy;
};

const REPLACEMENTS = [
  { kernelName: tf.BatchMatMul, make: fastBatchMatMulConfig },
  { kernelName: tf._FusedMatMul, make: fastFusedMatMulConfig },
] as const;

/**
 * Replaces the `wasm` backend's `BatchMatMul` and `_FusedMatMul` kernels with versions that
 * compute `matMul(a, b, true, false)`, `matMul(a, b, false, true)` and their fused forms as an
 * explicit `Transpose` followed by the stock untransposed kernel, which runs on XNNPACK instead
 * of the stock kernel's scalar loop (about 10x faster for dense-layer gradients). Only float32
 * products with batch 1 and sizes where this measured faster take the new route; the rest run
 * the stock kernels unchanged. Results equal the stock kernels' within float32 rounding, except
 * where the stock fused loop is wrong (a transposed product with a bias or a relu/relu6
 * activation), which comes out right. Idempotent; undo with {@link uninstallFastKernels}.
 *
 * The kernels must be registered first: activate the wasm backend (or import
 * `@tensorflow/tfjs-backend-wasm`) before calling this.
 *
 * @returns `true` if the kernels were installed by this call, `false` if they already were.
 * @throws SparseError `E_BACKEND_UNAVAILABLE` when the wasm kernels are not registered.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { installFastKernels, wasmBackendProvider } from '@sparse/backend-wasm';
 *
 * await wasmBackendProvider.activate(); // installs them already, unless fastKernels is false
 * installFastKernels(); // false: nothing to do
 * const dW = tf.matMul(tf.ones([60, 784]), tf.ones([60, 300]), true, false); // fast path
 * ```
 */
export function installFastKernels(): boolean {
  return installFastKernelsWith(prefersExplicitTranspose);
}

/**
 * {@link installFastKernels} with another decision rule (not exported from the package: for
 * tests and calibration). Replaces fast kernels made with a different rule.
 */
export function installFastKernelsWith(policy: ExplicitTransposePolicy): boolean {
  const transpose = registered(tf.Transpose);
  let changed = false;
  for (const { kernelName, make } of REPLACEMENTS) {
    const current = registered(kernelName);
    if (isFast(current) && current[POLICY] === policy) continue;
    const stock = isFast(current) ? current[STOCK_CONFIG] : current;
    const fast: FastKernelConfig = { ...make(stock, transpose, policy), [STOCK_CONFIG]: stock, [POLICY]: policy };
    tf.unregisterKernel(kernelName, BACKEND);
    tf.registerKernel(fast);
    changed = true;
  }
  return changed;
}

/**
 * Puts the stock `BatchMatMul` and `_FusedMatMul` kernels of the `wasm` backend back, undoing
 * {@link installFastKernels}. Idempotent; does nothing when the wasm kernels are not registered.
 *
 * @returns `true` if kernels were restored by this call.
 *
 * @example
 * ```ts
 * import { installFastKernels, uninstallFastKernels } from '@sparse/backend-wasm';
 *
 * uninstallFastKernels(); // stock kernels, e.g. to compare timings
 * installFastKernels();
 * ```
 */
export function uninstallFastKernels(): boolean {
  let changed = false;
  for (const { kernelName } of REPLACEMENTS) {
    const current = tf.getKernel(kernelName, BACKEND) as tf.KernelConfig | undefined;
    if (current === undefined || !isFast(current)) continue;
    tf.unregisterKernel(kernelName, BACKEND);
    tf.registerKernel(current[STOCK_CONFIG]);
    changed = true;
  }
  return changed;
}

/**
 * Tells whether the fast `BatchMatMul` and `_FusedMatMul` kernels are the registered ones.
 *
 * @example
 * ```ts
 * import { fastKernelsInstalled } from '@sparse/backend-wasm';
 *
 * console.log(fastKernelsInstalled() ? 'fast kernels' : 'stock kernels');
 * ```
 */
export function fastKernelsInstalled(): boolean {
  return REPLACEMENTS.every(({ kernelName }) => {
    const current = tf.getKernel(kernelName, BACKEND) as tf.KernelConfig | undefined;
    return current !== undefined && isFast(current);
  });
}

function registered(kernelName: string): tf.KernelConfig {
  const config = tf.getKernel(kernelName, BACKEND) as tf.KernelConfig | undefined;
  if (config === undefined) {
    throw new SparseError(
      'E_BACKEND_UNAVAILABLE',
      `The '${BACKEND}' kernel '${kernelName}' is not registered, so the fast kernels cannot be installed; activate the wasm backend first (wasmBackendProvider.activate() or createRuntime({ plugins: [wasmBackend()] })).`,
      { field: 'kernel', received: kernelName },
    );
  }
  return config;
}

function isFast(config: tf.KernelConfig): config is FastKernelConfig {
  return STOCK_CONFIG in config;
}
