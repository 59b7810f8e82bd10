/**
 * Benchmark: the whole lottery-ticket experiment of an `lth` config, ours (`sparse run`) and the
 * PyTorch script of the same experiment (bench/python/lth_experiment.py: same config file, so the
 * same data, split, model, budget, branches and seeds), one after the other on this machine.
 *
 *   pnpm exec tsx --import ./bench/lib/register.mjs bench/lth-experiment.ts [--quick] [--config FILE] [--keep]
 *
 * Default: examples/lth/lenet-fashion-mnist-full.json (the full Fashion-MNIST, in the folder its
 * `dataset.dir` names: ../shared/datasets/fashion-mnist; about an hour a side on 2 cores); `--quick`:
 * examples/lth/lenet-fashion-mnist-quick.json (the bundled subset, minutes); `--config FILE`: any
 * other lth config the PyTorch script implements (it exits 2 naming a field it does not). When the
 * config's data folder is missing, it writes a "not available" result and exits 0.
 *
 * Ours: the built CLI (lib/built-cli.ts: `tsc -b packages/cli` first, incremental), `node packages/cli/dist/bin.js
 * run CONFIG --runs <fresh temporary folder>`, with the config's `workers` threads. The peer:
 * `lth_experiment.py --config CONFIG --workers <availableParallelism()>` (one process per seed,
 * one thread each). Each side is a child process measured by lib/measure-child.ts (wall time and
 * peak resident set); the load average is recorded before and after each. Prints a table of wall
 * time, peak memory and networks trained, then per (branch, level) the mean ± sd over seeds of the
 * test accuracy at the early-stopping iteration on both sides and their difference (a sanity
 * check that the two ran the same experiment: printed, not asserted; the seeds' random streams
 * differ, see the script's docstring). Writes bench/results/lth-experiment.json: a `summary` row
 * (ratio = PyTorch time / our time: > 1 = ours faster), both sides' raw rows and the engines ours
 * recorded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuiltCli } from './lib/built-cli.js';
import { describeMachine, machineInfo, type MachineInfo } from './lib/machine.js';
import { measureChild, PEAK_MEMORY_SOURCE, type ChildMeasurement } from './lib/measure-child.js';
import { findTorchPython, torchMissingReason } from './lib/peer.js';
import { writeResults } from './lib/results.js';
import { fmt, printTable } from './lib/stats.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const configIndex = argv.indexOf('--config');
const quick = argv.includes('--quick');
const keep = argv.includes('--keep');
const configArg = configIndex >= 0 ? argv[configIndex + 1] : undefined;
if (configIndex >= 0 && (configArg === undefined || configArg.startsWith('--'))) {
  console.error('--config needs a file: an lth experiment config, e.g. examples/lth/lenet-fashion-mnist-quick.json');
  process.exit(2);
}
const configPath = resolve(root, configArg ?? (quick ? 'examples/lth/lenet-fashion-mnist-quick.json' : 'examples/lth/lenet-fashion-mnist-full.json'));
const FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

/** One trained network, as both sides write it (ours: results.jsonl of the run directory). */
interface ResultRow {
  readonly branch: string;
  readonly level: number;
  readonly remaining: number;
  readonly seed: number;
  readonly iterations: number;
  readonly earlyStopIteration: number;
  readonly testAccuracyAtEarlyStop: number;
  readonly finalTestAccuracy: number;
  readonly validationLossAtEarlyStop: number;
  readonly engine?: string;
}

interface Side {
  readonly side: string;
  readonly measurement: ChildMeasurement;
  readonly rows: readonly ResultRow[];
  readonly loadBefore: MachineInfo['loadAverage'];
  readonly loadAfter: MachineInfo['loadAverage'];
}

interface LthConfigFile {
  readonly name?: string;
  readonly dataset?: 'bundled' | { readonly dir?: string };
  readonly workers?: number;
  readonly seeds?: readonly number[];
}

/** Why the config's data cannot be read (a missing folder or file), or `undefined` when it can. */
function missingData(config: LthConfigFile): string | undefined {
  const dataset = config.dataset ?? 'bundled';
  if (dataset === 'bundled' || typeof dataset.dir !== 'string') return undefined;
  const dir = dataset.dir;
  const candidates = isAbsolute(dir) ? [dir] : [...new Set([resolve(root, dir), resolve(dirname(configPath), dir)])];
  const found = candidates.find((candidate) => FILES.every((file) => existsSync(join(candidate, file))));
  return found === undefined ? `the data set of ${configPath} (dataset.dir ${dir}) is missing: no folder with the four Fashion-MNIST .gz files at ${candidates.join(' or ')}` : undefined;
}

