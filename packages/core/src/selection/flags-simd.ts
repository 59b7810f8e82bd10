import {
  BLOCK,
  BR,
  BR_IF,
  END,
  I32,
  I32_ADD,
  I32_AND,
  I32_EQZ,
  I32_GE_U,
  I32_SHL,
  I32_SUB,
  i32Const,
  IF,
  localGet as get,
  localSet as set,
  localTee as tee,
  LOOP,
  MODULE_HEADER,
  name,
  section,
  simdOp as simd,
  uleb,
  V128,
  vector,
} from '../wasm/encoding.js';
import { NEG_INF_KEY, POS_INF_KEY } from './score-keys.js';

/**
 * The flags pass of an exact selection (`markCut` in `radix-select.ts`) as a WebAssembly SIMD
 * loop, sixteen scores per iteration (internal module of `selection/`). Assembled here like
 * `bracket-simd.ts`, with its own memory; scores (and alive flags) are copied into it a chunk at a
 * time and the flags copied out.
 *
 *   flags(src, alv, n, key, ties, out, kept, stats)          alive flags at `alv`
 *   flags_all(src, alv, n, key, ties, out, kept, stats)      every element alive (`alv` unused)
 *
 * For the `n` float32 bit patterns at `src` (`n` a multiple of 16) it turns each into its order
 * key (`b ^ ((b >> 31) & 0x7fffffff)`, NaN as `-Infinity`'s key, `-0` as `+0`), takes the alive
 * elements whose key is below `key`, and the first `ties` alive ones equal to it in index order,
 * and writes one byte per element to `out`: `taken` (`kept = 0`) or `alive and not taken`
 * (`kept = 1`). It writes the elements taken and the ties among them to `stats`.
 */
interface FlagsExports {
  flags(src: number, alv: number, n: number, key: number, ties: number, out: number, kept: number, stats: number): void;
  flags_all(src: number, alv: number, n: number, key: number, ties: number, out: number, kept: number, stats: number): void;
}

const v128LoadAt = (offset: number): number[] => simd(0x00, 4, ...uleb(offset));
const v128Store = simd(0x0b, 4, 0);
const i8x16Splat = simd(0x0f);
const i32x4Splat = simd(0x11);
const i32x4ExtractLane = (lane: number): number[] => simd(0x1b, lane);
const i8x16Ne = simd(0x24);
const i32x4Eq = simd(0x37);
const i32x4LtS = simd(0x39);
const i32x4GtS = simd(0x3b);
const v128And = simd(0x4e);
const v128AndNot = simd(0x4f);
const v128Or = simd(0x50);
const v128Xor = simd(0x51);
const v128Bitselect = simd(0x52);
const i8x16Bitmask = simd(0x64);
const i8x16NarrowI16x8S = simd(0x65);
const i16x8ExtaddPairwiseI8x16S = simd(0x7c);
const i32x4ExtaddPairwiseI16x8S = simd(0x7e);
const i16x8NarrowI32x4S = simd(0x85);
const i32x4ShrS = simd(0xac);
const i32x4Sub = simd(0xb1);
const I32_CTZ = 0x68;
const I32_STORE = [0x36, 2, 0];
const I32_STORE8 = [0x3a, 0, 0];

/** The sum of the four lanes of a v128 local, as an i32. */
function sumLanes(vec: number): number[] {
  return [...get(vec), ...i32x4ExtractLane(0), ...get(vec), ...i32x4ExtractLane(1), I32_ADD, ...get(vec), ...i32x4ExtractLane(2), I32_ADD, ...get(vec), ...i32x4ExtractLane(3), I32_ADD];
}

/** A function body from its locals (i32 count, v128 count) and code. */
function functionBody(i32Locals: number, v128Locals: number, code: number[]): number[] {
  const full = [...vector([[...uleb(i32Locals), I32], [...uleb(v128Locals), V128]]), ...code];
  return [...uleb(full.length), ...full];
}

