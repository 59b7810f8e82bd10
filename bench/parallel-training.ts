/**
 * The worker-thread lever for training throughput, measured: LeNet-300-100 with masks and the
 * fused path (fusedDense, meanSoftmaxCrossEntropy, masked fusedAdam) on the wasm backend, data
 * parallel over W worker threads (bench/lib/parallel-worker.ts: each takes b/W rows of the batch,
 * gradients are averaged through a SharedArrayBuffer, every worker applies the same update),
 * against one worker doing the whole batch and against PyTorch with one thread.
 *
 *   pnpm exec tsx --import ./bench/lib/register.mjs bench/parallel-training.ts [--batch 60] [--rounds 9] [--steps 100]
 *
 * A prototype, not library code: it answers how much two cores give at batch 60 before the
 * library grows a parallel training API. Rounds interleave the arms; figures are medians.
 * Checks: after 5 steps from the same start, two workers' weights equal one worker's to float32
 * rounding (max |Δw| / max |w| < 1e-4); after the run the workers' copies are bit-identical.
 */
import { Worker } from 'node:worker_threads';
import { describeMachine, machineInfo } from './lib/machine.js';
import { findTorchPython, PeerProcess, torchMissingReason } from './lib/peer.js';
import { writeResults } from './lib/results.js';
import { fmt, median, medianRatio, printTable } from './lib/stats.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const batch = Number(option('batch', '60'));
const rounds = Number(option('rounds', '9'));
const steps = Number(option('steps', '100'));
const POOL = 8;

interface Pool {
  readonly workers: Worker[];
  run(count: number): Promise<number>;
  weights(): Promise<{ weights: Float32Array[]; tensors: number }[]>;
  close(): Promise<void>;
}

async function startPool(count: number): Promise<Pool> {
  const total = 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10;
  const gradients = new SharedArrayBuffer(2 * count * total * 4);
  const control = new SharedArrayBuffer(8);
  const workers = Array.from(
    { length: count },
    (_, index) =>
      new Worker(new URL('./lib/parallel-worker-boot.mjs', import.meta.url), {
        workerData: { index, workers: count, batch, pool: POOL, learningRate: 1.2e-3, gradients, control },
      }),
  );
  const next = (worker: Worker) =>
    new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  await Promise.all(workers.map(next));
  return {
    workers,
    run: async (n) => {
      const answers = workers.map(next);
      for (const worker of workers) worker.postMessage({ steps: n });
      const times = (await Promise.all(answers)) as { ms: number }[];
      return Math.max(...times.map((t) => t.ms)) / n;
    },
    weights: async () => {
      const answers = workers.map(next);
      for (const worker of workers) worker.postMessage('weights');
      return (await Promise.all(answers)) as { weights: Float32Array[]; tensors: number }[];
    },
    close: async () => {
      await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve).postMessage('exit'))));
    },
  };
}

const machineBefore = machineInfo();
console.log(`parallel training prototype, batch ${batch}; ${describeMachine(machineBefore)}`);
const python = findTorchPython();
if (python === null) console.log(`PyTorch peer skipped: ${torchMissingReason}`);
const peer = python === null ? null : new PeerProcess(python, 'train_lenet.py');

const one = await startPool(1);
const two = await startPool(2);
// Before timing: 5 steps on each pool from the same start must agree to float32 rounding.
await one.run(5);
await two.run(5);
const relative = await (async () => {
  const [first] = await two.weights();
  const [single] = await one.weights();
  let worst = 0;
  first?.weights.forEach((w, i) => {
    const reference = single?.weights[i] as Float32Array;
    let largest = 0;
    let difference = 0;
    for (let j = 0; j < w.length; j++) {
      largest = Math.max(largest, Math.abs(reference[j] as number));
      difference = Math.max(difference, Math.abs((w[j] as number) - (reference[j] as number)));
    }
    worst = Math.max(worst, difference / largest);
  });
  return worst;
})();
console.log(`  after 5 steps, 2 workers vs 1 worker: max |Δw| / max |w| = ${relative.toExponential(1)}`);

const arms: Record<string, () => Promise<number>> = {
  'ours, 1 worker': () => one.run(steps),
  'ours, 2 workers': () => two.run(steps),
  ...(peer === null
    ? {}
    : { 'torch×1': async () => (await peer.request<{ ms_per_step: number }>({ batch, threads: 1, masked: true, steps })).ms_per_step }),
};
for (const run of Object.values(arms)) await run(); // warm-up
const times: Record<string, number[]> = Object.fromEntries(Object.keys(arms).map((name) => [name, []]));
const names = Object.keys(arms);
for (let round = 0; round < rounds; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length] as string);
  for (const name of order) times[name]?.push(await (arms[name] as () => Promise<number>)());
  process.stdout.write(`\r  round ${round + 1}/${rounds}`);
}
process.stdout.write('\n');

// The copies of the two workers must stay bit-identical over the whole run.
const [a, b] = await two.weights();
const identical = a?.weights.every((w, i) => w.every((value, j) => value === (b?.weights[i] as Float32Array)[j])) ?? false;
await one.close();
await two.close();
peer?.close();

const ms = Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
printTable(
  `LeNet-300-100 masked training step, batch ${batch}, wasm fused path (median of ${rounds} rounds of ${steps} steps)`,
  ['arm', 'ms/step', 'samples/s'],
  Object.entries(ms).map(([name, value]) => [name, fmt(value), fmt((1000 * batch) / value)]),
);
const ratios: Record<string, number> = {
  '2 workers vs 1 worker': medianRatio(times['ours, 1 worker'] ?? [], times['ours, 2 workers'] ?? []),
  ...(peer === null
    ? {}
    : {
        '2 workers vs torch×1': medianRatio(times['torch×1'] ?? [], times['ours, 2 workers'] ?? []),
        '1 worker vs torch×1': medianRatio(times['torch×1'] ?? [], times['ours, 1 worker'] ?? []),
      }),
};
printTable('ratios (peer time / ours: > 1 = ours faster)', ['ratio', 'value'], Object.entries(ratios).map(([name, value]) => [name, `${fmt(value)}x`]));
console.log(`workers' weights bit-identical after the run: ${identical}`);
if (!identical || !(relative < 1e-4)) {
  console.error('the parallel copies diverged');
  process.exitCode = 1;
}
const machineAfter = machineInfo();
const path = writeResults('parallel-training', {
  benchmark: 'parallel-training',
  date: new Date().toISOString(),
  machine: { ...machineAfter, loadAverageBefore: machineBefore.loadAverage },
  batch,
  rounds,
  steps,
  ms,
  times,
  ratios,
  identical,
  relativeToOneWorker: relative,
  summary: [
    { name: `masked training, batch ${batch}, 2 workers vs 1 worker (ms/step)`, ours: ms['ours, 2 workers'], peer: ms['ours, 1 worker'], unit: 'ms (peer column: 1 worker)', ratio: ratios['2 workers vs 1 worker'] },
    ...(peer === null ? [] : [{ name: `masked training, batch ${batch}, 2 workers vs torch×1 (ms/step)`, ours: ms['ours, 2 workers'], peer: ms['torch×1'], unit: 'ms', ratio: ratios['2 workers vs torch×1'] }]),
  ],
});
console.log(`load average after: ${machineAfter.loadAverage.join(' ')}; results: ${path}`);
