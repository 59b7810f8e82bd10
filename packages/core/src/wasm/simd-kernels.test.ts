import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simdKernelsFor, type SimdKernels } from './simd-kernels.js';

/** One product's operands in a fresh memory, at 64-byte aligned offsets. */
interface Case {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** How A is stored: row-major (asp = 1), transposed (asi = 1) or with both strides > 1. */
  readonly layout: 'rows' | 'transposed' | 'strided';
  readonly ldcPad: number;
  readonly values: readonly number[];
}

const kernelNames = ['gemm', 'gemm_bias', 'gemm_bias_relu', 'gemm_relu_grad'] as const;

/** The scalar definition of every variant, in float64 (then compared within float32 rounding). */
function reference(kernel: (typeof kernelNames)[number], A: (i: number, p: number) => number, Bm: Float32Array, bias: Float32Array, H: Float32Array, m: number, n: number, k: number, ldc: number): Float64Array {
  const out = new Float64Array(m * ldc);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += A(i, p) * (Bm[p * n + j] as number);
      if (kernel === 'gemm_bias' || kernel === 'gemm_bias_relu') sum += bias[j] as number;
      if (kernel === 'gemm_bias_relu') sum = Math.max(sum, 0);
      if (kernel === 'gemm_relu_grad') sum = (H[i * ldc + j] as number) > 0 ? sum : 0;
      out[i * ldc + j] = sum;
    }
  }
  return out;
}

function run(kernels: SimdKernels, memory: WebAssembly.Memory, kernel: (typeof kernelNames)[number], c: Case) {
  const { m, n, k, layout, ldcPad } = c;
  const [asi, asp] = layout === 'transposed' ? [1, m] : layout === 'rows' ? [k, 1] : [2 * k + 3, 2];
  const ldc = n + ldcPad;
  let top = 64;
  const allocate = (floats: number) => {
    const at = top;
    top += Math.ceil((floats * 4) / 64) * 64 + 64;
    return at;
  };
  const a = allocate(m * asi + k * asp + 1);
  const b = allocate(k * n);
  const bias = allocate(n);
  const h = allocate(m * ldc);
  const out = allocate(m * ldc);
  const f = new Float32Array(memory.buffer);
  let next = 0;
  const value = () => c.values[next++ % c.values.length] as number;
  const fill = (at: number, floats: number) => {
    for (let i = 0; i < floats; i++) f[at / 4 + i] = value();
  };
  fill(a, m * asi + k * asp + 1);
  fill(b, k * n);
  fill(bias, n);
  fill(h, m * ldc);
  f.fill(Number.NaN, out / 4, out / 4 + m * ldc);
  kernels[kernel](out, a, b, m, n, k, asi, asp, n, ldc, kernel === 'gemm_relu_grad' ? h : bias);
  const expected = reference(
    kernel,
    (i, p) => f[a / 4 + i * asi + p * asp] as number,
    f.slice(b / 4, b / 4 + k * n),
    f.slice(bias / 4, bias / 4 + n),
    f.slice(h / 4, h / 4 + m * ldc),
    m,
    n,
    k,
    ldc,
  );
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < ldc; j++) {
      const got = f[out / 4 + i * ldc + j] as number;
      if (j >= n) {
        expect(got, `column ${j} ≥ n must not be written`).toBeNaN();
        continue;
      }
      let scale = 1;
      for (let p = 0; p < k; p++) scale += Math.abs((f[a / 4 + i * asi + p * asp] as number) * (f[b / 4 + p * n + j] as number));
      expect(Math.abs(got - (expected[i * ldc + j] as number)), `C[${i}, ${j}] of ${kernel} ${JSON.stringify({ m, n, k, layout })}`).toBeLessThanOrEqual(4e-7 * scale * (k + 1));
    }
  }
}

const cases = fc.record({
  m: fc.integer({ min: 0, max: 13 }),
  n: fc.integer({ min: 0, max: 4 }).map((blocks) => 8 * blocks),
  k: fc.integer({ min: 0, max: 19 }),
  layout: fc.constantFrom('rows' as const, 'transposed' as const, 'strided' as const),
  ldcPad: fc.constantFrom(0, 8),
  values: fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: 1, maxLength: 64 }),
});

describe('simdKernelsFor: matrix products', () => {
  const memory = new WebAssembly.Memory({ initial: 4 });
  const kernels = simdKernelsFor(memory);

  it('is available in Node (WebAssembly SIMD) and cached per memory', () => {
    expect(kernels).toBeDefined();
    expect(simdKernelsFor(memory)).toBe(kernels);
  });

  for (const kernel of kernelNames) {
    it(`${kernel} equals its scalar definition on any shape, stride and values (columns past n untouched)`, () => {
      fc.assert(fc.property(cases, (c) => run(kernels as SimdKernels, memory, kernel, c)), { numRuns: 150 });
    });
  }

  it('reads a repeated A (asp = 0): a column sum as a 1-row product', () => {
    const f = new Float32Array(memory.buffer);
    f[0] = 1;
    const rows = 5;
    for (let p = 0; p < rows; p++) for (let j = 0; j < 8; j++) f[16 + p * 8 + j] = p * 10 + j;
    (kernels as SimdKernels).gemm(512, 0, 64, 1, 8, rows, 0, 0, 8, 8, 0);
    expect([...f.subarray(128, 136)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((j) => 100 + 5 * j));
  });

  it('runs on a shared memory (the module imports it as shared)', () => {
    const shared = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    const onShared = simdKernelsFor(shared);
    expect(onShared).toBeDefined();
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    run(onShared as SimdKernels, shared, 'gemm_bias_relu', { m: 6, n: 16, k: 7, layout: 'transposed', ldcPad: 8, values: [0.5, -1.25, 2, 3.5, -0.75] });
  });
});
