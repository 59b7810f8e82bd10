/**
 * The fused Adam update as WebAssembly SIMD functions (internal module of `wasm/`; the optimizer
 * that calls them is `training/fused-adam.ts`): four float32 lanes per instruction, in place, over
 * `w, g, m, v` (and a mask). Their bodies go into the module of `simd-kernels.ts`, which imports
 * the memory they run on (the `wasm` backend's own, so tensors are neither copied nor allocated).
 *
 * Each function processes the first `n` elements, `n` a multiple of 4; the caller does the rest.
 *
 *   adam(w, g, m, v, n, β1, 1−β1, β2, 1−β2, a, s, ε)
 *   adam_masked(w, g, m, v, mask, n, β1, 1−β1, β2, 1−β2, a, s, ε)
 *
 * with `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`, `w ← w − a·m / (s·√v + ε)` where
 * `a = lr / (1 − β1^t)` and `s = 1 / √(1 − β2^t)`; the masked variant multiplies `g` by the mask
 * first and the new `w` by it last.
 */

import { F32, I32, I32_ADD, I32_GE_U, I32_SHL, i32Const, localGet as get, localSet as set, simdOp as simd, uleb, V128, vector } from './encoding.js';

/** The two exported functions. */
export interface AdamSimd {
  adam(w: number, g: number, m: number, v: number, n: number, b1: number, ob1: number, b2: number, ob2: number, a: number, s: number, eps: number): void;
  adam_masked(
    w: number,
    g: number,
    m: number,
    v: number,
    mask: number,
    n: number,
    b1: number,
    ob1: number,
    b2: number,
    ob2: number,
    a: number,
    s: number,
    eps: number,
  ): void;
}

// Instructions.
const load = (): number[] => [...simd(0x00), 4, 0]; // v128.load align=16 offset=0
const store = (): number[] => [...simd(0x0b), 4, 0];
const splat = simd(0x13);
const fsqrt = simd(0xe3);
const fadd = simd(0xe4);
const fsub = simd(0xe5);
const fmul = simd(0xe6);
const fdiv = simd(0xe7);
const address = (pointer: number, offset: number): number[] => [...get(pointer), ...get(offset), I32_ADD];

/**
 * The body of one function. Parameters: pointers (w, g, m, v[, mask]), n, then seven f32 scalars.
 * Locals after the parameters: off, end (i32), then B1, OB1, B2, OB2, A, S, EPS, G, M, V, K (v128).
 */
export function adamFunctionBody(masked: boolean): number[] {
  const [W, Gp, Mp, Vp] = [0, 1, 2, 3];
  const MASK = 4;
  const N = masked ? 5 : 4;
  const scalar0 = N + 1; // b1, ob1, b2, ob2, a, s, eps
  const OFF = scalar0 + 7;
  const END = OFF + 1;
  const vec = END + 1;
  const [B1, OB1, B2, OB2, A, S, EPS, G, M, V, K] = Array.from({ length: 11 }, (_, i) => vec + i) as [
    number, number, number, number, number, number, number, number, number, number, number,
  ];
  const code: number[] = [];
  // end = n << 2; off = 0 (locals start at zero); splat the scalars.
  code.push(...get(N), ...i32Const(2), I32_SHL, ...set(END));
  [B1, OB1, B2, OB2, A, S, EPS].forEach((local, i) => code.push(...get(scalar0 + i), ...splat, ...set(local)));
  code.push(0x02, 0x40, 0x03, 0x40); // block, loop
  code.push(...get(OFF), ...get(END), I32_GE_U, 0x0d, 1); // br_if 1 when off >= end
  // G = g[off] (· K)
  if (masked) {
    code.push(...address(MASK, OFF), ...load(), ...set(K));
    code.push(...address(Gp, OFF), ...load(), ...get(K), ...fmul, ...set(G));
  } else {
    code.push(...address(Gp, OFF), ...load(), ...set(G));
  }
  // M = B1·m + OB1·G; m[off] = M
  code.push(...get(B1), ...address(Mp, OFF), ...load(), ...fmul, ...get(OB1), ...get(G), ...fmul, ...fadd, ...set(M));
  code.push(...address(Mp, OFF), ...get(M), ...store());
  // V = B2·v + OB2·G·G; v[off] = V
  code.push(...get(B2), ...address(Vp, OFF), ...load(), ...fmul, ...get(OB2), ...get(G), ...fmul, ...get(G), ...fmul, ...fadd, ...set(V));
  code.push(...address(Vp, OFF), ...get(V), ...store());
  // w[off] = (w − A·M / (S·√V + EPS)) (· K)
  code.push(...address(W, OFF));
  code.push(...address(W, OFF), ...load(), ...get(A), ...get(M), ...fmul, ...get(S), ...get(V), ...fsqrt, ...fmul, ...get(EPS), ...fadd, ...fdiv, ...fsub);
  if (masked) code.push(...get(K), ...fmul);
  code.push(...store());
  // off += 16; continue
  code.push(...get(OFF), ...i32Const(16), I32_ADD, ...set(OFF), 0x0c, 0);
  code.push(0x0b, 0x0b, 0x0b); // end loop, end block, end function
  const locals = vector([
    [...uleb(2), I32],
    [...uleb(11), V128],
  ]);
  const full = [...locals, ...code];
  return [...uleb(full.length), ...full];
}

/** The function type of `adam` (4 pointers) or `adam_masked` (5): pointers, n, then seven f32 scalars. */
export function adamFunctionType(masked: boolean): number[] {
  const params = [...Array<number>(masked ? 6 : 5).fill(I32), ...Array<number>(7).fill(F32)];
  return [0x60, ...vector(params.map((t) => [t])), 0];
}
