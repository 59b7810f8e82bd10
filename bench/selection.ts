/**
 * Global magnitude threshold: the k-th smallest of n float32 magnitudes (k = ⌊0.9 n⌋, pruning to
 * 90 % sparsity), n = 1e7 and 1e8, side by side with torch.kthvalue and torch.topk
 * (bench/python/select.py, 1 thread: both sides run one core).
 *
 *   pnpm exec tsx --import ./bench/lib/register.mjs bench/selection.ts [--sizes 1e7,1e8] [--reps 5] [--quick]
 *
 * Arms on one Float32Array of |N(0, 1)| values (made once, outside the timing):
 *   core valueAtRank   the library's selection (@sparse/core, radix select with alive flags)
 *   prototype          bench/lib/select-prototype.ts: sample, bracket, one pass, quickselect
 *   read floor         one pass summing the values: no selection can beat it
 *   torch kthvalue / topk
 * Repetitions interleave the arms; ratios are medians of per-repetition ratios.
 *
 * For 1e7 it also splits the end-to-end cost of a threshold taken from a tensor on the wasm
 * backend: |w| on the backend, the download (dataSync), the selection.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, Random, valueAtRank } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import './lib/fail.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { findTorchPython, PeerProcess, torchMissingReason } from './lib/peer.js';
import { writeResults } from './lib/results.js';
import { kthSmallestSampled, readOnce } from './lib/select-prototype.js';
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
  readonly valueCheck: { readonly core: number | undefined; readonly prototype: number };
}

const results: SizeResult[] = [];
for (const n of sizes) {
  const reps = repsOption > 0 ? repsOption : n >= 1e8 ? 3 : 7;
  const values = magnitudes(n);
  const k = Math.floor(0.9 * n);
  const alive = new Uint8Array(n).fill(1);
  let coreValue: number | undefined;
  let prototypeValue = Number.NaN;
  const ours: Record<string, () => void> = {
    'core valueAtRank': () => {
      coreValue = valueAtRank([{ scores: values, alive }], k - 1);
    },
    prototype: () => {
      prototypeValue = kthSmallestSampled(values, k - 1);
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
    ratios['prototype vs torch kthvalue'] = medianRatio(times['torch kthvalue'] ?? [], times.prototype ?? []);
  }
  ratios['core valueAtRank / read floor'] = medianRatio(times['core valueAtRank'] ?? [], times['read floor'] ?? []);
  ratios['prototype / read floor'] = medianRatio(times.prototype ?? [], times['read floor'] ?? []);
  results.push({ n, k, ms, reps: times, ratios, valueCheck: { core: coreValue, prototype: prototypeValue } });
  if (coreValue !== prototypeValue) console.log(`  warning: core ${coreValue} and prototype ${prototypeValue} disagree`);
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
  const split: Record<string, number[]> = { 'abs on backend': [], 'download (dataSync)': [], 'select (core valueAtRank)': [], 'select (prototype)': [] };
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
    const prototypeMs = timeMs(() => kthSmallestSampled(host, Math.floor(0.9 * n) - 1));
    magnitudesTensor?.dispose();
    if (rep === 0) continue; // warm-up
    split['abs on backend']?.push(absMs);
    split['download (dataSync)']?.push(downloadMs);
    split['select (core valueAtRank)']?.push(selectMs);
    split['select (prototype)']?.push(prototypeMs);
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
