import { adamFunctionBody, adamFunctionType, type AdamSimd } from './adam-simd.js';
import { I32, MODULE_HEADER, name, section, uleb, vector } from './encoding.js';
import { GEMM_PARAMS, GEMM_VARIANTS, gemmFunctionBody, type GemmSimd } from './gemm-simd.js';

/**
 * WebAssembly SIMD kernels bound to one `WebAssembly.Memory` (see {@link simdKernelsFor}).
 * Pointers are byte offsets into that memory, sizes and strides count float32 elements.
 *
 * - `adam(w, g, m, v, n, β1, 1−β1, β2, 1−β2, a, s, ε)` and `adam_masked(w, g, m, v, mask, n, …)`:
 *   one Adam update in place over the first `n` elements (`n` a multiple of 4):
 *   `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`, `w ← w − a·m / (s·√v + ε)` with
 *   `a = lr / (1 − β1^t)`, `s = 1 / √(1 − β2^t)`; the masked one multiplies `g` by the mask first
 *   and the new `w` by it last.
 * - `gemm`, `gemm_bias`, `gemm_bias_relu`, `gemm_relu_grad`
 *   `(c, a, b, m, n, k, asi, asp, ldb, ldc, extra)`: `C[i, j] = Σ_p A(i, p)·B[p, j]` for `i < m`,
 *   `j < n` (`n` a multiple of 8), `A(i, p)` at element `i·asi + p·asp` of `a` (so a transposed A
 *   is free), B row-major with `ldb` floats per row, C with `ldc`; then plus the bias row at
 *   `extra` (`_bias`), ReLU (`_relu`), or times `[H > 0]` for H at `extra` laid out as C
 *   (`gemm_relu_grad`). About 30 GFLOP/s on one core of a 2-core AMD EPYC (Zen 3) VM.
 *
 * @example
 * ```ts
 * import { simdKernelsFor } from '@sparse/core';
 *
 * const memory = new WebAssembly.Memory({ initial: 1 });
 * const kernels = simdKernelsFor(memory);
 * if (kernels !== undefined) {
 *   const f = new Float32Array(memory.buffer);
 *   f.set([1, 2], 0); // A: 1 × 2 at byte 0
 *   f.fill(1, 16, 32); // B: 2 × 8 ones at byte 64
 *   kernels.gemm(128, 0, 64, 1, 8, 2, 2, 1, 8, 8, 0); // C = A·B at byte 128
 *   console.log(f.subarray(32, 40)); // eight 3s
 * }
 * ```
 */
export interface SimdKernels extends AdamSimd, GemmSimd {}

/** Every export, in function-index order. */
const FUNCTIONS: readonly { readonly name: string; readonly type: number; readonly body: () => number[] }[] = [
  { name: 'adam', type: 0, body: () => adamFunctionBody(false) },
  { name: 'adam_masked', type: 1, body: () => adamFunctionBody(true) },
  ...GEMM_VARIANTS.map((variant) => ({ name: variant.name, type: 2, body: () => gemmFunctionBody(variant) })),
];

const MAX_PAGES = 65536;

function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const gemmType = [0x60, ...vector(Array.from({ length: GEMM_PARAMS }, () => [I32])), 0];
  // A shared memory is imported as shared, with a maximum (the format requires one).
  const limits = shared ? [0x03, ...uleb(0), ...uleb(MAX_PAGES)] : [0x00, ...uleb(0)];
  return new Uint8Array([
    ...MODULE_HEADER,
    ...section(1, vector([adamFunctionType(false), adamFunctionType(true), gemmType])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vector(FUNCTIONS.map((f) => [f.type]))),
    ...section(7, vector(FUNCTIONS.map((f, index) => [...name(f.name), 0x00, ...uleb(index)]))),
    ...section(10, vector(FUNCTIONS.map((f) => f.body()))),
  ]);
}

const compiled = new Map<boolean, WebAssembly.Module | null>();
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

function compiledModule(shared: boolean): WebAssembly.Module | null {
  let module = compiled.get(shared);
  if (module === undefined) {
    try {
      module = new WebAssembly.Module(moduleBytes(shared));
    } catch {
      module = null;
    }
    compiled.set(shared, module);
  }
  return module;
}

/**
 * The SIMD kernels (Adam, matrix products) bound to `memory`, or `undefined` where the engine has
 * no WebAssembly SIMD (or, for a shared memory, no WebAssembly threads). The module is assembled
 * from its instructions at first use (no file to ship) and instantiated once per memory. A shared
 * memory (`shared: true`) may be used by the same kernels on several threads at once.
 *
 * @example
 * ```ts
 * import { simdKernelsFor } from '@sparse/core';
 *
 * const memory = new WebAssembly.Memory({ initial: 16, maximum: 16, shared: true });
 * const kernels = simdKernelsFor(memory);
 * console.log(kernels === undefined ? 'no SIMD here' : 'SIMD kernels ready');
 * ```
 */
export function simdKernelsFor(memory: WebAssembly.Memory): SimdKernels | undefined {
  const known = instances.get(memory);
  if (known !== undefined) return known;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const module = compiledModule(shared);
  if (module === null) return undefined;
  const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdKernels;
  instances.set(memory, kernels);
  return kernels;
}
