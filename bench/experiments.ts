/**
 * Wall time of every family's experiments (issue 20, item 5): each quick config is run now, one
 * after another, by the built `sparse run` in a fresh runs folder (wall time and peak resident set
 * of the process); each full config's time is the one its committed run recorded
 * (`timing` in docs/results/data/<family>/<name>.provenance.json, written from the run directory's
 * timing.jsonl; the toolkit's `seconds` in docs/results/toolkit-results.json), with its load and
 * date. `--full` runs the full configs now as well (hours on a 2-core machine; they read
 * ../shared/datasets through their configs).
 *
 *   pnpm exec tsx --import ./bench/lib/register.mjs bench/experiments.ts [--quick] [--full] [--only lth,delta] [--configs a.json,b.json] [--keep-runs DIR]
 *
 * `--quick` (pnpm bench --quick) runs only the LTH quick config and reports the rest as recorded.
 * `--configs` runs only the named configs (quick or full) now and reports the others as recorded;
 * `--keep-runs DIR` keeps the run directories in DIR (to import a full run's results with its
 * timing: `pnpm results:<family> import DIR/<run> …`) instead of deleting them. `--report-only`
 * runs nothing: the table from the committed provenance files and the last measurements.
 * While a config runs, the 1-minute load average is sampled every 5 s (mean and peak in the cell).
 * Writes bench/results/experiments.json: the rows, and `markdown`, the table pnpm bench --update-docs
 * puts into docs/performance.md.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBuiltCli, REPO_ROOT } from './lib/built-cli.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { measureChild, PEAK_MEMORY_SOURCE } from './lib/measure-child.js';
import { readResults, writeResults } from './lib/results.js';
import { fmt, printTable } from './lib/stats.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const runFull = argv.includes('--full');
const onlyIndex = argv.indexOf('--only');
const families = onlyIndex >= 0 ? new Set((argv[onlyIndex + 1] ?? '').split(',')) : undefined;
const configsIndex = argv.indexOf('--configs');
const chosenConfigs = configsIndex >= 0 ? new Set((argv[configsIndex + 1] ?? '').split(',').filter((name) => name !== '')) : undefined;
const reportOnly = argv.includes('--report-only');
const keepIndex = argv.indexOf('--keep-runs');
const keepRuns = keepIndex >= 0 ? argv[keepIndex + 1] : undefined;
if ((configsIndex >= 0 && (chosenConfigs?.size ?? 0) === 0) || (keepIndex >= 0 && (keepRuns === undefined || keepRuns.startsWith('--')))) {
  console.error('--configs needs a comma-separated list of config files (examples/lth/lenet-fashion-mnist-full.json,…); --keep-runs needs a folder');
  process.exit(2);
}
const FAMILIES = ['lth', 'group-envelope', 'activation', 'delta', 'sparse-training'] as const;

/** One `sparse run` of a config, measured now. */
interface Measured {
  readonly seconds: number;
  readonly peakMiB: number;
  readonly loadBefore: number;
  readonly loadAfter: number;
  readonly engines: readonly string[];
  readonly at: string;
  /** Mean and peak of the 1-minute load average sampled every 5 s during the run (absent in older measurements). */
  readonly loadDuring?: { readonly mean: number; readonly max: number };
}

/** A full run's time as its committed data set recorded it. */
interface Recorded {
  readonly seconds: number;
  readonly loadBefore: number | undefined;
  readonly loadAfter: number | undefined;
  readonly at: string;
  readonly resumed: boolean;
  readonly engines: readonly string[];
  readonly source: string;
}

interface Row {
  readonly family: string;
  readonly experiment: string;
  readonly quickConfig: string | undefined;
  readonly fullConfig: string | undefined;
  readonly quick: Measured | { readonly skipped: string } | undefined;
  readonly full: Measured | Recorded | { readonly missing: string } | undefined;
}

interface Provenance {
  readonly configFile: string;
  readonly timing?: readonly { readonly wallSeconds: number; readonly resumed: boolean; readonly loadBefore: readonly number[]; readonly loadAfter: readonly number[]; readonly finishedAt: string }[];
}

const load1 = (): number => machineInfo().loadAverage[0];

/** Every committed data set's provenance and engines, by its config file. */
function recordedRuns(): Map<string, Recorded | { readonly missing: string }> {
  const found = new Map<string, Recorded | { readonly missing: string }>();
  const dataRoot = join(REPO_ROOT, 'docs/results/data');
  for (const family of readdirSync(dataRoot)) {
    const folder = join(dataRoot, family);
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.provenance.json'))) {
      const provenance = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Provenance;
      const rowsFile = join(folder, file.replace(/\.provenance\.json$/, '.jsonl'));
      const engines = existsSync(rowsFile) ? enginesOf(readFileSync(rowsFile, 'utf8')) : [];
      const source = `docs/results/data/${family}/${file}`;
      const timing = provenance.timing ?? [];
      const last = timing.at(-1);
      found.set(
        provenance.configFile,
        last === undefined
          ? { missing: `not recorded: ${source} was imported before runs recorded their wall time (engines ${engines.join(', ') || 'n/a'})` }
          : {
              seconds: timing.reduce((sum, line) => sum + line.wallSeconds, 0),
              loadBefore: timing[0]?.loadBefore[0],
              loadAfter: last.loadAfter[0],
              at: last.finishedAt,
              resumed: timing.length > 1 || timing.some((line) => line.resumed),
              engines,
              source,
            },
      );
    }
  }
  return found;
}

