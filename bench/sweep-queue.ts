/**
 * The cost of running a sweep through the BullMQ queue instead of on this machine alone.
 *
 *   pnpm exec tsx --import ./bench/lib/register.mjs bench/sweep-queue.ts [--quick]
 *
 * Runs examples/sweeps/lth-rates-quick.json (8 LTH runs; --quick: its first 4) four ways, each into
 * a fresh runs folder: locally with --parallel 1 and 2 (in this process, as `sparse sweep` does),
 * and through a throwaway redis-server (127.0.0.1, no persistence) with 1 and 2 `sparse worker`
 * processes already waiting (the coordinator in this process, as `sparse sweep --queue` does).
 * Reports the wall times, and the queue's own work per unit (enqueue, the worker's upload of the
 * run directory to Redis, the coordinator's assembly of it) as a % of that unit's run time on
 * its worker. Checks that every queued runs folder equals the local one, file for file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtInPlugins } from '@sparse/cli';
import { loadSweepFile, parseQueueUrl, prepareSweep, runSweepLocally, runSweepOnQueue, type PreparedSweep, type QueueTimings } from '@sparse/sweep';
import './lib/fail.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { fmt, median, printTable } from './lib/stats.js';
import { RedisServer, redisServerBinary } from '../packages/sweep/test/support/redis.js';
import { readTree, treeDifferences } from '../packages/sweep/test/support/tree.js';

const repo = fileURLToPath(new URL('../', import.meta.url));
const quick = process.argv.includes('--quick');
const binary = redisServerBinary();
if (binary === undefined) {
  console.log('sweep-queue: skipped, redis-server is not installed (apt-get install redis-server)');
  process.exit(0);
}

const dir = await mkdtemp(join(tmpdir(), 'sparse-bench-sweep-'));
const example = JSON.parse(await readFile(join(repo, 'examples/sweeps/lth-rates-quick.json'), 'utf8')) as Record<string, unknown>;
const sweepPath = join(dir, 'sweep.json');
await writeFile(sweepPath, JSON.stringify(quick ? { ...example, grid: { scorer: ['magnitude', 'random'] } } : example));

async function prepared(runs: string): Promise<PreparedSweep> {
  return prepareSweep({ loaded: await loadSweepFile(sweepPath, dir), cwd: dir, runsRoot: join(dir, runs), builtIns: builtInPlugins() });
}

function startWorker(url: string, name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './bench/lib/register.mjs', 'packages/cli/src/bin.ts', 'worker', '--queue', url, '--name', name, '--scratch', join(dir, `scratch-${name}`)], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('waiting for units')) resolve(child);
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`worker ${name} exited with ${String(code)} before taking units:\n${output}`)));
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  child.removeAllListeners('close');
  await new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.kill('SIGTERM');
  });
}

const machineBefore = machineInfo();
console.log(`sweep-queue${quick ? ' --quick' : ''}: ${describeMachine(machineBefore)}`);
const wall: Record<string, number> = {};
for (const parallel of [1, 2]) {
  const sweep = await prepared(`local-${parallel}`);
  const start = performance.now();
  const outcome = await runSweepLocally(sweep, { parallel });
  wall[`local, --parallel ${parallel}`] = (performance.now() - start) / 1000;
  if (!outcome.statuses.every((run) => run.status === 'done')) throw new Error(`the local sweep (--parallel ${parallel}) did not finish every run`);
  console.log(`local --parallel ${parallel}: ${fmt(wall[`local, --parallel ${parallel}`])} s for ${sweep.runs.length} runs`);
}

const redis = await RedisServer.start(binary);
const address = parseQueueUrl(redis.url);
const timings: Record<string, QueueTimings> = {};
const equal: Record<string, boolean> = {};
try {
  for (const count of [1, 2]) {
    const workers = await Promise.all(Array.from({ length: count }, (_, index) => startWorker(redis.url, `w${index + 1}`)));
    try {
      const label = `queue, ${count} worker process${count === 1 ? '' : 'es'}`;
      const start = performance.now();
      const sweep = await prepared(`queue-${count}`);
      const { outcome, timings: measured } = await runSweepOnQueue(sweep, { address, pollMs: 1000 });
      wall[label] = (performance.now() - start) / 1000;
      timings[label] = measured;
      if (!outcome.statuses.every((run) => run.status === 'done')) throw new Error(`the queued sweep (${count} workers) did not finish every run`);
      equal[label] = treeDifferences(await readTree(join(dir, 'local-1')), await readTree(join(dir, `queue-${count}`))).length === 0;
      console.log(`${label}: ${fmt(wall[label])} s; runs folder equal to the local one: ${equal[label] ? 'yes' : 'NO'}`);
    } finally {
      await Promise.all(workers.map(stopWorker));
    }
  }
} finally {
  await redis.kill();
  await rm(dir, { recursive: true, force: true });
}

const perUnit = Object.entries(timings).flatMap(([label, measured]) => measured.units.map((unit) => {
  const enqueueMs = measured.enqueueMs / Math.max(1, measured.units.length);
  const overheadMs = enqueueMs + unit.uploadMs + unit.assembleMs;
  return { label, id: unit.id, runMs: unit.runMs, enqueueMs, uploadMs: unit.uploadMs, assembleMs: unit.assembleMs, overheadMs, percent: (100 * overheadMs) / unit.runMs };
}));
printTable('Queue work per unit (median over units of both queued sweeps)', ['', 'ms', '% of the unit'], [
  ['enqueue (addBulk share)', fmt(median(perUnit.map((u) => u.enqueueMs))), fmt(median(perUnit.map((u) => (100 * u.enqueueMs) / u.runMs)))],
  ['upload of the run directory (worker)', fmt(median(perUnit.map((u) => u.uploadMs))), fmt(median(perUnit.map((u) => (100 * u.uploadMs) / u.runMs)))],
  ['assembly of the run directory (coordinator)', fmt(median(perUnit.map((u) => u.assembleMs))), fmt(median(perUnit.map((u) => (100 * u.assembleMs) / u.runMs)))],
  ['total', fmt(median(perUnit.map((u) => u.overheadMs))), fmt(median(perUnit.map((u) => u.percent)))],
  ['unit run time on its worker', fmt(median(perUnit.map((u) => u.runMs))), '100'],
]);
printTable('Sweep wall time', ['', 's'], Object.entries(wall).map(([label, seconds]) => [label, fmt(seconds)]));
const machine = machineInfo();
const overhead = median(perUnit.map((u) => u.percent));
const worst = Math.max(...perUnit.map((u) => u.percent));
console.log(`queue overhead per unit: median ${fmt(overhead)} %, worst ${fmt(worst)} % (goal: under 2 %)`);
const path = writeResults('sweep-queue', {
  date: new Date().toISOString(),
  machine: { ...machine, loadAverageBefore: machineBefore.loadAverage },
  command: `pnpm exec tsx --import ./bench/lib/register.mjs bench/sweep-queue.ts${quick ? ' --quick' : ''}`,
  runs: perUnit.length / 2,
  wallSeconds: wall,
  equalToLocal: equal,
  perUnit,
  summary: [
    { name: 'queue overhead per unit (enqueue + upload + assembly), median', ours: overhead, unit: '% of the unit', peer: 'goal < 2' },
    { name: 'sweep wall time, 2 worker processes vs 1', ours: wall['queue, 2 worker processes'], peer: wall['queue, 1 worker process'], unit: 's', ratio: (wall['queue, 1 worker process'] ?? 0) / (wall['queue, 2 worker processes'] ?? 1) },
    { name: 'sweep wall time, queue (2 workers) vs local --parallel 2', ours: wall['queue, 2 worker processes'], peer: wall['local, --parallel 2'], unit: 's', ratio: (wall['local, --parallel 2'] ?? 0) / (wall['queue, 2 worker processes'] ?? 1) },
  ],
});
console.log(`results: ${path}`);
if (Object.values(equal).some((same) => !same)) process.exit(1);
