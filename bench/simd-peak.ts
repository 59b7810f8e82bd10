/**
 * The arithmetic ceiling of WebAssembly on this machine, one thread, to set the GFLOP/s that
 * PyTorch and our training step achieve (bench/results/training-wasm.json) against what a wasm
 * kernel could reach at best.
 *
 *   pnpm exec tsx --import ./bench/lib/register.mjs bench/simd-peak.ts [--runs 7] [--run-ms 60]
 *        [--accumulators 4,8,10,12]
 *
 * Kernels, each a hand-encoded WebAssembly function (bench/lib/wasm-encode.ts) looping over
 * K independent accumulators in registers, no memory traffic, `acc ← acc·a + b` per step
 * (a = 0.999, b = 0.001: the values stay near 1, no denormals, no overflow):
 *   f32x4 mul+add        f32x4.mul then f32x4.add (8 flops per step: 2 per lane, 4 lanes)
 *   f32x4 relaxed_madd   relaxed SIMD f32x4.relaxed_madd (fused where the CPU has FMA), when
 *                        the engine accepts it: Node 20's V8 needs --experimental-wasm-relaxed-simd,
 *                        set here with v8.setFlagsFromString before compiling; else reported as
 *                        not available
 *   f32 scalar mul+add   f32.mul then f32.add (2 flops per step), for comparison
 * With relaxed SIMD it also finds whether relaxed_madd rounds once (fused) or twice on this
 * engine and CPU (bench/lib/relaxed-madd-rounding.ts), and runs the best mul+add and the best
 * relaxed_madd kernel head to head, in alternating rounds next to a dependent i32.add chain that
 * counts the core's cycles (bench/lib/cycle-clock.ts), timed in CPU time of this process: the
 * per-round ratio and flops per cycle hold up better than GFLOP/s on a VM whose clock moves with
 * the host's load.
 * The multiply depends on the accumulator, so the engine can neither hoist nor merge it; with K
 * chains the loop is bound by throughput, not latency, once K ≥ latency × issue rate (the table
 * shows several K). Each kernel is checked against a JavaScript reference, calibrated so that a
 * run takes about --run-ms, warmed up (V8 tiers the function up from Liftoff to TurboFan), then
 * timed --runs times; reported: the median GFLOP/s.
 *
 * For reference it converts the training benchmark's samples/s into GFLOP/s with the dense FLOPs
 * of a LeNet-300-100 step (`lenetStepFlops`) and prints them next to the 1-core peak and twice
 * it (2 cores; not measured, so as not to disturb other work on the machine).
 */
import { setFlagsFromString } from 'node:v8';
import { ADDS_PER_ITERATION, dependentAddChain } from './lib/cycle-clock.js';
import './lib/fail.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { readResults, writeResults } from './lib/results.js';
import { probeRelaxedMaddRounding } from './lib/relaxed-madd-rounding.js';
import { fmt, median, medianRatio, printTable, timeMs } from './lib/stats.js';
import { encodeModule, F32, I32, op, SIMD, V128, type WasmFunction } from './lib/wasm-encode.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const runs = Number(option('runs', '7'));
const runMs = Number(option('run-ms', '60'));
const accumulatorCounts = option('accumulators', '4,8,10,12').split(',').map(Number);

/** The step constants: acc ← acc·A + B. */
const A = 0.999;
const B = 0.001;
const INIT = 1.5;

type Kind = 'f32x4 mul+add' | 'f32x4 relaxed_madd' | 'f32 scalar mul+add';

interface KernelSpec {
  readonly kind: Kind;
  readonly accumulators: number;
  /** Steps per accumulator per loop iteration. */
  readonly unroll: number;
}

const lanesOf = (kind: Kind): number => (kind === 'f32 scalar mul+add' ? 1 : 4);
const exportNameOf = (spec: KernelSpec): string => `${spec.kind.replace(/[^a-z0-9]+/g, '_')}_${spec.accumulators}x${spec.unroll}`;