/** The distinct `engine` values of JSON-lines results. */
function enginesOf(jsonl: string): string[] {
  const engines = new Set<string>();
  for (const line of jsonl.split('\n')) {
    const match = /"engine":"([^"]+)"/.exec(line);
    if (match?.[1] !== undefined) engines.add(match[1]);
  }
  return [...engines].sort();
}

/** Runs one config with the built CLI in a fresh runs folder, then removes the folder. */
async function measureConfig(cli: string, config: string): Promise<Measured> {
  const runs = keepRuns === undefined ? await mkdtemp(join(tmpdir(), 'sparse-bench-experiments-')) : await mkdtemp(join(resolve(keepRuns), 'runs-'));
  try {
    const loadBefore = load1();
    const at = new Date().toISOString();
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(load1()), 5000);
    const measured = await measureChild(process.execPath, [cli, 'run', config, '--runs', runs], REPO_ROOT).finally(() => clearInterval(sampler));
    const loadAfter = load1();
    const loadDuring = samples.length === 0 ? undefined : { mean: Math.round((100 * samples.reduce((sum, x) => sum + x, 0)) / samples.length) / 100, max: Math.max(...samples) };
    let engines: string[] = [];
    for (const dir of await readdir(runs)) {
      const results = join(runs, dir, 'results.jsonl');
      if (existsSync(results)) engines = enginesOf(await readFile(results, 'utf8'));
    }
    return { seconds: measured.seconds, peakMiB: measured.maxRssMiB, loadBefore, loadAfter, engines, at, ...(loadDuring === undefined ? {} : { loadDuring }) };
  } finally {
    if (keepRuns === undefined) await rm(runs, { recursive: true, force: true });
    else console.log(`  kept ${runs}`);
  }
}

/** The families' example configs, a quick and a full one paired by their common stem. */
function experimentList(): { family: string; experiment: string; quick: string | undefined; full: string | undefined }[] {
  const list: { family: string; experiment: string; quick: string | undefined; full: string | undefined }[] = [];
  for (const family of FAMILIES) {
    const folder = join(REPO_ROOT, 'examples', family);
    if (!existsSync(folder)) continue;
    const configs = readdirSync(folder).filter((name) => name.endsWith('.json')).sort();
    const stems = new Set(configs.map((name) => name.replace(/-(quick|full)\.json$|\.json$/, '')));
    for (const stem of stems) {
      const quickName = configs.find((name) => name === `${stem}-quick.json`);
      const fullName = configs.find((name) => name === `${stem}-full.json`) ?? configs.find((name) => name === `${stem}.json`);
      list.push({
        family,
        experiment: stem,
        quick: quickName === undefined ? undefined : `examples/${family}/${quickName}`,
        full: fullName === undefined ? undefined : `examples/${family}/${fullName}`,
      });
    }
  }
  return list;
}

const machine = machineInfo();
console.log(`experiment wall times${quick ? ' (--quick: only the LTH quick config runs)' : ''}${runFull ? ' (--full: the full configs run too)' : ''}`);
console.log(`machine: ${describeMachine(machine)}; peak memory from ${PEAK_MEMORY_SOURCE}`);
const cli = ensureBuiltCli();
if (keepRuns !== undefined) await mkdir(resolve(keepRuns), { recursive: true });
const recorded = recordedRuns();
/** This benchmark's previous measurements, kept for the configs it does not run this time. */
const previous = new Map<string, Measured>();
for (const row of readResults<{ rows?: Row[] }>('experiments')?.rows ?? []) {
  if (row.quickConfig !== undefined && row.quick !== undefined && 'peakMiB' in row.quick) previous.set(row.quickConfig, row.quick);
  if (row.fullConfig !== undefined && row.full !== undefined && 'peakMiB' in row.full) previous.set(row.fullConfig, row.full);
}
const rows: Row[] = [];
for (const entry of experimentList()) {
  if (families !== undefined && !families.has(entry.family)) continue;
  let quickResult: Row['quick'];
  if (entry.quick !== undefined) {
    if (reportOnly || (chosenConfigs !== undefined && !chosenConfigs.has(entry.quick)) || (quick && entry.family !== 'lth')) {
      quickResult = previous.get(entry.quick) ?? { skipped: reportOnly ? 'not measured yet' : chosenConfigs === undefined ? 'not run with --quick' : 'not chosen by --configs' };
    } else {
      console.log(`running ${entry.quick} ...`);
      quickResult = await measureConfig(cli, entry.quick);
      console.log(`  ${fmt(quickResult.seconds)} s, peak ${fmt(quickResult.peakMiB)} MiB, load ${quickResult.loadBefore} → ${quickResult.loadAfter}`);
    }
  }
  let fullResult: Row['full'];
  if (entry.full !== undefined) {
    if (!reportOnly && (runFull || chosenConfigs?.has(entry.full) === true)) {
      console.log(`running ${entry.full} (full) ...`);
      fullResult = await measureConfig(cli, entry.full);
      console.log(`  ${fmt(fullResult.seconds / 60)} min, peak ${fmt(fullResult.peakMiB)} MiB, load ${fullResult.loadBefore} → ${fullResult.loadAfter}`);
    } else {
      const committed = recorded.get(entry.full);
      fullResult = committed !== undefined && 'seconds' in committed ? committed : (previous.get(entry.full) ?? committed ?? { missing: `no committed data set names ${entry.full}` });
    }
  }
  rows.push({ family: entry.family, experiment: entry.experiment, quickConfig: entry.quick, fullConfig: entry.full, quick: quickResult, full: fullResult });
}

