/**
 * The data-parallel worker-thread lever for training throughput, measured: LeNet-300-100 with
 * masks and the fused path on the wasm backend, each batch split over 2 worker threads, against
 * one worker doing the whole step and against PyTorch with one thread.
 *
 *   pnpm exec tsx --import ./bench/lib/register.mjs bench/parallel-training.ts [--batch 60] [--rounds 9] [--steps 100]
 *
 * - batch split (data parallel, bench/lib/parallel-worker.ts): each worker takes b/2 rows of the
 *   batch; gradients (1 MB) are averaged through a SharedArrayBuffer and every worker applies the
 *   same update (fusedDense, meanSoftmaxCrossEntropy, masked fusedAdam).
 *
 * A prototype, not library code: the library's multi-thread path splits the first layer's units
 * instead (@sparse/backend-wasm's createDenseTrainer, measured by bench/training.ts). Rounds
 * interleave the arms; figures are medians. Checks: after 5 steps from the same start, the
 * parallel arm's weights equal one worker's to float32 rounding (max |Δw| / max |w| < 1e-4);
 * after the run the workers' copies are bit-identical.
 */
import { Worker } from 'node:worker_threads';
import { CONTROL } from '../packages/backend-wasm/src/parallel/barrier.js';
import './lib/fail.js';
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
const SHAPES: readonly (readonly number[])[] = [[784, 300], [300], [300, 100], [100], [100, 10], [10]];
const TOTAL = SHAPES.reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);


/** What a worker sends back for `weights`: its parameters in the standard layout. */
interface WorkerWeights {
  readonly weights: Float32Array[];
  readonly tensors: number;
}

interface Pool {
  run(count: number): Promise<number>;
  weights(): Promise<WorkerWeights[]>;
  close(): Promise<void>;
}

async function startPool(count: number): Promise<Pool> {
  const shared = { gradients: new SharedArrayBuffer(2 * count * TOTAL * 4) };
  const control = new SharedArrayBuffer(CONTROL.length * 4);
  const workers = Array.from(
    { length: count },
    (_, index) =>
      new Worker(new URL('./lib/parallel-worker-boot.mjs', import.meta.url), {
        workerData: { index, workers: count, batch, pool: POOL, learningRate: 1.2e-3, control, ...shared },
      }),
  );
  const next = (worker: Worker) =>
    new Promise<unknown>((resolve, reject) => {
      const onMessage = (message: unknown) => {
        worker.off('error', onError);
        resolve(message);
      };
      const onError = (error: unknown) => {
        worker.off('message', onMessage);
        reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
    });
  await Promise.all(workers.map(next));
  return {
    run: async (n) => {
      const answers = workers.map(next);
      for (const worker of workers) worker.postMessage({ steps: n });
      const times = (await Promise.all(answers)) as { ms: number }[];
      return Math.max(...times.map((t) => t.ms)) / n;
    },
    weights: async () => {
      const answers = workers.map(next);
      for (const worker of workers) worker.postMessage('weights');
      return (await Promise.all(answers)) as WorkerWeights[];
    },
    close: async () => {
      await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve).postMessage('exit'))));
    },
  };
}

/** The model's weights of a pool (its first worker's) and whether all workers' copies are bit-identical. */
function assemble(parts: readonly WorkerWeights[]): { weights: Float32Array[]; identical: boolean } {
  const [head] = parts;
  if (head === undefined) throw new Error('a pool without workers');
  const identical = parts.every((part) => part.weights.every((w, i) => w.every((value, j) => value === (head.weights[i] as Float32Array)[j])));
  return { weights: head.weights, identical };
}

/** max |Δw| / max |w| over the parameters, against a reference. */
function relativeDifference(weights: readonly Float32Array[], reference: readonly Float32Array[]): number {
  let worst = 0;
  weights.forEach((w, i) => {
    const expected = reference[i] as Float32Array;
    let largest = 0;
    let difference = 0;
    for (let j = 0; j < w.length; j++) {
      largest = Math.max(largest, Math.abs(expected[j] as number));
      difference = Math.max(difference, Math.abs((w[j] as number) - (expected[j] as number)));
    }
    worst = Math.max(worst, difference / largest);
  });
  return worst;
}

