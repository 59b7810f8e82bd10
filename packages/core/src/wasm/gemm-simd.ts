import {
  BLOCK,
  BR,
  BR_IF,
  END,
  I32,
  I32_ADD,
  I32_EQZ,
  I32_LT_U,
  I32_MUL,
  I32_NE,
  I32_REM_U,
  I32_SHL,
  I32_SUB,
  i32Const,
  IF,
  localGet as get,
  localSet as set,
  localTee as tee,
  LOOP,
  simdOp as simd,
  uleb,
  V128,
  vector,
} from './encoding.js';

/**
 * Matrix products as WebAssembly SIMD functions (internal module of `wasm/`): the bodies that
 * `simd-kernels.ts` puts in its module. Every variant computes, for `i < m`, `j < n`,
 *
 *   C[i, j] = Σ_{p<k} A(i, p) · B[p, j]      A(i, p) at a + 4·(i·asi + p·asp), B[p, j] at b + 4·(p·ldb + j)
 *
 * (C[i, j] at c + 4·(i·ldc + j)) and then, by variant, adds a bias row and applies ReLU, or keeps
 * only the entries where a same-shaped matrix H is positive (ReLU's gradient). `n` must be a
 * multiple of 8: B, C, the bias and H are read eight columns at a time. A's two strides make a
 * transposed A (or a repeated one: `asp = 0`) cost nothing.
 *
 * Blocking: a tile of 4 rows × 8 columns keeps eight 4-lane accumulators in registers while p
 * runs; tiles go down the rows of C for one 8-column panel of B (k × 32 bytes, which stays in the
 * first-level cache) before the next panel. Rows left over (`m mod 4`) run one at a time.
 */
export interface GemmSimd {
  /** `C = A·B`. */
  gemm(c: number, a: number, b: number, m: number, n: number, k: number, asi: number, asp: number, ldb: number, ldc: number, unused: number): void;
  /** `C = relu(A·B + bias)`, `bias` a row of `n` floats. */
  gemm_bias_relu(c: number, a: number, b: number, m: number, n: number, k: number, asi: number, asp: number, ldb: number, ldc: number, bias: number): void;
  /** `C = A·B + bias`. */
  gemm_bias(c: number, a: number, b: number, m: number, n: number, k: number, asi: number, asp: number, ldb: number, ldc: number, bias: number): void;
  /** `C = (A·B) ⊙ [H > 0]`, `H` laid out as C (same `ldc`). */
  gemm_relu_grad(c: number, a: number, b: number, m: number, n: number, k: number, asi: number, asp: number, ldb: number, ldc: number, h: number): void;
}

/** How a variant starts its accumulators and what it does before storing them. */
interface GemmVariant {
  readonly name: keyof GemmSimd;
  readonly bias: boolean;
  readonly store: 'plain' | 'relu' | 'relu-grad';
}

/** The variants, in export order. */
export const GEMM_VARIANTS: readonly GemmVariant[] = [
  { name: 'gemm', bias: false, store: 'plain' },
  { name: 'gemm_bias_relu', bias: true, store: 'relu' },
  { name: 'gemm_bias', bias: true, store: 'plain' },
  { name: 'gemm_relu_grad', bias: false, store: 'relu-grad' },
];

/** Parameters of every variant (all i32). */
export const GEMM_PARAMS = 11;

const ROWS = 4;
const VECTORS = 2;

const v128Load = (offset: number): number[] => simd(0x00, 4, ...uleb(offset));
const v128Store = (offset: number): number[] => simd(0x0b, 4, ...uleb(offset));
const v128Load32Splat = simd(0x09, 2, 0);
const v128Zero = simd(0x0c, ...Array<number>(16).fill(0));
const v128And = simd(0x4e);
const f32x4Gt = simd(0x44);
const f32x4Add = simd(0xe4);
const f32x4Mul = simd(0xe6);
const f32x4Pmax = simd(0xeb);