function body(withAlive: boolean): number[] {
  const [SRC, ALV, N, KEY, LEFT, OUT, KEPT, STATS] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [I, P, M, TIED] = [8, 9, 10, 11];
  const [VKEY, NEG, POS, ABS, MINUS1, MASK, ALIVE, ONE, VKEPT, TAKEN, LT, EQ] = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const KS = [24, 25, 26, 27];
  const code: number[] = [];
  code.push(...get(KEY), ...i32x4Splat, ...set(VKEY));
  code.push(...i32Const(NEG_INF_KEY), ...i32x4Splat, ...set(NEG), ...i32Const(POS_INF_KEY), ...i32x4Splat, ...set(POS));
  code.push(...i32Const(0x7fffffff), ...i32x4Splat, ...set(ABS), ...i32Const(-1), ...i32x4Splat, ...set(MINUS1));
  code.push(...i32Const(1), ...i8x16Splat, ...set(ONE), ...get(KEPT), ...i8x16Splat, ...set(VKEPT));
  code.push(...get(MINUS1), ...set(ALIVE));
  code.push(...BLOCK, ...LOOP);
  code.push(...get(I), ...get(N), I32_GE_U, BR_IF, 1);
  code.push(...get(SRC), ...get(I), ...i32Const(2), I32_SHL, I32_ADD, ...set(P));
  for (let j = 0; j < 4; j++) {
    const K = KS[j] as number;
    // K = order key of four bit patterns; NaN reads as -Infinity, -0 as +0
    code.push(...get(P), ...v128LoadAt(16 * j), ...tee(K), ...get(K), ...i32Const(31), ...i32x4ShrS, ...get(ABS), ...v128And, ...v128Xor, ...set(K));
    code.push(...get(K), ...get(POS), ...i32x4GtS, ...get(K), ...get(NEG), ...i32x4LtS, ...v128Or, ...set(MASK));
    code.push(...get(NEG), ...get(K), ...get(MASK), ...v128Bitselect, ...set(K));
    code.push(...get(K), ...get(K), ...get(MINUS1), ...i32x4Eq, ...v128AndNot, ...set(K));
  }
  if (withAlive) {
    // ALIVE = -1 in the bytes of alive elements
    code.push(...get(ALV), ...get(I), I32_ADD, ...v128LoadAt(0), ...i32Const(0), ...i8x16Splat, ...i8x16Ne, ...set(ALIVE));
  }
  /** Bytes of -1 where `compare(K_j, key)` holds, for the sixteen keys, masked by ALIVE. */
  const narrowed = (compare: number[]): number[] => {
    const c: number[] = [];
    for (const pair of [0, 2]) {
      c.push(...get(KS[pair] as number), ...get(VKEY), ...compare, ...get(KS[pair + 1] as number), ...get(VKEY), ...compare, ...i16x8NarrowI32x4S);
    }
    c.push(...i8x16NarrowI16x8S);
    if (withAlive) c.push(...get(ALIVE), ...v128And);
    return c;
  };
  code.push(...narrowed(i32x4LtS), ...set(LT));
  code.push(...narrowed(i32x4Eq), ...set(EQ));
  // TAKEN -= Σ LT bytes (each -1)
  code.push(...get(TAKEN), ...get(LT), ...i16x8ExtaddPairwiseI8x16S, ...i32x4ExtaddPairwiseI16x8S, ...i32x4Sub, ...set(TAKEN));
  // out = taken ^ (alive & kept): the taken flags, or the alive ones not taken
  code.push(...get(OUT), ...get(I), I32_ADD, ...get(LT), ...get(ONE), ...v128And);
  code.push(...(withAlive ? [...get(ALIVE), ...get(VKEPT), ...v128And] : get(VKEPT)), ...v128Xor, ...v128Store);
  // ties: the first LEFT equal alive elements, in index order, flip to taken
  code.push(...get(LEFT), ...IF);
  code.push(...get(EQ), ...i8x16Bitmask, ...set(M));
  code.push(...BLOCK, ...LOOP);
  code.push(...get(M), I32_EQZ, BR_IF, 1, ...get(LEFT), I32_EQZ, BR_IF, 1);
  code.push(...get(OUT), ...get(I), I32_ADD, ...get(M), I32_CTZ, I32_ADD, ...i32Const(1), ...get(KEPT), I32_SUB, ...I32_STORE8);
  code.push(...get(LEFT), ...i32Const(1), I32_SUB, ...set(LEFT), ...get(TIED), ...i32Const(1), I32_ADD, ...set(TIED));
  code.push(...get(M), ...get(M), ...i32Const(1), I32_SUB, I32_AND, ...set(M), BR, 0);
  code.push(END, END);
  code.push(END);
  code.push(...get(I), ...i32Const(16), I32_ADD, ...set(I), BR, 0);
  code.push(END, END);
  code.push(...get(STATS), ...sumLanes(TAKEN), ...get(TIED), I32_ADD, ...I32_STORE);
  code.push(...get(STATS), ...i32Const(4), I32_ADD, ...get(TIED), ...I32_STORE);
  code.push(END);
  return functionBody(4, 16, code);
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const bytes = [
    ...MODULE_HEADER,
    ...section(1, vector([[0x60, ...vector(Array.from({ length: 8 }, () => [I32])), 0]])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector([[0], [0]])),
    ...section(7, vector([
      [...name('flags'), 0x00, 0],
      [...name('flags_all'), 0x00, 1],
    ])),
    ...section(10, vector([body(true), body(false)])),
  ];
  return new Uint8Array(bytes);
}

