/**
 * Global magnitude threshold: the k-th smallest of n float32 magnitudes (k = ⌊0.9 n⌋, pruning to
 * 90 % sparsity), n = 1e7 and 1e8, side by side with torch.kthvalue and torch.topk
 * (bench/python/select.py, 1 thread: both sides run one core).
 *
 *   pnpm exec tsx --import ./bench/lib/register.mjs bench/selection.ts [--sizes 1e7,1e8] [--reps 5] [--quick]
 *
 * Arms on one Float32Array of |N(0, 1)| values (made once, outside the timing):
 *   core valueAtRank   the library's k-th smallest with alive flags (@sparse/core: a sampled
 *                      bracket, one pass, quickselect over the ~2 % inside the bracket)
 *   core pruneLowest   a whole global prune to 90 %: the threshold, then the new alive flags
 *                      (a WebAssembly SIMD pass, 16 scores per instruction group; its ratio to
 *                      valueAtRank is the "within 1.5x" goal)
 *   core pruneLowest into  the same, writing into one array reused across calls (options.into):
 *                      no fresh 10 MB output to allocate and first touch per call
 *   read floor         one pass summing the values: no selection can beat it
 *   torch kthvalue / topk
 * Each answer of valueAtRank is checked exactly: fewer than k values lie below it, at least k
 * at or below it.
 * Repetitions interleave the arms; ratios are medians of per-repetition ratios.
 *
 * For 1e7 it also splits the end-to-end cost of a threshold taken from a tensor on the wasm
 * backend: |w| on the backend, the download (dataSync), the selection.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, pruneLowest, Random, valueAtRank } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { exitOnError } from './lib/fail.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { findTorchPython, PeerProcess, torchMissingReason } from './lib/peer.js';
import { writeResults } from './lib/results.js';
import { readOnce } from './lib/read-once.js';
import { fmt, median, medianRatio, printTable, timeMs } from './lib/stats.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const quick = process.argv.includes('--quick');
const sizes = option('sizes', quick ? '1e7' : '1e7,1e8').split(',').map(Number);
const repsOption = Number(option('reps', quick ? '3' : '0'));

const python = findTorchPython();
const machineBefore = machineInfo();
console.log(`selection benchmark; ${describeMachine(machineBefore)}`);
if (python === null) console.log(`PyTorch peer skipped: ${torchMissingReason}`);
const peer = python === null ? null : new PeerProcess(python, 'select.py');

function magnitudes(n: number): Float32Array {
  const values = new Random(n % 2 ** 31).fillNormal(new Float32Array(n));
  for (let i = 0; i < n; i++) values[i] = Math.abs(values[i] as number);
  return values;
}

interface SizeResult {
  readonly n: number;
  readonly k: number;
  readonly ms: Record<string, number>;
  readonly reps: Record<string, number[]>;
  readonly ratios: Record<string, number>;
  readonly valueCheck: { readonly value: number | undefined; readonly below: number; readonly atOrBelow: number; readonly exact: boolean };
}

/** Whether `value` is the k-th smallest (1-based k): fewer than k values below it, at least k at or below it. */
function checkRank(values: Float32Array, value: number | undefined, k: number): SizeResult['valueCheck'] {
  let below = 0;
  let atOrBelow = 0;
  if (value !== undefined) {
    for (let i = 0; i < values.length; i++) {
      const x = values[i] as number;
      below += +(x < value);
      atOrBelow += +(x <= value);
    }
  }
  return { value, below, atOrBelow, exact: value !== undefined && below < k && atOrBelow >= k };
}