const [C, A, B, M, N, K, ASI, ASP, LDB, LDC, EXTRA] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** The body (locals and code) of one variant. */
export function gemmFunctionBody(variant: GemmVariant): number[] {
  let nextLocal = GEMM_PARAMS;
  const local = (): number => nextLocal++;
  const [aspBytes, ldbBytes, ldcBytes, asiBytes, nBytes, panelBytes, mainRows, column, row0, pb, pbEnd, rowOffset] = Array.from({ length: 12 }, local) as [
    number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  const pa = Array.from({ length: ROWS }, local);
  const i32Locals = nextLocal - GEMM_PARAMS;
  const firstVector = nextLocal;
  const acc = Array.from({ length: ROWS }, () => Array.from({ length: VECTORS }, local));
  const bv = Array.from({ length: VECTORS }, local);
  const broadcast = local();
  const v128Locals = nextLocal - firstVector;

  const code: number[] = [];
  for (const [from, to] of [[ASP, aspBytes], [LDB, ldbBytes], [LDC, ldcBytes], [ASI, asiBytes], [N, nBytes]] as const) {
    code.push(...get(from), ...i32Const(2), I32_SHL, ...set(to));
  }
  code.push(...get(K), ...get(ldbBytes), I32_MUL, ...set(panelBytes));
  code.push(...get(M), ...get(M), ...i32Const(ROWS), I32_REM_U, I32_SUB, ...set(mainRows));

  /** One tile of `rows` rows at row `row0`, columns `column … column + 8`. */
  const tile = (rows: number): number[] => {
    const t: number[] = [];
    t.push(...get(A), ...get(row0), ...get(asiBytes), I32_MUL, I32_ADD, ...set(pa[0] as number));
    for (let r = 1; r < rows; r++) t.push(...get(pa[r - 1] as number), ...get(asiBytes), I32_ADD, ...set(pa[r] as number));
    t.push(...get(B), ...get(column), I32_ADD, ...tee(pb), ...get(panelBytes), I32_ADD, ...set(pbEnd));
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < VECTORS; v++) {
        if (variant.bias) t.push(...get(EXTRA), ...get(column), I32_ADD, ...v128Load(16 * v));
        else t.push(...v128Zero);
        t.push(...set(acc[r]?.[v] as number));
      }
    }
    t.push(...get(pb), ...get(pbEnd), I32_NE, ...IF, ...LOOP);
    for (let v = 0; v < VECTORS; v++) t.push(...get(pb), ...v128Load(16 * v), ...set(bv[v] as number));
    for (let r = 0; r < rows; r++) {
      const p = pa[r] as number;
      t.push(...get(p), ...v128Load32Splat, ...set(broadcast));
      for (let v = 0; v < VECTORS; v++) {
        const target = acc[r]?.[v] as number;
        t.push(...get(target), ...get(broadcast), ...get(bv[v] as number), ...f32x4Mul, ...f32x4Add, ...set(target));
      }
      t.push(...get(p), ...get(aspBytes), I32_ADD, ...set(p));
    }
    t.push(...get(pb), ...get(ldbBytes), I32_ADD, ...tee(pb), ...get(pbEnd), I32_NE, BR_IF, 0);
    t.push(END, END);
    for (let r = 0; r < rows; r++) {
      t.push(...get(row0), ...i32Const(r), I32_ADD, ...get(ldcBytes), I32_MUL, ...get(column), I32_ADD, ...set(rowOffset));
      for (let v = 0; v < VECTORS; v++) {
        const value = acc[r]?.[v] as number;
        t.push(...get(C), ...get(rowOffset), I32_ADD);
        if (variant.store === 'plain') t.push(...get(value));
        else if (variant.store === 'relu') t.push(...v128Zero, ...get(value), ...f32x4Pmax);
        else t.push(...get(value), ...get(EXTRA), ...get(rowOffset), I32_ADD, ...v128Load(16 * v), ...v128Zero, ...f32x4Gt, ...v128And);
        t.push(...v128Store(16 * v));
      }
    }
    return t;
  };

  /** Tiles of `rows` rows while `row0 < limit`. */
  const rowLoop = (rows: number, limit: number): number[] => [
    ...BLOCK, ...LOOP,
    ...get(row0), ...get(limit), I32_LT_U, I32_EQZ, BR_IF, 1,
    ...tile(rows),
    ...get(row0), ...i32Const(rows), I32_ADD, ...set(row0),
    BR, 0, END, END,
  ];

  code.push(...BLOCK, ...LOOP);
  code.push(...get(column), ...get(nBytes), I32_LT_U, I32_EQZ, BR_IF, 1);
  code.push(...i32Const(0), ...set(row0));
  code.push(...rowLoop(ROWS, mainRows), ...rowLoop(1, M));
  code.push(...get(column), ...i32Const(16 * VECTORS), I32_ADD, ...set(column), BR, 0, END, END);
  code.push(END);
  const full = [...vector([[...uleb(i32Locals), I32], [...uleb(v128Locals), V128]]), ...code];
  return [...uleb(full.length), ...full];
}