const toolkit = join(REPO_ROOT, 'docs/results/toolkit-results.json');
if (existsSync(toolkit) && (families === undefined || families.has('toolkit'))) {
  const raw = JSON.parse(readFileSync(toolkit, 'utf8')) as { seconds?: number; finishedAt?: string; loadAverage?: number[]; command?: string; engines?: Record<string, string> };
  rows.push({
    family: 'toolkit',
    experiment: 'toolkit (gradual + E.4 scripts)',
    quickConfig: undefined,
    fullConfig: raw.command,
    quick: { skipped: 'a script, not a config: `tsx examples/toolkit/results.ts --quick` (about 40 s) is its smoke run' },
    full:
      raw.seconds === undefined
        ? { missing: 'docs/results/toolkit-results.json records no seconds' }
        : { seconds: raw.seconds, loadBefore: undefined, loadAfter: raw.loadAverage?.[0], at: raw.finishedAt ?? '', resumed: false, engines: Object.values(raw.engines ?? {}), source: 'docs/results/toolkit-results.json' },
  });
}

function describeTime(result: Row['quick'] | Row['full'], unit: 'min' | 's'): string {
  if (result === undefined) return '—';
  if ('skipped' in result) return result.skipped;
  if ('missing' in result) return result.missing;
  const value = unit === 'min' ? `${fmt(result.seconds / 60)} min` : `${fmt(result.seconds)} s`;
  const during = 'loadDuring' in result && result.loadDuring !== undefined ? `, mean ${result.loadDuring.mean} and peak ${result.loadDuring.max} during` : '';
  const loads = `load ${result.loadBefore === undefined ? '' : `${result.loadBefore} → `}${result.loadAfter ?? '?'}${during}`;
  const peak = 'peakMiB' in result ? `, peak ${fmt(result.peakMiB)} MiB` : '';
  const where = 'source' in result ? `, recorded ${result.at.slice(0, 10)}${result.resumed ? ', resumed (sum of invocations)' : ''}` : `, measured ${result.at.slice(0, 16).replace('T', ' ')} UTC`;
  return `${value} (${loads}${peak}${where})`;
}

function enginesOfRow(row: Row): string {
  const engines = new Set<string>();
  for (const result of [row.quick, row.full]) if (result !== undefined && 'engines' in result) for (const engine of result.engines) engines.add(engine);
  return [...engines].join(', ');
}

const header = ['family', 'experiment', 'quick config: wall time', 'full config: wall time', 'engines'];
const tableRows = rows.map((row) => [row.family, row.experiment, describeTime(row.quick, 's'), describeTime(row.full, 'min'), enginesOfRow(row)]);
printTable('EXPERIMENT WALL TIMES (quick: measured now; full: as the committed run recorded it)', header, tableRows);
const cell = (value: string) => value.replace(/\|/g, '\\|');
const markdown = [
  `Generated by \`pnpm bench --only experiments${quick ? ' --quick' : ''}${runFull ? ' --full' : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${machine.cpuModel}, ${machine.logicalCores} logical cores. "measured": run by this benchmark with the built \`sparse run\`, one config at a time (a cell it did not rerun keeps its earlier measurement and date); "recorded": the wall time the committed run recorded (\`timing\` in its provenance file). Each cell gives the 1-minute load average before and after.`,
  '',
  `| ${header.join(' | ')} |`,
  '|---|---|---|---|---|',
  ...tableRows.map((row) => `| ${row.map(cell).join(' | ')} |`),
].join('\n');
const fullRows = rows.filter((row) => row.full !== undefined);
const fullTimed = fullRows.filter((row) => row.full !== undefined && 'seconds' in row.full);
const path = writeResults('experiments', {
  benchmark: 'experiments',
  date: new Date().toISOString(),
  machine: { ...machineInfo(), loadAverageBefore: machine.loadAverage },
  quick,
  full: runFull,
  rows,
  markdown,
  summary: [{ name: `full experiments with a recorded wall time (${fullTimed.map((row) => row.experiment).join(', ') || 'none'})`, ours: `${fullTimed.length} of ${fullRows.length}`, peer: '' }],
});
console.log(`results: ${path}`);