/**
 * `(iterations: i32, a: f32, b: f32, init: f32) → f32`: accumulator i starts at init·(1 + i/16)
 * (distinct values), `iterations ≥ 1` loop iterations of `unroll` steps on every accumulator,
 * then the sum of all accumulators (and lanes), so that nothing is dead code.
 */
function kernel(spec: KernelSpec): WasmFunction {
  const [ITERATIONS, PA, PB, PINIT] = [0, 1, 2, 3];
  const vector = spec.kind !== 'f32 scalar mul+add';
  // Vector kernels splat a and b into two v128 locals; the scalar kernel uses the parameters.
  const [VA, VB] = vector ? [4, 5] : [PA, PB];
  const first = vector ? 6 : 4;
  const acc = Array.from({ length: spec.accumulators }, (_, i) => first + i);
  const splat = op.simd(SIMD.f32x4Splat);
  const code: number[] = [];
  if (vector) code.push(...op.localGet(PA), ...splat, ...op.localSet(VA), ...op.localGet(PB), ...splat, ...op.localSet(VB));
  acc.forEach((local, i) => {
    code.push(...op.localGet(PINIT), ...op.f32Const(1 + i / 16), ...op.f32Mul);
    if (vector) code.push(...splat);
    code.push(...op.localSet(local));
  });
  const step: Record<Kind, number[]> = {
    'f32x4 mul+add': [...op.simd(SIMD.f32x4Mul), ...op.localGet(VB), ...op.simd(SIMD.f32x4Add)],
    'f32x4 relaxed_madd': [...op.localGet(VB), ...op.simd(SIMD.f32x4RelaxedMadd)],
    'f32 scalar mul+add': [...op.f32Mul, ...op.localGet(VB), ...op.f32Add],
  };
  const body: number[] = [];
  for (let u = 0; u < spec.unroll; u++) {
    for (const local of acc) body.push(...op.localGet(local), ...op.localGet(VA), ...step[spec.kind], ...op.localSet(local));
  }
  // iterations -= 1; continue while non-zero
  body.push(...op.localGet(ITERATIONS), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(ITERATIONS), ...op.brIf(0));
  code.push(...op.loop(body));
  // The sum of the accumulators, then of the four lanes.
  const add = vector ? op.simd(SIMD.f32x4Add) : op.f32Add;
  code.push(...op.localGet(acc[0] as number));
  for (const local of acc.slice(1)) code.push(...op.localGet(local), ...add);
  if (vector) {
    const total = acc[0] as number;
    code.push(...op.localSet(total));
    code.push(...op.localGet(total), ...op.simd(SIMD.f32x4ExtractLane, 0));
    for (let lane = 1; lane < 4; lane++) code.push(...op.localGet(total), ...op.simd(SIMD.f32x4ExtractLane, lane), ...op.f32Add);
  }
  return {
    exportName: exportNameOf(spec),
    params: [I32, F32, F32, F32],
    results: [F32],
    locals: vector ? [[2 + spec.accumulators, V128]] : [[spec.accumulators, F32]],
    code,
  };
}

/** What the kernel returns, computed in JavaScript (float32 steps, unfused). */
function reference(spec: KernelSpec, iterations: number): number {
  let sum = 0;
  for (let i = 0; i < spec.accumulators; i++) {
    let x = Math.fround(Math.fround(INIT) * Math.fround(1 + i / 16));
    for (let s = 0; s < iterations * spec.unroll; s++) x = Math.fround(Math.fround(x * Math.fround(A)) + Math.fround(B));
    sum += x;
  }
  return sum * lanesOf(spec.kind);
}

type KernelFunction = (iterations: number, a: number, b: number, init: number) => number;

function instantiate(specs: readonly KernelSpec[]): Map<KernelSpec, KernelFunction> {
  const module = new WebAssembly.Module(encodeModule(specs.map(kernel)));
  const exports = new WebAssembly.Instance(module).exports as Record<string, KernelFunction>;
  return new Map(specs.map((spec) => [spec, exports[exportNameOf(spec)] as KernelFunction]));
}