const machineBefore = machineInfo();
console.log(`parallel training prototypes, batch ${batch}; ${describeMachine(machineBefore)}`);
const python = findTorchPython();
if (python === null) console.log(`PyTorch peer skipped: ${torchMissingReason}`);
const peer = python === null ? null : new PeerProcess(python, 'train_lenet.py');

const pools = {
  'ours, 1 worker': await startPool(1),
  'ours, 2 workers, batch split': await startPool(2),
};
// Before timing: 5 steps on each pool from the same start must agree to float32 rounding.
for (const pool of Object.values(pools)) await pool.run(5);
const reference = assemble(await pools['ours, 1 worker'].weights()).weights;
const agreement: Record<string, number> = {};
for (const [name, pool] of Object.entries(pools).slice(1)) {
  agreement[name] = relativeDifference(assemble(await pool.weights()).weights, reference);
  console.log(`  after 5 steps, ${name} vs 1 worker: max |Δw| / max |w| = ${(agreement[name] as number).toExponential(1)}`);
}

const arms: Record<string, () => Promise<number>> = {
  ...Object.fromEntries(Object.entries(pools).map(([name, pool]) => [name, () => pool.run(steps)])),
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

const identical: Record<string, boolean> = {};
for (const [name, pool] of Object.entries(pools).slice(1)) identical[name] = assemble(await pool.weights()).identical;
for (const pool of Object.values(pools)) await pool.close();
peer?.close();

const ms = Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
printTable(
  `LeNet-300-100 masked training step, batch ${batch}, wasm fused path (median of ${rounds} rounds of ${steps} steps)`,
  ['arm', 'ms/step', 'samples/s'],
  Object.entries(ms).map(([name, value]) => [name, fmt(value), fmt((1000 * batch) / value)]),
);
const ratioOf = (peerArm: string, ourArm: string) => medianRatio(times[peerArm] ?? [], times[ourArm] ?? []);
const ratios: Record<string, number> = {
  '2 workers, batch split vs 1 worker': ratioOf('ours, 1 worker', 'ours, 2 workers, batch split'),
  ...(peer === null
    ? {}
    : {
        '1 worker vs torch×1': ratioOf('torch×1', 'ours, 1 worker'),
        '2 workers, batch split vs torch×1': ratioOf('torch×1', 'ours, 2 workers, batch split'),
      }),
};
printTable('ratios (peer time / ours: > 1 = ours faster)', ['ratio', 'value'], Object.entries(ratios).map(([name, value]) => [name, `${fmt(value)}x`]));
for (const [name, same] of Object.entries(identical)) console.log(`${name}: shared copies bit-identical after the run: ${same}`);
if (!Object.values(identical).every(Boolean) || !Object.values(agreement).every((value) => value < 1e-4)) {
  console.error('a parallel arm diverged from one worker');
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
  relativeToOneWorker: agreement,
  summary: [
    ...(['batch'] as const).map((split) => ({
      name: `masked training, batch ${batch}, 2 workers (${split} split) vs 1 worker (ms/step)`,
      ours: ms[`ours, 2 workers, ${split} split`],
      peer: ms['ours, 1 worker'],
      unit: 'ms (peer column: 1 worker)',
      ratio: ratios[`2 workers, ${split} split vs 1 worker`],
    })),
    ...(peer === null
      ? []
      : (['batch'] as const).map((split) => ({
          name: `masked training, batch ${batch}, 2 workers (${split} split) vs torch×1 (ms/step)`,
          ours: ms[`ours, 2 workers, ${split} split`],
          peer: ms['torch×1'],
          unit: 'ms',
          ratio: ratios[`2 workers, ${split} split vs torch×1`],
        }))),
  ],
});
console.log(`load average after: ${machineAfter.loadAverage.join(' ')}; results: ${path}`);