const results: SizeResult[] = [];
for (const n of sizes) {
  const reps = repsOption > 0 ? repsOption : n >= 1e8 ? 3 : 7;
  const values = magnitudes(n);
  const k = Math.floor(0.9 * n);
  const alive = new Uint8Array(n).fill(1);
  let coreValue: number | undefined;
  let flags: Uint8Array | undefined;
  let intoFlags: Uint8Array | undefined;
  const reused = new Uint8Array(n);
  const ours: Record<string, () => void> = {
    'core valueAtRank': () => {
      coreValue = valueAtRank([{ scores: values, alive }], k - 1);
    },
    'core pruneLowest': () => {
      flags = pruneLowest(values, alive, k);
    },
    'core pruneLowest into': () => {
      intoFlags = pruneLowest(values, alive, k, { into: reused });
    },
    'read floor': () => {
      readOnce(values);
    },
  };
  const torchOps = peer === null ? [] : ['kthvalue', 'topk'];
  const times: Record<string, number[]> = {};
  for (const name of [...Object.keys(ours), ...torchOps.map((op) => `torch ${op}`)]) times[name] = [];
  // warm-up
  for (const run of Object.values(ours)) run();
  for (const op of torchOps) await peer?.request({ n, op, threads: 1, reps: 1 });
  for (let rep = 0; rep < reps; rep++) {
    for (const [name, run] of Object.entries(ours)) times[name]?.push(timeMs(run));
    for (const op of torchOps) {
      const answer = await peer?.request<{ ms: number[] }>({ n, op, threads: 1, reps: 1 });
      times[`torch ${op}`]?.push(answer?.ms[0] ?? Number.NaN);
    }
    process.stdout.write(`\r  n=${n.toExponential(0)}: repetition ${rep + 1}/${reps}`);
  }
  process.stdout.write('\n');
  const ms = Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
  const ratios: Record<string, number> = {};
  if (peer !== null) {
    ratios['core valueAtRank vs torch kthvalue'] = medianRatio(times['torch kthvalue'] ?? [], times['core valueAtRank'] ?? []);
    ratios['core valueAtRank vs torch topk'] = medianRatio(times['torch topk'] ?? [], times['core valueAtRank'] ?? []);
    ratios['core pruneLowest vs torch kthvalue'] = medianRatio(times['torch kthvalue'] ?? [], times['core pruneLowest'] ?? []);
  }
  ratios['core valueAtRank / read floor'] = medianRatio(times['core valueAtRank'] ?? [], times['read floor'] ?? []);
  ratios['core pruneLowest / core valueAtRank'] = medianRatio(times['core pruneLowest'] ?? [], times['core valueAtRank'] ?? []);
  ratios['core pruneLowest into / core valueAtRank'] = medianRatio(times['core pruneLowest into'] ?? [], times['core valueAtRank'] ?? []);
  const valueCheck = checkRank(values, coreValue, k);
  results.push({ n, k, ms, reps: times, ratios, valueCheck });
  if (!valueCheck.exact) exitOnError(new Error(`valueAtRank answered ${coreValue}: ${valueCheck.below} values below it, ${valueCheck.atOrBelow} at or below, k = ${k}`));
  const kept = flags?.reduce((sum, flag) => sum + flag, 0);
  if (kept !== n - k) exitOnError(new Error(`pruneLowest kept ${kept} of ${n}, expected ${n - k}`));
  if (intoFlags === undefined || flags === undefined || intoFlags.some((flag, i) => flag !== flags?.[i])) exitOnError(new Error('pruneLowest with options.into wrote other flags than pruneLowest'));
  printTable(
    `k-th smallest of n = ${n.toExponential(0)} float32 magnitudes, k = 0.9 n (median of ${reps}, ms)`,
    ['arm', 'ms', 'ns/value'],
    Object.entries(ms).map(([name, value]) => [name, fmt(value), fmt((value * 1e6) / n)]),
  );
  printTable(
    `ratios, n = ${n.toExponential(0)} ("vs": >1 = ours faster; "/ read floor": times the floor)`,
    ['ratio', 'value'],
    Object.entries(ratios).map(([name, value]) => [name, `${fmt(value)}x`]),
  );
}
peer?.close();

// End to end from a tensor on the wasm backend, 1e7 values: |w| on the backend, download, select.
const endToEnd: Record<string, number> = {};
if (sizes.includes(1e7)) {
  const runtime = await createRuntime({ backend: 'wasm', plugins: [wasmBackend()], onWarning: () => {} });
  const n = 1e7;
  const weights = tf.randomNormal([n], 0, 1, 'float32', 5);
  const split: Record<string, number[]> = { 'abs on backend': [], 'download (dataSync)': [], 'select (core valueAtRank)': [] };
  const alive = new Uint8Array(n).fill(1);
  for (let rep = 0; rep < 6; rep++) {
    let magnitudesTensor: tf.Tensor | undefined;
    let host: Float32Array = new Float32Array(0);
    const absMs = timeMs(() => {
      magnitudesTensor = tf.abs(weights);
    });
    const downloadMs = timeMs(() => {
      host = magnitudesTensor?.dataSync() as Float32Array;
    });
    const selectMs = timeMs(() => valueAtRank([{ scores: host, alive }], Math.floor(0.9 * n) - 1));
    magnitudesTensor?.dispose();
    if (rep === 0) continue; // warm-up
    split['abs on backend']?.push(absMs);
    split['download (dataSync)']?.push(downloadMs);
    split['select (core valueAtRank)']?.push(selectMs);
  }
  weights.dispose();
  for (const [name, list] of Object.entries(split)) endToEnd[name] = median(list);
  printTable(
    `threshold of a 1e7-value tensor on ${runtime.backend}, split (median of 5, ms)`,
    ['part', 'ms'],
    Object.entries(endToEnd).map(([name, value]) => [name, fmt(value)]),
  );
}

const machineAfter = machineInfo();
const path = writeResults('selection', {
  benchmark: 'selection',
  date: new Date().toISOString(),
  machine: { ...machineAfter, loadAverageBefore: machineBefore.loadAverage },
  data: '|N(0,1)| float32, k = floor(0.9 n), torch at 1 thread',
  results,
  endToEndWasm1e7: endToEnd,
});
console.log(`\nload average after: ${machineAfter.loadAverage.join(' ')}; results: ${path}`);