// Relaxed SIMD: on by default in newer V8; Node 20's V8 needs the flag, set before compiling.
const relaxedProbe = encodeModule([kernel({ kind: 'f32x4 relaxed_madd', accumulators: 1, unroll: 1 })]);
let relaxedSimd: { readonly available: boolean; readonly how: string };
if (WebAssembly.validate(relaxedProbe)) {
  relaxedSimd = { available: true, how: 'accepted by default' };
} else {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  relaxedSimd = WebAssembly.validate(relaxedProbe)
    ? { available: true, how: "accepted after v8.setFlagsFromString('--experimental-wasm-relaxed-simd')" }
    : { available: false, how: "rejected, even after v8.setFlagsFromString('--experimental-wasm-relaxed-simd')" };
}

const machineBefore = machineInfo();
console.log(`simd-peak benchmark; ${describeMachine(machineBefore)}; V8 ${process.versions.v8}`);
console.log(`relaxed SIMD (f32x4.relaxed_madd): ${relaxedSimd.available ? 'available' : 'NOT available'}, ${relaxedSimd.how}`);
// Called a few times only, so this runs the baseline tier (Liftoff); the timed kernels run TurboFan
// code. Both emit an FMA on V8 11.3 x64 (vfmadd213ps / vfmadd231ps in --print-wasm-code).
const rounding = relaxedSimd.available ? probeRelaxedMaddRounding(30) : undefined;
if (rounding !== undefined) {
  const differing = rounding.cases.length;
  console.log(`relaxed_madd rounding: ${rounding.rounding} (${differing} inputs where fused and unfused differ, e.g. (1+2^-12)^2 - (1+2^-11): fused 2^-24, unfused 0; got ${rounding.cases[0]?.result ?? '?'})`);
}

const specs: KernelSpec[] = [];
// About 24 steps per loop iteration, so that the loop counter and branch cost little.
const unrollFor = (accumulators: number): number => Math.max(1, Math.round(24 / accumulators));
for (const accumulators of accumulatorCounts) specs.push({ kind: 'f32x4 mul+add', accumulators, unroll: unrollFor(accumulators) });
if (relaxedSimd.available) for (const accumulators of accumulatorCounts) specs.push({ kind: 'f32x4 relaxed_madd', accumulators, unroll: unrollFor(accumulators) });
specs.push({ kind: 'f32 scalar mul+add', accumulators: 12, unroll: 2 });
const functions = instantiate(specs);

interface KernelResult {
  readonly kernel: Kind;
  readonly accumulators: number;
  readonly unroll: number;
  readonly iterations: number;
  readonly flopsPerRun: number;
  readonly gflops: number;
  readonly runsMs: number[];
  readonly gflopsRuns: number[];
}

const results: KernelResult[] = [];
for (const spec of specs) {
  const run = functions.get(spec) as KernelFunction;
  const check = run(3, A, B, INIT);
  const expected = reference(spec, 3);
  if (!(Math.abs(check - expected) <= 1e-5 * Math.abs(expected))) throw new Error(`${exportNameOf(spec)} returned ${check}, expected ${expected}`);
  const flopsPerIteration = spec.accumulators * spec.unroll * lanesOf(spec.kind) * 2;
  // Calibrate (these calls also let V8 tier the function up), then warm up at the final size.
  let iterations = 1 << 12;
  let ms = 0;
  for (let attempt = 0; attempt < 40; attempt++) {
    ms = timeMs(() => run(iterations, A, B, INIT));
    if (ms >= runMs / 4 && attempt >= 4) break;
    if (ms < runMs / 4) iterations *= 2;
  }
  iterations = Math.max(1, Math.min(2 ** 31 - 1, Math.round((iterations * runMs) / ms)));
  for (let warm = 0; warm < 2; warm++) run(iterations, A, B, INIT);
  const runsMs: number[] = [];
  let sink = 0;
  for (let r = 0; r < runs; r++) runsMs.push(timeMs(() => (sink += run(iterations, A, B, INIT))));
  if (!Number.isFinite(sink)) throw new Error(`${exportNameOf(spec)}: non-finite result`);
  const flopsPerRun = iterations * flopsPerIteration;
  const gflopsRuns = runsMs.map((t) => flopsPerRun / (t * 1e6));
  results.push({ kernel: spec.kind, accumulators: spec.accumulators, unroll: spec.unroll, iterations, flopsPerRun, gflops: median(gflopsRuns), runsMs, gflopsRuns });
}

