import {
  END,
  I32,
  I32_ADD,
  I32_AND,
  I32_GE_U,
  I32_LT_U,
  I32_SHL,
  i32Const,
  IF,
  localGet as get,
  localSet as set,
  localTee as tee,
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
 * The bracket pass of the sampled selection (`sampled-select.ts`) over all-alive scores as a
 * WebAssembly SIMD loop, four keys per instruction (internal module of `selection/`). The module is
 * assembled here (no file to ship) with its own memory; scores are copied into it a chunk at a time.
 *
 *   bracket(src, n, lo, width, out, cap, stats)
 *   bracket_positive(…)  the same for a bracket of positive finite keys, on fewer instructions
 *
 * For the `n` float32 bit patterns at `src` (`n` a multiple of 4) it turns each into its order key
 * (`b ^ ((b >> 31) & 0x7fffffff)`, NaN as `-Infinity`'s key, `-0` as `+0`), counts the keys below
 * `lo` and the NaN scores, and copies the keys `k` with `(k − lo) ≤ width` (unsigned) to `out`
 * while fewer than `cap` are there; it writes below, NaN and inside counts (the latter may exceed
 * `cap`) to `stats`.
 */
interface BracketExports {
  bracket(src: number, n: number, lo: number, width: number, out: number, cap: number, stats: number): void;
  bracket_positive(src: number, n: number, lo: number, width: number, out: number, cap: number, stats: number): void;
}

/** What one call over a run of scores found. */
export interface BracketCounts {
  readonly below: number;
  readonly nan: number;
  /** Keys inside the bracket, all of them copied when `inside <= capacity`. */
  readonly inside: number;
}

const v128Load = simd(0x00, 4, 0);
const i32x4Splat = simd(0x11);
const i32x4ExtractLane = (lane: number): number[] => simd(0x1b, lane);
const i32x4Eq = simd(0x37);
const i32x4LtS = simd(0x39);
const i32x4GtS = simd(0x3b);
const i32x4LeU = simd(0x3e);
const v128And = simd(0x4e);
const v128AndNot = simd(0x4f);
const v128Or = simd(0x50);
const v128Xor = simd(0x51);
const v128Bitselect = simd(0x52);
const i32x4Bitmask = simd(0xa4);
const i32x4ShrS = simd(0xac);
const i32x4Sub = simd(0xb1);
const I32_STORE = [0x36, 2, 0];

/** Copies the lanes of `keys` whose bit is set in local `bits` to `out[count++]` while `count < cap`. */
function copyInsideLanes(bits: number, keys: number, out: number, cap: number, count: number): number[] {
  const code: number[] = [...IF];
  for (let lane = 0; lane < 4; lane++) {
    code.push(...get(bits), ...i32Const(1 << lane), I32_AND, ...IF);
    code.push(...get(count), ...get(cap), I32_LT_U, ...IF);
    code.push(...get(out), ...get(count), ...i32Const(2), I32_SHL, I32_ADD, ...get(keys), ...i32x4ExtractLane(lane), ...I32_STORE);
    code.push(END);
    code.push(...get(count), ...i32Const(1), I32_ADD, ...set(count));
    code.push(END);
  }
  code.push(END);
  return code;
}

/** The sum of the four lanes of a v128 local, as an i32. */
function sumLanes(vec: number): number[] {
  return [...get(vec), ...i32x4ExtractLane(0), ...get(vec), ...i32x4ExtractLane(1), I32_ADD, ...get(vec), ...i32x4ExtractLane(2), I32_ADD, ...get(vec), ...i32x4ExtractLane(3), I32_ADD];
}

/** A function body from its locals (i32 count, v128 count) and code. */
function functionBody(i32Locals: number, v128Locals: number, code: number[]): number[] {
  const full = [...vector([[...uleb(i32Locals), I32], [...uleb(v128Locals), V128]]), ...code];
  return [...uleb(full.length), ...full];
}

function body(): number[] {
  const [SRC, N, LO, WIDTH, OUT, CAP, STATS] = [0, 1, 2, 3, 4, 5, 6];
  const [OFF, LIMIT, COUNT, BITS] = [7, 8, 9, 10];
  const [K, VLO, VWIDTH, NEG, POS, ABS, MINUS1, BELOW, NAN, MASK] = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
  const code: number[] = [];
  code.push(...get(N), ...i32Const(2), I32_SHL, ...set(LIMIT));
  code.push(...get(LO), ...i32x4Splat, ...set(VLO), ...get(WIDTH), ...i32x4Splat, ...set(VWIDTH));
  code.push(...i32Const(NEG_INF_KEY), ...i32x4Splat, ...set(NEG), ...i32Const(POS_INF_KEY), ...i32x4Splat, ...set(POS));
  code.push(...i32Const(0x7fffffff), ...i32x4Splat, ...set(ABS), ...i32Const(-1), ...i32x4Splat, ...set(MINUS1));
  code.push(0x02, 0x40, 0x03, 0x40); // block, loop
  code.push(...get(OFF), ...get(LIMIT), I32_GE_U, 0x0d, 1);
  // K = order keys of four bit patterns
  code.push(...get(SRC), ...get(OFF), I32_ADD, ...v128Load, ...tee(K), ...get(K), ...i32Const(31), ...i32x4ShrS, ...get(ABS), ...v128And, ...v128Xor, ...set(K));
  // NaN lanes: counted, then read as -Infinity
  code.push(...get(K), ...get(POS), ...i32x4GtS, ...get(K), ...get(NEG), ...i32x4LtS, ...v128Or, ...set(MASK));
  code.push(...get(NAN), ...get(MASK), ...i32x4Sub, ...set(NAN));
  code.push(...get(NEG), ...get(K), ...get(MASK), ...v128Bitselect, ...set(K));
  // -0 reads as +0
  code.push(...get(K), ...get(K), ...get(MINUS1), ...i32x4Eq, ...v128AndNot, ...set(K));
  // below += K < lo
  code.push(...get(BELOW), ...get(K), ...get(VLO), ...i32x4LtS, ...i32x4Sub, ...set(BELOW));
  // inside lanes: copy while there is room, count all
  code.push(...get(K), ...get(VLO), ...i32x4Sub, ...get(VWIDTH), ...i32x4LeU, ...i32x4Bitmask, ...tee(BITS));
  code.push(...copyInsideLanes(BITS, K, OUT, CAP, COUNT));
  code.push(...get(OFF), ...i32Const(16), I32_ADD, ...set(OFF), 0x0c, 0);
  code.push(END, END);
  // stats = [Σ below lanes, Σ NaN lanes, count]
  code.push(...get(STATS), ...sumLanes(BELOW), ...I32_STORE);
  code.push(...get(STATS), ...i32Const(4), I32_ADD, ...sumLanes(NAN), ...I32_STORE);
  code.push(...get(STATS), ...i32Const(8), I32_ADD, ...get(COUNT), ...I32_STORE);
  code.push(END);
  return functionBody(4, 10, code);
}

/**
 * `bracket` for a bracket of positive finite keys (`0 < lo`, `lo + width ≤` +Infinity's key), on
 * the raw bit patterns: every negative score (and -0) is below `lo`, a positive score's key is its
 * bit pattern, NaN is below (counted apart: a positive NaN's pattern is above +Infinity's), and
 * nothing but positive finite scores can be inside. Fewer instructions per four scores.
 */
function positiveBody(): number[] {
  const [SRC, N, LO, WIDTH, OUT, CAP, STATS] = [0, 1, 2, 3, 4, 5, 6];
  const [OFF, LIMIT, COUNT, BITS] = [7, 8, 9, 10];
  const [B, VLO, VWIDTH, POS, ABS, BELOW, NAN, HIGH] = [11, 12, 13, 14, 15, 16, 17, 18];
  const code: number[] = [];
  code.push(...get(N), ...i32Const(2), I32_SHL, ...set(LIMIT));
  code.push(...get(LO), ...i32x4Splat, ...set(VLO), ...get(WIDTH), ...i32x4Splat, ...set(VWIDTH));
  code.push(...i32Const(POS_INF_KEY), ...i32x4Splat, ...set(POS), ...i32Const(0x7fffffff), ...i32x4Splat, ...set(ABS));
  code.push(0x02, 0x40, 0x03, 0x40);
  code.push(...get(OFF), ...get(LIMIT), I32_GE_U, 0x0d, 1);
  code.push(...get(SRC), ...get(OFF), I32_ADD, ...v128Load, ...set(B));
  code.push(...get(BELOW), ...get(B), ...get(VLO), ...i32x4LtS, ...i32x4Sub, ...set(BELOW));
  code.push(...get(HIGH), ...get(B), ...get(POS), ...i32x4GtS, ...i32x4Sub, ...set(HIGH));
  code.push(...get(NAN), ...get(B), ...get(ABS), ...v128And, ...get(POS), ...i32x4GtS, ...i32x4Sub, ...set(NAN));
  code.push(...get(B), ...get(VLO), ...i32x4Sub, ...get(VWIDTH), ...i32x4LeU, ...i32x4Bitmask, ...tee(BITS));
  code.push(...copyInsideLanes(BITS, B, OUT, CAP, COUNT));
  code.push(...get(OFF), ...i32Const(16), I32_ADD, ...set(OFF), 0x0c, 0);
  code.push(END, END);
  code.push(...get(STATS), ...sumLanes(BELOW), ...sumLanes(HIGH), I32_ADD, ...I32_STORE);
  code.push(...get(STATS), ...i32Const(4), I32_ADD, ...sumLanes(NAN), ...I32_STORE);
  code.push(...get(STATS), ...i32Const(8), I32_ADD, ...get(COUNT), ...I32_STORE);
  code.push(END);
  return functionBody(4, 8, code);
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const bytes = [
    ...MODULE_HEADER,
    ...section(1, vector([[0x60, ...vector(Array.from({ length: 7 }, () => [I32])), 0]])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector([[0], [0]])),
    ...section(7, vector([
      [...name('bracket'), 0x00, 0],
      [...name('bracket_positive'), 0x00, 1],
    ])),
    ...section(10, vector([body(), positiveBody()])),
  ];
  return new Uint8Array(bytes);
}

/** Scores copied per call: 256 KiB, so that the pass reads them from the cache the copy just filled. */
const CHUNK = 1 << 16;
const PAGE = 65536;

interface Engine {
  readonly memory: WebAssembly.Memory;
  readonly exports: BracketExports;
}

let engine: Engine | null | undefined;

function start(): Engine | null {
  try {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), { env: { memory } });
    return { memory, exports: instance.exports as unknown as BracketExports };
  } catch {
    return null;
  }
}

