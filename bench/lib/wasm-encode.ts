/**
 * A minimal WebAssembly binary encoder for hand-written benchmark modules (bench/simd-peak.ts),
 * in the style of packages/core/src/wasm/adam-simd.ts: modules are assembled from their
 * instruction bytes, no build step. Only what the benchmarks use: numeric types, locals,
 * block/loop/br_if, i32/f32 arithmetic and a few SIMD opcodes, exported functions, no memory.
 */

import { i32Const, localGet, localSet, localTee, name, section, simdOp, uleb, vector } from '../../packages/core/src/wasm/encoding.js';

/** The binary-format pieces come from @sparse/core's own assembler (packages/core/src/wasm/encoding.ts). */
export { F32, I32, name, section, sleb, uleb, V128, vector } from '../../packages/core/src/wasm/encoding.js';

/** Instructions (each returns its bytes). */
export const op = {
  localGet,
  localSet,
  localTee,
  i32Const,
  f32Const: (value: number): number[] => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return [0x43, ...bytes];
  },
  /** `loop` with no result: the body, then `end`. */
  loop: (body: readonly number[]): number[] => [0x03, 0x40, ...body, 0x0b],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  f32Add: [0x92],
  f32Mul: [0x94],
  simd: simdOp,
};

/** SIMD opcodes (after the 0xfd prefix). */
export const SIMD = {
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
  /** Relaxed SIMD: `f32x4.relaxed_madd(a, b, c) = a·b + c`, fused or not at the engine's choice. */
  f32x4RelaxedMadd: 0x105,
};

/** One exported function. */
export interface WasmFunction {
  readonly exportName: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  /** Local declarations after the parameters: [count, type]. */
  readonly locals: readonly (readonly [number, number])[];
  /** The instructions, without the final `end`. */
  readonly code: readonly number[];
}

/** A module of exported functions (one type per function, no imports, no memory). */
export function encodeModule(functions: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector(f.results.map((t) => [t]))]);
  const bodies = functions.map((f) => {
    const full = [...vector(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.code, 0x0b];
    return [...uleb(full.length), ...full];
  });
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.exportName), 0x00, ...uleb(i)]))),
    ...section(10, vector(bodies)),
  ];
  return new Uint8Array(bytes);
}