printTable(
  `WebAssembly arithmetic, 1 thread, no memory traffic (median of ${runs} runs of ~${runMs} ms, GFLOP/s)`,
  ['kernel', 'accumulators', 'GFLOP/s', 'min', 'max', 'ns/step/acc'],
  results.map((r) => [
    r.kernel,
    String(r.accumulators),
    fmt(r.gflops),
    fmt(Math.min(...r.gflopsRuns)),
    fmt(Math.max(...r.gflopsRuns)),
    fmt((median(r.runsMs) * 1e6) / (r.iterations * r.unroll * r.accumulators)),
  ]),
);

/** Head to head: the best K of mul+add and of relaxed_madd, alternating rounds, next to the cycle clock. */
interface HeadToHead {
  readonly mulAdd: { readonly accumulators: number; readonly gflopsRuns: number[]; readonly flopsPerCycle: number };
  readonly relaxedMadd: { readonly accumulators: number; readonly gflopsRuns: number[]; readonly flopsPerCycle: number };
  readonly clockGhzRuns: number[];
  /** Median of the per-round ratios relaxed_madd / mul+add. */
  readonly ratio: number;
}

function bestOf(kind: Kind): KernelResult | undefined {
  return results.filter((r) => r.kernel === kind).reduce<KernelResult | undefined>((top, r) => (top === undefined || r.gflops > top.gflops ? r : top), undefined);
}

function headToHead(): HeadToHead | undefined {
  const mulAdd = bestOf('f32x4 mul+add');
  const relaxed = bestOf('f32x4 relaxed_madd');
  if (mulAdd === undefined || relaxed === undefined) return undefined;
  const runOf = (r: KernelResult): (() => number) => {
    const spec = specs.find((s) => s.kind === r.kernel && s.accumulators === r.accumulators) as KernelSpec;
    const run = functions.get(spec) as KernelFunction;
    return () => run(r.iterations, A, B, INIT);
  };
  const chain = dependentAddChain();
  let chainIterations = 1 << 12;
  for (let attempt = 0; attempt < 40; attempt++) {
    const ms = timeMs(() => chain(chainIterations, 7));
    if (ms >= runMs / 4 && attempt >= 4) {
      chainIterations = Math.max(1, Math.round((chainIterations * runMs) / ms));
      break;
    }
    if (ms < runMs / 4) chainIterations *= 2;
  }
  const expected = Math.imul(chainIterations * ADDS_PER_ITERATION, 7) | 0;
  if ((chain(chainIterations, 7) | 0) !== expected) throw new Error('cycle clock: the add chain returned a wrong sum');
  const timed = [
    { name: 'clock', run: () => chain(chainIterations, 7), work: chainIterations * ADDS_PER_ITERATION, out: [] as number[] },
    { name: 'mul+add', run: runOf(mulAdd), work: mulAdd.flopsPerRun, out: [] as number[] },
    { name: 'relaxed', run: runOf(relaxed), work: relaxed.flopsPerRun, out: [] as number[] },
  ];
  for (let round = 0; round < runs; round++) {
    // Alternate the order so that neither kernel always follows the other.
    const order = round % 2 === 0 ? timed : [...timed].reverse();
    for (const t of order) {
      // CPU time of this process, not wall time: a time slice taken by another process on this
      // 2-core VM would otherwise count against whichever kernel it fell on.
      const before = process.cpuUsage();
      t.run();
      const cpu = process.cpuUsage(before);
      t.out.push(t.work / ((cpu.user + cpu.system) * 1e3));
    }
  }
  const [clock, mulAddRuns, relaxedRuns] = timed.map((t) => t.out) as [number[], number[], number[]];
  return {
    mulAdd: { accumulators: mulAdd.accumulators, gflopsRuns: mulAddRuns, flopsPerCycle: medianRatio(mulAddRuns, clock) },
    relaxedMadd: { accumulators: relaxed.accumulators, gflopsRuns: relaxedRuns, flopsPerCycle: medianRatio(relaxedRuns, clock) },
    clockGhzRuns: clock,
    ratio: medianRatio(relaxedRuns, mulAddRuns),
  };
}