/** Whether this engine runs the SIMD pass (WebAssembly SIMD available). */
export function bracketSimdAvailable(): boolean {
  if (engine === undefined) engine = start();
  return engine !== null;
}

/**
 * The bracket pass over all of `bits` (float32 bit patterns, all alive) on the SIMD module: adds
 * the keys inside the bracket to `inside` from position `start` while there is room, and returns
 * the counts. `undefined` where WebAssembly SIMD is missing. Elements past the last multiple of 4
 * are left to the caller: the count of those processed is `bits.length & ~3`.
 */
export function bracketSimd(bits: Int32Array, lo: number, width: number, inside: Int32Array, start: number): BracketCounts | undefined {
  if (!bracketSimdAvailable()) return undefined;
  const { memory, exports } = engine as Engine;
  const room = Math.max(0, inside.length - start);
  const needed = 16 + 4 * CHUNK + 4 * room;
  if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
  const heap = memory.buffer;
  const src = 16;
  const out = src + 4 * CHUNK;
  const stats = new Int32Array(heap, 0, 3);
  const scratch = new Int32Array(heap, src, CHUNK);
  const copied = new Int32Array(heap, out, room);
  const whole = bits.length & ~3;
  const positive = lo > 0 && lo + (width >>> 0) <= POS_INF_KEY;
  const pass = positive ? exports.bracket_positive : exports.bracket;
  let below = 0;
  let nan = 0;
  let count = 0;
  for (let first = 0; first < whole; first += CHUNK) {
    const n = Math.min(CHUNK, whole - first);
    scratch.set(bits.subarray(first, first + n));
    const cap = Math.max(0, room - count);
    pass(src, n, lo, width, out + 4 * count, cap, 0);
    below += stats[0] as number;
    nan += stats[1] as number;
    const found = stats[2] as number;
    count += found;
    if (count > room) return { below, nan, inside: count };
  }
  inside.set(copied.subarray(0, count), start);
  return { below, nan, inside: count };
}