/** Scores per call: 256 KiB of them, plus their alive flags and output flags, stay in cache. */
const CHUNK = 1 << 16;
const PAGE = 65536;
const SRC = 64;
const ALV = SRC + 4 * CHUNK;
const OUT = ALV + CHUNK;
const BYTES = OUT + CHUNK;

interface Engine {
  readonly exports: FlagsExports;
  readonly stats: Int32Array;
  readonly scores: Int32Array;
  readonly alive: Uint8Array;
  readonly out: Uint8Array;
}

let engine: Engine | null | undefined;

function start(): Engine | null {
  try {
    const memory = new WebAssembly.Memory({ initial: Math.ceil(BYTES / PAGE) });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), { env: { memory } });
    const heap = memory.buffer;
    return {
      exports: instance.exports as unknown as FlagsExports,
      stats: new Int32Array(heap, 0, 2),
      scores: new Int32Array(heap, SRC, CHUNK),
      alive: new Uint8Array(heap, ALV, CHUNK),
      out: new Uint8Array(heap, OUT, CHUNK),
    };
  } catch {
    return null;
  }
}

/** Whether this engine runs the SIMD flags pass (WebAssembly SIMD available). */
export function flagsSimdAvailable(): boolean {
  if (engine === undefined) engine = start();
  return engine !== null;
}

/** What one call wrote: the elements taken, and the ties left for the elements after them. */
export interface FlagsCounts {
  readonly pruned: number;
  readonly ties: number;
}

/**
 * The flags pass over the first `bits.length & ~15` elements of a segment (float32 bit patterns
 * `bits`, alive flags `alive` or `undefined` when all are alive) on the SIMD module: writes into
 * `out` what `markCut` writes for them, given the cut's `key` and the `ties` still available.
 * `undefined` where WebAssembly SIMD is missing. The caller finishes the last elements (fewer than
 * sixteen) with `markCut` on the ties returned.
 */
export function flagsSimd(
  bits: Int32Array,
  alive: Uint8Array | undefined,
  key: number,
  ties: number,
  out: Uint8Array,
  write: 'pruned' | 'kept',
): FlagsCounts | undefined {
  if (!flagsSimdAvailable()) return undefined;
  const { exports, stats, scores, alive: aliveScratch, out: outScratch } = engine as Engine;
  const pass = alive === undefined ? exports.flags_all : exports.flags;
  const kept = write === 'kept' ? 1 : 0;
  const whole = bits.length & ~15;
  let left = ties;
  let pruned = 0;
  for (let first = 0; first < whole; first += CHUNK) {
    const n = Math.min(CHUNK, whole - first);
    scores.set(bits.subarray(first, first + n));
    if (alive !== undefined) aliveScratch.set(alive.subarray(first, first + n));
    pass(SRC, ALV, n, key, Math.min(left, 0x7fffffff), OUT, kept, 0);
    pruned += stats[0] as number;
    left -= stats[1] as number;
    out.set(outScratch.subarray(0, n), first);
  }
  return { pruned, ties: left };
}