const versus = headToHead();
if (versus !== undefined) {
  printTable(
    `head to head, ${runs} alternating rounds of ~${runMs} ms, per CPU second (clock: dependent i32.add chain, 1 add per cycle)`,
    ['kernel', 'accumulators', 'GFLOP/s', 'min', 'max', 'flops/cycle'],
    [
      ['f32x4 mul+add', String(versus.mulAdd.accumulators), fmt(median(versus.mulAdd.gflopsRuns)), fmt(Math.min(...versus.mulAdd.gflopsRuns)), fmt(Math.max(...versus.mulAdd.gflopsRuns)), fmt(versus.mulAdd.flopsPerCycle)],
      ['f32x4 relaxed_madd', String(versus.relaxedMadd.accumulators), fmt(median(versus.relaxedMadd.gflopsRuns)), fmt(Math.min(...versus.relaxedMadd.gflopsRuns)), fmt(Math.max(...versus.relaxedMadd.gflopsRuns)), fmt(versus.relaxedMadd.flopsPerCycle)],
      ['clock (GHz)', '', fmt(median(versus.clockGhzRuns)), fmt(Math.min(...versus.clockGhzRuns)), fmt(Math.max(...versus.clockGhzRuns)), ''],
    ],
  );
  console.log(`relaxed_madd / mul+add: ${fmt(versus.ratio)}x (median of per-round ratios)`);
}

const best = (kind: Kind): number | undefined => {
  const values = results.filter((r) => r.kernel === kind).map((r) => r.gflops);
  return values.length === 0 ? undefined : Math.max(...values);
};
const mulAddPeak = best('f32x4 mul+add') ?? Number.NaN;
const relaxedPeak = best('f32x4 relaxed_madd');
const scalarPeak = best('f32 scalar mul+add');
const simdPeak = Math.max(mulAddPeak, relaxedPeak ?? 0);

/** MACs per sample: forward, weight gradients (same), input gradients of layers 2 and 3. */
const FORWARD_MACS = 784 * 300 + 300 * 100 + 100 * 10;
const BACKWARD_MACS = FORWARD_MACS + 300 * 100 + 100 * 10;

/**
 * Dense FLOPs of one LeNet-300-100 training step (784-300-100-10) at `batch`: the matrix
 * products only (2 flops per MAC), forward plus backward (weight gradients of all three layers,
 * input gradients of layers 2 and 3); biases, activations, loss and the Adam update not counted.
 * Masked arms are counted dense (both sides multiply full matrices holding zeros).
 */
function lenetStepFlops(batch: number): number {
  return 2 * batch * (FORWARD_MACS + BACKWARD_MACS);
}

/** GFLOP/s of a training throughput in samples per second. */
const samplesToGflops = (samplesPerSecond: number): number => (samplesPerSecond * lenetStepFlops(1)) / 1e9;

printTable(
  'LeNet-300-100 training step, dense FLOPs (matrix products: forward + weight grads + input grads of layers 2-3)',
  ['batch', 'MFLOP/step'],
  [1, 60, 512].map((batch) => [String(batch), fmt(lenetStepFlops(batch) / 1e6)]),
);

