/**
 * Does relaxed SIMD speed up a real kernel? @sparse/core's SIMD `gemm` as shipped (f32x4.mul +
 * f32x4.add) against the same body with one f32x4.relaxed_madd per accumulator update
 * (bench/lib/gemm-relaxed.ts), on the LeNet-300-100 first layer's products, 1 thread:
 *
 *   pnpm exec tsx --import ./bench/lib/register.mjs bench/gemm-relaxed.ts [--runs 9] [--run-ms 60]
 *
 *   forward b      X[b×784]·W[784×304]     (m = b, k = 784; inference and the training forward pass)
 *   weight grad    Xᵀ[784×b]·D[b×304]      (m = 784, k = b; A read transposed: asi = 1, asp = 784)
 * for b = 256 and 512. n is 300 padded to 304 (the kernel takes 8 columns at a time, as the
 * predictor pads it); GFLOP/s count the computed product, 2·m·k·304. The two kernels run in
 * alternating rounds (order flipped every round); reported: medians and the median of the
 * per-round ratios. Both results are checked against each other and against a float64 reference.
 * Each run is timed twice: wall time, and CPU time of this process (process.cpuUsage: user +
 * system), which leaves out the time slices that other processes take on a busy 2-core VM; the
 * table shows CPU-time GFLOP/s (the JSON has both).
 * Node 20's V8 needs --experimental-wasm-relaxed-simd, set here with v8.setFlagsFromString.
 */
import { setFlagsFromString } from 'node:v8';
import './lib/fail.js';
import { gemmPair, type GemmFunction } from './lib/gemm-relaxed.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { fmt, median, medianRatio, printTable, timeMs } from './lib/stats.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}
const runs = Number(option('runs', '9'));
const runMs = Number(option('run-ms', '60'));

setFlagsFromString('--experimental-wasm-relaxed-simd');

const FLOAT = 4;
const INPUTS = 784;
const COLUMNS = 304;
const MAX_BATCH = 512;

/** Float offsets: X (MAX_BATCH × 784), W (784 × 304), D (MAX_BATCH × 304), C (784 × 304) twice. */
const X = 0;
const W = X + MAX_BATCH * INPUTS;
const D = W + INPUTS * COLUMNS;
const C1 = D + MAX_BATCH * COLUMNS;
const C2 = C1 + INPUTS * COLUMNS;
const END = C2 + INPUTS * COLUMNS;

const memory = new WebAssembly.Memory({ initial: Math.ceil((END * FLOAT) / 65536) });
const f = new Float32Array(memory.buffer);
let seed = 12345;
const random = (): number => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32 - 0.5;
};
for (let i = 0; i < C1; i++) f[i] = random();
const { mulAdd, relaxedMadd } = gemmPair(memory);

interface Shape {
  readonly name: string;
  readonly m: number;
  readonly k: number;
  readonly a: number;
  readonly b: number;
  readonly asi: number;
  readonly asp: number;
}
const shapes: Shape[] = [256, 512].flatMap((batch) => [
  { name: `forward, batch ${batch}`, m: batch, k: INPUTS, a: X, b: W, asi: INPUTS, asp: 1 },
  { name: `weight grad, batch ${batch}`, m: INPUTS, k: batch, a: X, b: D, asi: 1, asp: INPUTS },
]);

const call = (gemm: GemmFunction, s: Shape, c: number): void => gemm(c * FLOAT, s.a * FLOAT, s.b * FLOAT, s.m, COLUMNS, s.k, s.asi, s.asp, COLUMNS, COLUMNS, 0);

/** Checks both products against each other and a float64 reference on a few entries. */
function check(s: Shape): number {
  call(mulAdd, s, C1);
  call(relaxedMadd, s, C2);
  let worst = 0;
  for (let i = 0; i < s.m * COLUMNS; i++) {
    const [p, q] = [f[C1 + i] as number, f[C2 + i] as number];
    worst = Math.max(worst, Math.abs(p - q));
  }
  for (const [i, j] of [[0, 0], [s.m - 1, COLUMNS - 1], [s.m >> 1, 131], [3, 299]] as const) {
    let exact = 0;
    for (let p = 0; p < s.k; p++) exact += (f[s.a + i * s.asi + p * s.asp] as number) * (f[s.b + p * COLUMNS + j] as number);
    for (const [label, c] of [['mul+add', C1], ['relaxed_madd', C2]] as const) {
      const got = f[c + i * COLUMNS + j] as number;
      if (!(Math.abs(got - exact) <= 1e-4 * Math.sqrt(s.k))) throw new Error(`${s.name}, ${label}: C[${i}, ${j}] = ${got}, expected ${exact}`);
    }
  }
  return worst;
}