function readRows(path: string): ResultRow[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ResultRow);
}

/** Runs one side as a measured child process, with the load average before and after. */
async function runSide(side: string, command: string, args: readonly string[], rowsFile: () => string): Promise<Side> {
  const before = machineInfo().loadAverage;
  console.log(`\n${side}: ${command === process.execPath ? 'node' : command} ${args.map((a) => a.replace(`${root}/`, '')).join(' ')} (started ${new Date().toISOString().slice(11, 19)} UTC, load ${before.join(' ')})`);
  const measurement = await measureChild(command, args, root);
  const after = machineInfo().loadAverage;
  const rows = readRows(rowsFile());
  console.log(`${side}: ${measurement.seconds.toFixed(1)} s, ${rows.length} networks, peak RSS ${measurement.maxRssMiB.toFixed(0)} MiB, load after ${after.join(' ')}`);
  return { side, measurement, rows, loadBefore: before, loadAfter: after };
}

function meanSd(values: readonly number[]): { mean: number; sd: number; n: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, n };
}

/** Per (branch, level): mean ± sd over seeds of the test accuracy at early stop, both sides. */
function compareAccuracy(ours: readonly ResultRow[], peer: readonly ResultRow[]) {
  const order = ['ticket', 'reinit', 'random-prune'];
  const keys = [...new Set([...ours, ...peer].map((r) => `${r.level}\t${r.branch}`))]
    .map((key) => key.split('\t') as [string, string])
    .sort(([la, ba], [lb, bb]) => Number(la) - Number(lb) || order.indexOf(ba) - order.indexOf(bb));
  return keys.map(([level, branch]) => {
    const pick = (rows: readonly ResultRow[]) => rows.filter((r) => r.branch === branch && r.level === Number(level));
    const a = pick(ours);
    const b = pick(peer);
    const remaining = (a[0] ?? b[0])?.remaining ?? Number.NaN;
    const stat = (rows: readonly ResultRow[]) => (rows.length === 0 ? undefined : meanSd(rows.map((r) => r.testAccuracyAtEarlyStop)));
    const oursStat = stat(a);
    const peerStat = stat(b);
    const diff = oursStat === undefined || peerStat === undefined ? undefined : oursStat.mean - peerStat.mean;
    return { branch, level: Number(level), remaining, ours: oursStat, peer: peerStat, differencePoints: diff === undefined ? undefined : 100 * diff };
  });
}

const config = JSON.parse(readFileSync(configPath, 'utf8')) as LthConfigFile;
const label = configArg !== undefined ? `LTH experiment ${config.name ?? configPath} (wall time)` : quick ? 'LTH quick experiment, bundled subset (wall time)' : 'LTH full experiment (wall time)';
const machineBefore = machineInfo();
console.log(`lth-experiment benchmark: ${configPath.replace(`${root}/`, '')}; ${describeMachine(machineBefore)}`);
const missing = missingData(config);
const python = findTorchPython();
if (missing !== undefined) {
  console.log(`not available: ${missing}`);
  writeResults('lth-experiment', {
    benchmark: 'lth-experiment',
    date: new Date().toISOString(),
    machine: machineBefore,
    config: configPath.replace(`${root}/`, ''),
    notAvailable: missing,
    summary: [{ name: label, ours: 'not available (data set missing)', peer: 'not available (data set missing)' }],
  });
  process.exit(0);
}
if (python === null) console.log(`PyTorch peer skipped: ${torchMissingReason}`);
else {
  // The peer says now, before an hour of ours, whether it implements this config (exit 2 names the field it does not).
  const plan = spawnSync(python.executable, [join(root, 'bench/python/lth_experiment.py'), '--config', configPath, '--plan'], { cwd: root, encoding: 'utf8' });
  if (plan.status !== 0) {
    console.error(`the PyTorch peer cannot run ${configPath}: ${plan.stderr.trim()}`);
    process.exit(plan.status === 2 ? 2 : 1);
  }
  console.log(`PyTorch peer's plan: ${plan.stdout.trim()}`);
}

const cli = ensureBuiltCli();