interface TrainingFile {
  readonly date?: string;
  readonly results?: readonly { readonly batch?: number; readonly arms?: readonly { readonly name?: string; readonly samplesPerSecond?: number }[] }[];
}
const training = readResults<TrainingFile>('training-wasm');
const achieved: { name: string; batch: number; samplesPerSecond: number; gflops: number; fractionOfSimdPeak: number }[] = [];
for (const batch of [60, 512]) {
  for (const [arm, label] of [
    ['torch×1 masked', 'PyTorch×1 masked'],
    ['fast masked', 'ours (fast masked, wasm)'],
  ] as const) {
    const samplesPerSecond = training?.results?.find((r) => r.batch === batch)?.arms?.find((a) => a.name === arm)?.samplesPerSecond;
    if (samplesPerSecond === undefined) continue;
    const gflops = samplesToGflops(samplesPerSecond);
    achieved.push({ name: label, batch, samplesPerSecond, gflops, fractionOfSimdPeak: gflops / simdPeak });
  }
}
const percent = (value: number): string => `${fmt(value * 100)} %`;
printTable(
  training === undefined
    ? 'reference (bench/results/training-wasm.json not found: run bench/training.ts --backend wasm)'
    : `reference: wasm ceiling vs achieved training GFLOP/s (training-wasm.json of ${training.date ?? '?'})`,
  ['figure', 'samples/s', 'GFLOP/s', 'of wasm SIMD 1-core peak'],
  [
    ['wasm SIMD peak, 1 core', '', fmt(simdPeak), percent(1)],
    ['wasm SIMD peak, x2 cores (2 x 1 core, not measured)', '', fmt(2 * simdPeak), percent(2)],
    ...(scalarPeak === undefined ? [] : [['wasm scalar f32 peak, 1 core', '', fmt(scalarPeak), percent(scalarPeak / simdPeak)]]),
    ...achieved.map((a) => [`${a.name}, batch ${a.batch}`, fmt(a.samplesPerSecond), fmt(a.gflops), percent(a.fractionOfSimdPeak)]),
  ],
);
if (!relaxedSimd.available) console.log('relaxed SIMD not available on this engine: the peak is f32x4 mul+add only');
console.log('PyTorch runs native AVX2/AVX-512 kernels (256/512-bit vectors, FMA); wasm SIMD is 128-bit, so PyTorch×1 may exceed the wasm 1-core ceiling.');

const machineAfter = machineInfo();
const path = writeResults('simd-peak', {
  benchmark: 'simd-peak',
  date: new Date().toISOString(),
  machine: { ...machineAfter, loadAverageBefore: machineBefore.loadAverage },
  v8: process.versions.v8,
  method: `1 thread; acc ← acc·${A} + ${B} on K independent accumulators in registers, no memory traffic; median of ${runs} runs of ~${runMs} ms after calibration and warm-up (wall time); headToHead: alternating rounds timed in this process's CPU time, flops per cycle against a dependent i32.add chain`,
  relaxedSimd: { ...relaxedSimd, rounding: rounding ?? null },
  kernels: results,
  headToHead: versus ?? null,
  peakGflops: { simd1Core: simdPeak, simd2CoresEstimate: 2 * simdPeak, f32x4MulAdd: mulAddPeak, f32x4RelaxedMadd: relaxedPeak ?? null, scalar: scalarPeak ?? null },
  lenet: {
    flopsPerSample: lenetStepFlops(1),
    stepFlops: { 60: lenetStepFlops(60), 512: lenetStepFlops(512) },
    counted: 'dense matrix products: forward 784·300+300·100+100·10 MACs, weight grads the same, input grads 300·100+100·10; 2 flops per MAC',
  },
  achieved: { source: training === undefined ? null : `training-wasm.json of ${training.date ?? '?'}`, arms: achieved },
  // For pnpm bench's summary: here the ratio is ours / PyTorch's GFLOP/s (> 1 = ours higher).
  summary: achieved
    .filter((a) => a.name.startsWith('PyTorch'))
    .map((a) => ({
      name: `wasm SIMD arithmetic peak, 1 core vs PyTorch×1 achieved on a LeNet step, batch ${a.batch} (GFLOP/s; ratio = ours / PyTorch)`,
      ours: simdPeak,
      peer: a.gflops,
      unit: 'GFLOP/s',
      ratio: simdPeak / a.gflops,
    })),
});
console.log(`\nload average after: ${machineAfter.loadAverage.join(' ')}; results: ${path}`);