const machineBefore = machineInfo();
console.log(`gemm-relaxed benchmark; ${describeMachine(machineBefore)}; V8 ${process.versions.v8}`);

const rows: string[][] = [];
const out: unknown[] = [];
for (const s of shapes) {
  const maxDifference = check(s);
  const flops = 2 * s.m * s.k * COLUMNS;
  // Calibrate reps per timed run (this also lets V8 tier both functions up), then warm up.
  let reps = 1;
  for (let attempt = 0; attempt < 30; attempt++) {
    const ms = timeMs(() => {
      for (let r = 0; r < reps; r++) call(mulAdd, s, C1);
    });
    if (ms >= runMs / 2 && attempt >= 3) break;
    if (ms < runMs / 2) reps *= 2;
  }
  for (let r = 0; r < reps; r++) call(relaxedMadd, s, C2);
  const timed = [
    { gemm: mulAdd, c: C1, gflops: [] as number[], wallGflops: [] as number[] },
    { gemm: relaxedMadd, c: C2, gflops: [] as number[], wallGflops: [] as number[] },
  ];
  for (let round = 0; round < runs; round++) {
    for (const t of round % 2 === 0 ? timed : [...timed].reverse()) {
      const cpuBefore = process.cpuUsage();
      const ms = timeMs(() => {
        for (let r = 0; r < reps; r++) call(t.gemm, s, t.c);
      });
      const cpu = process.cpuUsage(cpuBefore);
      t.wallGflops.push((flops * reps) / (ms * 1e6));
      t.gflops.push((flops * reps) / ((cpu.user + cpu.system) * 1e3));
    }
  }
  const [plain, relaxed] = timed.map((t) => t.gflops) as [number[], number[]];
  const [plainWall, relaxedWall] = timed.map((t) => t.wallGflops) as [number[], number[]];
  const ratio = medianRatio(relaxed, plain);
  rows.push([s.name, fmt(median(plain)), fmt(median(relaxed)), fmt(ratio), fmt(medianRatio(relaxedWall, plainWall)), maxDifference.toExponential(1)]);
  out.push({
    shape: s.name, m: s.m, n: COLUMNS, k: s.k, flopsPerCall: flops, reps,
    cpuTime: { mulAddGflops: plain, relaxedMaddGflops: relaxed, ratio },
    wallTime: { mulAddGflops: plainWall, relaxedMaddGflops: relaxedWall, ratio: medianRatio(relaxedWall, plainWall) },
    maxDifference,
  });
}

printTable(
  `@sparse/core gemm (4×8 tiles), 1 thread, mul+add vs relaxed_madd (median of ${runs} alternating rounds of ~${runMs} ms; GFLOP/s per CPU second)`,
  ['product', 'mul+add GFLOP/s', 'relaxed_madd GFLOP/s', 'ratio', 'ratio (wall time)', 'max |difference|'],
  rows,
);
const machineAfter = machineInfo();
const path = writeResults('gemm-relaxed', {
  benchmark: 'gemm-relaxed',
  date: new Date().toISOString(),
  machine: { ...machineAfter, loadAverageBefore: machineBefore.loadAverage },
  v8: process.versions.v8,
  method: `@sparse/core gemm body as shipped vs the same body with f32x4.relaxed_madd per accumulator update; 1 thread; n = 304 (300 padded); ${runs} alternating rounds of ~${runMs} ms; GFLOP/s per second of this process's CPU time (user + system) and per second of wall time; ratio = median of per-round relaxed / mul+add`,
  products: out,
});
console.log(`\nload average after: ${machineAfter.loadAverage.join(' ')}; results: ${path}`);