const folder = await mkdtemp(join(tmpdir(), 'sparse-lth-bench-'));
try {
  const runs = join(folder, 'runs');
  const ours = await runSide(`ours (sparse run, ${config.workers ?? 2} worker threads)`, process.execPath, [cli, 'run', configPath, '--runs', runs], () => {
    const runDir = readdirSync(runs).find((name) => existsSync(join(runs, name, 'results.jsonl')));
    if (runDir === undefined) throw new Error(`sparse run left no results.jsonl in ${runs}`);
    return join(runs, runDir, 'results.jsonl');
  });
  const workers = availableParallelism();
  const peerOut = join(folder, 'torch.jsonl');
  const peer =
    python === null
      ? undefined
      : await runSide(
          `PyTorch ${python.torchVersion} (${Math.min(workers, config.seeds?.length ?? workers)} processes x 1 thread)`,
          python.executable,
          [join(root, 'bench/python/lth_experiment.py'), '--config', configPath, '--out', peerOut, '--workers', String(workers)],
          () => peerOut,
        );
  const sides = peer === undefined ? [ours] : [ours, peer];
  printTable(
    `${label.replace(' (wall time)', '')}: ${configPath.replace(`${root}/`, '')} (peak memory: ${PEAK_MEMORY_SOURCE}; PyTorch's is its largest single process, not the sum of its ${workers} worker processes)`,
    ['side', 'wall time (min)', 'peak RSS (MiB)', 'networks trained', 'load before', 'load after'],
    sides.map((s) => [s.side, (s.measurement.seconds / 60).toFixed(2), s.measurement.maxRssMiB.toFixed(0), String(s.rows.length), s.loadBefore.join(' '), s.loadAfter.join(' ')]),
  );
  const comparison = compareAccuracy(ours.rows, peer?.rows ?? []);
  const cell = (s: { mean: number; sd: number; n: number } | undefined) => (s === undefined ? '-' : `${(100 * s.mean).toFixed(1)} ± ${(100 * s.sd).toFixed(1)} (${s.n})`);
  printTable(
    'test accuracy at early stop, % (mean ± sd over seeds; difference = ours − PyTorch, points; not asserted)',
    ['branch', 'level', 'remaining %', 'ours', 'PyTorch', 'difference'],
    comparison.map((c) => [c.branch, String(c.level), fmt(100 * c.remaining), cell(c.ours), cell(c.peer), c.differencePoints === undefined ? '-' : c.differencePoints.toFixed(1)]),
  );
  const engines = [...new Set(ours.rows.map((r) => r.engine ?? 'unrecorded'))];
  const ratio = peer === undefined ? undefined : peer.measurement.seconds / ours.measurement.seconds;
  if (ratio !== undefined) console.log(`ratio PyTorch / ours, wall time (>1 = ours faster): ${ratio.toFixed(2)}x; ours' engine(s): ${engines.join(', ')}`);
  const summarySide = (s: Side) => ({ seconds: s.measurement.seconds, maxRssMiB: s.measurement.maxRssMiB, networks: s.rows.length, loadBefore: s.loadBefore, loadAfter: s.loadAfter });
  const machineAfter = machineInfo();
  const path = writeResults('lth-experiment', {
    benchmark: 'lth-experiment',
    date: new Date().toISOString(),
    machine: { ...machineAfter, loadAverageBefore: machineBefore.loadAverage },
    config: configPath.replace(`${root}/`, ''),
    commands: {
      ours: `node packages/cli/dist/bin.js run ${configPath.replace(`${root}/`, '')} --runs <temporary folder>`,
      peer: python === null ? null : `${python.executable} bench/python/lth_experiment.py --config ${configPath.replace(`${root}/`, '')} --out <file> --workers ${workers}`,
    },
    ours: { ...summarySide(ours), engines },
    peer: peer === undefined ? { skipped: torchMissingReason } : { ...summarySide(peer), torch: python?.torchVersion, processes: workers, threadsPerProcess: 1 },
    accuracy: comparison,
    summary: [
      peer === undefined
        ? { name: label, ours: ours.measurement.seconds, peer: 'n/a (no PyTorch)', unit: 's' }
        : { name: label, ours: ours.measurement.seconds, peer: peer.measurement.seconds, unit: 's', ratio },
    ],
    rows: { ours: ours.rows, peer: peer?.rows ?? [] },
  });
  console.log(`\nload average after: ${machineAfter.loadAverage.join(' ')}; results: ${path}`);
} finally {
  if (keep) console.log(`kept ${folder}`);
  else await rm(folder, { recursive: true, force: true });
}
