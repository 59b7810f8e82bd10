/**
 * @sparse/core's SIMD matrix product (packages/core/src/wasm/gemm-simd.ts, `gemm`: 4 × 8 tiles,
 * eight f32x4 accumulators) twice in one bench-only module: as shipped (`f32x4.mul` then
 * `f32x4.add` per accumulator and step) and with each such pair replaced by one
 * `f32x4.relaxed_madd` (fused on CPUs with FMA). Nothing else differs: the relaxed body is the
 * shipped body's bytes with the multiply-add pattern rewritten, and the rewrite checks that it
 * found exactly as many patterns as the kernel has accumulator updates (4 × 2 in the main tile,
 * 1 × 2 in the one-row tile), so a change in gemm-simd.ts fails here rather than measuring
 * something else. Relaxed SIMD must be enabled before {@link gemmPair} (Node 20:
 * `v8.setFlagsFromString('--experimental-wasm-relaxed-simd')`).
 */
import { GEMM_PARAMS, GEMM_VARIANTS, gemmFunctionBody } from '../../packages/core/src/wasm/gemm-simd.js';
import { I32, MODULE_HEADER, name, section, uleb, vector } from '../../packages/core/src/wasm/encoding.js';

/** `gemm(c, a, b, m, n, k, asi, asp, ldb, ldc, unused)` as in @sparse/core's SimdKernels. */
export type GemmFunction = (c: number, a: number, b: number, m: number, n: number, k: number, asi: number, asp: number, ldb: number, ldc: number, unused: number) => void;

/** Accumulator updates in the shipped `gemm` body: 4 rows × 2 vectors, plus 1 row × 2. */
export const MADD_SITES = 10;

const F32X4_MUL = [0xfd, ...uleb(0xe6)];
const F32X4_ADD = [0xfd, ...uleb(0xe4)];
const F32X4_RELAXED_MADD = [0xfd, ...uleb(0x105)];

/** Reads an unsigned LEB128 at `at`: its value and byte length. */
function readUleb(bytes: readonly number[], at: number): { value: number; length: number } {
  let value = 0;
  let shift = 0;
  let length = 0;
  for (;;) {
    const byte = bytes[at + length] as number;
    value += (byte & 0x7f) * 2 ** shift;
    length++;
    shift += 7;
    if ((byte & 0x80) === 0) return { value, length };
  }
}

/**
 * Rewrites `local.get t, local.get x, local.get y, f32x4.mul, f32x4.add, local.set t` (t += x·y)
 * into `local.get x, local.get y, local.get t, f32x4.relaxed_madd, local.set t` in a function
 * body (size-prefixed, as gemmFunctionBody returns it). Locals must have one-byte indices.
 * Returns the new body and how many sites it rewrote.
 *
 * @example
 * ```ts
 * const { body, sites } = relaxedMaddBody(gemmFunctionBody(GEMM_VARIANTS[0]!));
 * ```
 */
export function relaxedMaddBody(sized: readonly number[]): { body: number[]; sites: number } {
  const size = readUleb(sized, 0);
  const code = sized.slice(size.length);
  if (code.length !== size.value) throw new Error(`function body: size ${size.value}, but ${code.length} bytes follow`);
  const pattern = (at: number): boolean => {
    const get = (i: number): boolean => code[at + 2 * i] === 0x20 && (code[at + 2 * i + 1] as number) < 0x80;
    if (!(get(0) && get(1) && get(2))) return false;
    const tail = [...F32X4_MUL, ...F32X4_ADD, 0x21, code[at + 1] as number];
    return tail.every((byte, i) => code[at + 6 + i] === byte);
  };
  const out: number[] = [];
  let sites = 0;
  for (let at = 0; at < code.length; ) {
    if (pattern(at)) {
      const [t, x, y] = [code[at + 1], code[at + 3], code[at + 5]] as [number, number, number];
      out.push(0x20, x, 0x20, y, 0x20, t, ...F32X4_RELAXED_MADD, 0x21, t);
      at += 6 + F32X4_MUL.length + F32X4_ADD.length + 2;
      sites++;
    } else {
      out.push(code[at] as number);
      at++;
    }
  }
  return { body: [...uleb(out.length), ...out], sites };
}

/**
 * Both products bound to `memory`: `mulAdd` (the shipped kernel) and `relaxedMadd`.
 *
 * @example
 * ```ts
 * const memory = new WebAssembly.Memory({ initial: 1 });
 * const { mulAdd, relaxedMadd } = gemmPair(memory);
 * ```
 */
export function gemmPair(memory: WebAssembly.Memory): { mulAdd: GemmFunction; relaxedMadd: GemmFunction } {
  const plain = GEMM_VARIANTS.find((v) => v.name === 'gemm');
  if (plain === undefined) throw new Error('gemm-simd.ts has no plain gemm variant');
  const shipped = gemmFunctionBody(plain);
  const relaxed = relaxedMaddBody(shipped);
  if (relaxed.sites !== MADD_SITES) throw new Error(`gemm body: rewrote ${relaxed.sites} multiply-add sites, expected ${MADD_SITES} (gemm-simd.ts changed?)`);
  const type = [0x60, ...vector(Array.from({ length: GEMM_PARAMS }, () => [I32])), 0];
  const bytes = new Uint8Array([
    ...MODULE_HEADER,
    ...section(1, vector([type])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(0)]])),
    ...section(3, vector([[0], [0]])),
    ...section(7, vector([[...name('mul_add'), 0x00, 0], [...name('relaxed_madd'), 0x00, 1]])),
    ...section(10, vector([shipped, relaxed.body])),
  ]);
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as Record<'mul_add' | 'relaxed_madd', GemmFunction>;
  return { mulAdd: exports.mul_add, relaxedMadd: exports.relaxed_madd };
}
