/**
 * Whether the engine's `f32x4.relaxed_madd(a, b, c)` rounds once (fused: the CPU's FMA, e.g.
 * x86 vfmadd) or twice (`round(round(a·b) + c)`), found from inputs where the two differ: `c` is
 * minus the float32 rounding of `a·b`, so the fused result is the rounding error of the product
 * (non-zero, exact in float32) and the unfused one is 0. The caller must have enabled relaxed
 * SIMD (Node 20: `v8.setFlagsFromString('--experimental-wasm-relaxed-simd')`) before calling.
 */
import { encodeModule, F32, op, SIMD } from './wasm-encode.js';

/** One input and what each rounding gives. */
export interface RoundingCase {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly result: number;
  /** `a·b + c` rounded once to float32 (exact here: see the module comment). */
  readonly fused: number;
  /** `round(round(a·b) + c)` in float32. */
  readonly unfused: number;
}

/** The verdict over all cases, and the cases. */
export interface RoundingProbe {
  readonly rounding: 'fused' | 'unfused' | 'mixed';
  readonly cases: readonly RoundingCase[];
}

/**
 * Crafted pairs (a, b): two classic ones, `(1 + 2⁻¹²)²` (product rounds to a tie, to even) and
 * `(1 + 2⁻²³)·(1 − 2⁻²⁴)`, then `count` pseudo-random ones in [1, 2) (fixed seed).
 *
 * @example
 * ```ts
 * const pairs = roundingPairs(2); // 4 pairs
 * ```
 */
export function roundingPairs(count: number): [number, number][] {
  const pairs: [number, number][] = [
    [1 + 2 ** -12, 1 + 2 ** -12],
    [1 + 2 ** -23, 1 - 2 ** -24],
  ];
  let state = 0x2545f491;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.fround(1 + state / 2 ** 32);
  };
  for (let i = 0; i < count; i++) pairs.push([next(), next()]);
  return pairs;
}

/**
 * Runs `f32x4.relaxed_madd` (all four lanes alike, lane 0 read back) on every pair of
 * {@link roundingPairs}`(count)` with `c = −round(a·b)`. Pairs whose product is exact in float32
 * (fused = unfused) are left out. Throws if the engine rejects the opcode.
 *
 * @example
 * ```ts
 * import { setFlagsFromString } from 'node:v8';
 * setFlagsFromString('--experimental-wasm-relaxed-simd');
 * console.log(probeRelaxedMaddRounding(30).rounding); // 'fused' on an x86 CPU with FMA3
 * ```
 */
export function probeRelaxedMaddRounding(count: number): RoundingProbe {
  const splat = op.simd(SIMD.f32x4Splat);
  const code = [
    ...op.localGet(0), ...splat, ...op.localGet(1), ...splat, ...op.localGet(2), ...splat,
    ...op.simd(SIMD.f32x4RelaxedMadd), ...op.simd(SIMD.f32x4ExtractLane, 0),
  ];
  const module = new WebAssembly.Module(encodeModule([{ exportName: 'madd', params: [F32, F32, F32], results: [F32], locals: [], code }]));
  const madd = (new WebAssembly.Instance(module).exports as { madd: (a: number, b: number, c: number) => number }).madd;
  const cases: RoundingCase[] = [];
  for (const [a, b] of roundingPairs(count)) {
    // a·b is exact in float64 (24 + 24 bits); so is a·b − round32(a·b), and it fits float32.
    const product = a * b;
    const c = -Math.fround(product);
    const fused = Math.fround(product + c);
    const unfused = Math.fround(Math.fround(product) + c);
    if (fused === unfused) continue;
    cases.push({ a, b, c, result: madd(a, b, c), fused, unfused });
  }
  const fusedAll = cases.length > 0 && cases.every((k) => Object.is(k.result, k.fused));
  const unfusedAll = cases.length > 0 && cases.every((k) => Object.is(k.result, k.unfused));
  return { rounding: fusedAll ? 'fused' : unfusedAll ? 'unfused' : 'mixed', cases };
}
