/**
 * `pnpm bench`: every benchmark side by side with its PyTorch equivalent, then one summary table
 * of ratios (ours/peer speed, >1 = ours faster) and bench/results/summary.json.
 *
 *   pnpm bench [--quick] [--only training-wasm,training-cpu,parallel-training,simd-peak,gemm-relaxed,selection,prune-checkpoint,compaction,sweep-queue,sparse-training,experiments,lth-experiment,delta,group-envelope] [--full-experiments] [--update-docs]
 *
 * `--summary-only` skips the runs and rebuilds the summary from the files in bench/results/.
 * With `--only`, the summary (and the docs block) keep the latest figures of the benchmarks that
 * did not run, from their files in bench/results/, each with the date it was measured.
 * `--update-docs` rewrites the generated block of docs/performance.md (between its
 * `<!-- bench:begin -->` and `<!-- bench:end -->` markers) with this run's tables, and the block
 * between `<!-- experiments:begin -->` and `<!-- experiments:end -->` with the experiment
 * wall-time table of bench/results/experiments.json. `--full-experiments` makes the experiments
 * benchmark run every full config now (hours) instead of reporting their recorded times.
 *
 * Each benchmark runs in its own process (a fresh tfjs backend, its own memory), prints its own
 * tables and writes bench/results/<name>.json. Benchmarks owned by other packages are called when
 * present and reported as "not available yet" otherwise:
 *
 *   delta            bench/delta/run.ts (or index.ts, or its only .ts file): DARE on a 1 GB checkpoint
 *   group-envelope   every .ts file in packages/group-envelope/bench/: group prox scaling,
 *                    compacted vs dense inference latency
 *
 * Their results join the summary when they write bench/results/<name>.json with a `summary` array
 * of `{ "name", "ours", "peer", "unit", "ratio" }` rows (see bench/README.md).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeMachine, machineInfo, type MachineInfo } from './lib/machine.js';
import { findTorchPython, torchMissingReason } from './lib/peer.js';
import { readResults, RESULTS_DIR, writeResults } from './lib/results.js';
import { fmt, printTable } from './lib/stats.js';

const repo = fileURLToPath(new URL('../', import.meta.url));
const quick = process.argv.includes('--quick');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? new Set((process.argv[onlyIndex + 1] ?? '').split(',')) : undefined;
const selected = (name: string) => only === undefined || only.has(name);

interface Job {
  readonly name: string;
  readonly script: string | undefined;
  readonly args: readonly string[];
  readonly missing?: string;
  /** Killed after this long (default 60 min). */
  readonly timeoutMinutes?: number;
}

function firstExisting(paths: readonly string[]): string | undefined {
  return paths.find((path) => existsSync(`${repo}${path}`));
}

function deltaScript(): string | undefined {
  const folder = 'bench/delta/';
  const named = firstExisting([`${folder}run.ts`, `${folder}index.ts`]);
  if (named !== undefined || !existsSync(`${repo}${folder}`)) return named;
  const scripts = readdirSync(`${repo}${folder}`).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
  return scripts.length === 1 ? `${folder}${scripts[0] ?? ''}` : undefined;
}

function groupEnvelopeScripts(): string[] {
  const folder = 'packages/group-envelope/bench/';
  if (!existsSync(`${repo}${folder}`)) return [];
  return readdirSync(`${repo}${folder}`)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => `${folder}${f}`);
}

const quickArgs = quick ? ['--quick'] : [];
const jobs: Job[] = [];
if (selected('training-wasm')) jobs.push({ name: 'training-wasm', script: 'bench/training.ts', args: ['--backend', 'wasm', ...quickArgs] });
if (selected('training-cpu')) {
  jobs.push({ name: 'training-cpu', script: 'bench/training.ts', args: ['--backend', 'cpu', ...quickArgs, ...(quick ? ['--batches', '60'] : [])] });
}
if (selected('parallel-training')) jobs.push({ name: 'parallel-training', script: 'bench/parallel-training.ts', args: quick ? ['--rounds', '3', '--steps', '100'] : [] });
// After training-wasm: it converts that run's samples/s into GFLOP/s against the wasm ceiling.
if (selected('simd-peak')) jobs.push({ name: 'simd-peak', script: 'bench/simd-peak.ts', args: quick ? ['--runs', '3'] : [] });
// core's SIMD gemm as shipped (mul + add) against the same body with f32x4.relaxed_madd (a what-if: no peer).
if (selected('gemm-relaxed')) jobs.push({ name: 'gemm-relaxed', script: 'bench/gemm-relaxed.ts', args: quick ? ['--runs', '5'] : [] });
if (selected('selection')) jobs.push({ name: 'selection', script: 'bench/selection.ts', args: quickArgs });
// `sparse prune --scope global` on a 1 GB checkpoint (0.1 GB with --quick) against PyTorch's global_unstructured.
if (selected('prune-checkpoint')) jobs.push({ name: 'prune-checkpoint', script: 'bench/prune-checkpoint.ts', args: quickArgs });
if (selected('compaction')) jobs.push({ name: 'compaction', script: 'bench/compaction.ts', args: quickArgs });
if (selected('sweep-queue')) jobs.push({ name: 'sweep-queue', script: 'bench/sweep-queue.ts', args: quickArgs });
if (selected('sparse-training')) jobs.push({ name: 'sparse-training', script: 'bench/sparse-training.ts', args: quickArgs });
// The whole LTH experiment against bench/python/lth_experiment.py; the full config takes over an hour for both sides on 2 cores.
if (selected('lth-experiment')) jobs.push({ name: 'lth-experiment', script: 'bench/lth-experiment.ts', args: quickArgs, timeoutMinutes: 240 });
// Every family's quick config run now, each full config's recorded wall time (--full-experiments: run them now too, hours).
if (selected('experiments')) {
  const full = process.argv.includes('--full-experiments');
  jobs.push({ name: 'experiments', script: 'bench/experiments.ts', args: [...quickArgs, ...(full ? ['--full'] : [])], ...(full ? { timeoutMinutes: 24 * 60 } : {}) });
}
if (selected('delta')) {
  const script = deltaScript();
  jobs.push(
    script === undefined
      ? { name: 'delta', script, args: [], missing: 'delta pruning (sparse dare, 1 GB checkpoint): not available yet (bench/delta/ has no run.ts)' }
      : { name: 'delta', script, args: quickArgs },
  );
}
if (selected('group-envelope')) {
  const scripts = groupEnvelopeScripts();
  if (scripts.length === 0) {
    jobs.push({
      name: 'group-envelope',
      script: undefined,
      args: [],
      missing: 'group prox scaling and compacted-vs-dense latency: not available yet (no packages/group-envelope/bench/)',
    });
  }
  for (const script of scripts) jobs.push({ name: `group-envelope/${script.split('/').at(-1) ?? script}`, script, args: quickArgs });
}

const python = findTorchPython();
const started = machineInfo();
const startedAt = Date.now();
console.log(`pnpm bench${quick ? ' --quick' : ''}: ${jobs.length} benchmark(s)`);
console.log(`machine: ${describeMachine(started)}`);
console.log(python === null ? `PyTorch peers skipped: ${torchMissingReason}` : `PyTorch peers: ${python.executable} (torch ${python.torchVersion})`);

interface JobOutcome {
  readonly name: string;
  readonly status: 'ok' | 'failed' | 'not available';
  readonly note?: string;
  readonly seconds?: number;
  readonly ratioLines?: readonly string[];
}

const outcomes: JobOutcome[] = [];
const summaryOnly = process.argv.includes('--summary-only');
for (const job of summaryOnly ? [] : jobs) {
  if (job.script === undefined) {
    console.log(`\n=== ${job.name}: ${job.missing ?? 'not available yet'}`);
    outcomes.push({ name: job.name, status: 'not available', note: job.missing ?? '' });
    continue;
  }
  console.log(`\n=== ${job.name}: ${job.script} ${job.args.join(' ')}`);
  const start = performance.now();
  const startEpoch = Date.now();
  const { code, output } = await runScript(job.script, job.args, job.timeoutMinutes ?? 60);
  const seconds = (performance.now() - start) / 1000;
  const ok = code === '0';
  // A benchmark that wrote no results file still gets its lines that state a ratio in the summary.
  const ratioLines = resultsWrittenSince(startEpoch) ? [] : output.split('\n').filter((line) => /ratio/i.test(line)).map((line) => line.trim());
  outcomes.push({ name: job.name, status: ok ? 'ok' : 'failed', seconds, ...(ok ? {} : { note: `exit ${code}` }), ...(ratioLines.length > 0 ? { ratioLines } : {}) });
}

/** Whether some bench/results/*.json file was written at or after `epochMs`. */
function resultsWrittenSince(epochMs: number): boolean {
  if (!existsSync(RESULTS_DIR)) return false;
  return readdirSync(RESULTS_DIR).some((name) => name.endsWith('.json') && statSync(`${RESULTS_DIR}${name}`).mtimeMs >= epochMs);
}

/** Runs one benchmark script in its own Node process, echoing and collecting its standard output. */
function runScript(script: string, args: readonly string[], timeoutMinutes: number): Promise<{ code: string; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './bench/lib/register.mjs', script, ...args], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMinutes * 60 * 1000);
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      output = (output + chunk.toString()).slice(-200_000);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: String(code ?? signal), output });
    });
  });
}

// A partial run (or none) takes the other benchmarks' figures from the result files already in
// bench/results/, keeping what the last summary said about those that write none (their ratio
// lines, "not available").
const partial = summaryOnly || only !== undefined;
if (partial) {
  for (const name of ['training-wasm', 'training-cpu', 'selection', 'compaction', 'sparse-training', 'experiments']) {
    if (!outcomes.some((o) => o.name === name) && readResults(name) !== undefined) outcomes.push({ name, status: 'ok' });
  }
  const previous = readResults<{ outcomes?: JobOutcome[] }>('summary')?.outcomes ?? [];
  for (const outcome of previous) if (!outcomes.some((o) => o.name === outcome.name)) outcomes.push(outcome);
}

// ---- summary ----
interface SummaryRow {
  readonly benchmark: string;
  readonly name: string;
  readonly ours: string;
  readonly peer: string;
  readonly ratio: number | undefined;
}

interface TrainingFile {
  readonly date: string;
  readonly machine: MachineInfo;
  readonly results: readonly {
    readonly batch: number;
    readonly arms: readonly { readonly name: string; readonly msPerStep: number; readonly samplesPerSecond: number }[];
    readonly ratios: Record<string, number>;
  }[];
}

interface SelectionFile {
  readonly date: string;
  readonly machine: MachineInfo;
  readonly results: readonly { readonly n: number; readonly ms: Record<string, number>; readonly ratios: Record<string, number> }[];
  readonly endToEndWasm1e7: Record<string, number>;
}

interface ForeignFile {
  readonly summary?: readonly { readonly name: string; readonly ours?: number | string; readonly peer?: number | string; readonly unit?: string; readonly ratio?: number }[];
}

const rows: SummaryRow[] = [];
const checks: { readonly goal: string; readonly value: string; readonly met: boolean | undefined }[] = [];
const ran = new Set(outcomes.filter((o) => o.status === 'ok').map((o) => o.name));

for (const backend of ['wasm', 'cpu']) {
  const file = ran.has(`training-${backend}`) ? readResults<TrainingFile>(`training-${backend}`) : undefined;
  for (const result of file?.results ?? []) {
    const arm = (name: string) => result.arms.find((a) => a.name === name);
    const bestTorch = result.arms
      .filter((a) => a.name.startsWith('torch') && a.name.endsWith('masked') && Number.isFinite(a.msPerStep))
      .sort((a, b) => a.msPerStep - b.msPerStep)[0];
    const label = `LeNet training, ${backend}, batch ${result.batch}`;
    for (const ours of ['fast masked', 'stock masked']) {
      const mine = arm(ours);
      const ratioKey = Object.keys(result.ratios).find((key) => key.startsWith(`${ours} vs best torch`));
      const ratio =
        bestTorch === undefined
          ? undefined
          : ours === 'fast masked'
            ? result.ratios[ratioKey ?? '']
            : result.ratios[`stock masked vs ${bestTorch.name}`];
      rows.push({
        benchmark: label,
        name: `${ours} vs ${bestTorch?.name ?? 'torch (skipped)'} (samples/s)`,
        ours: fmt(mine?.samplesPerSecond),
        peer: fmt(bestTorch?.samplesPerSecond),
        ratio,
      });
    }
    for (const threads of [1, 2]) {
      const trainer = arm(`trainer×${threads} masked`);
      const torch1 = arm('torch×1 masked');
      if (trainer === undefined || torch1 === undefined) continue;
      rows.push({
        benchmark: label,
        name: `dense trainer, ${threads} thread${threads > 1 ? 's' : ''}${backend === 'wasm' ? '' : ' (its own WebAssembly, whatever the backend)'}, masked vs torch×1 masked (samples/s)`,
        ours: fmt(trainer.samplesPerSecond),
        peer: fmt(torch1.samplesPerSecond),
        ratio: result.ratios[`trainer×${threads} masked vs torch×1 masked`],
      });
    }
    const torch2 = arm('torch×2 masked');
    if (torch2 !== undefined) {
      rows.push({
        benchmark: label,
        name: 'fast masked vs torch×2 masked (samples/s)',
        ours: fmt(arm('fast masked')?.samplesPerSecond),
        peer: fmt(torch2.samplesPerSecond),
        ratio: result.ratios['fast masked vs torch×2 masked'],
      });
    }
    rows.push({
      benchmark: label,
      name: 'fast masked vs stock masked (samples/s)',
      ours: fmt(arm('fast masked')?.samplesPerSecond),
      peer: `stock ${fmt(arm('stock masked')?.samplesPerSecond)}`,
      ratio: result.ratios['fast / stock speed-up (masked)'],
    });
    const overhead = result.ratios['fast masked overhead'];
    const isolated = result.ratios['fast masked overhead, isolated'];
    const percent = (x: number | undefined) => `${fmt(100 * (x ?? NaN), 2)} %`;
    rows.push({ benchmark: label, name: 'masked-step overhead, fast: whole steps (masked / plain − 1)', ours: percent(overhead), peer: '', ratio: undefined });
    rows.push({ benchmark: label, name: 'masked-step overhead, fast: update alone / plain step', ours: percent(isolated), peer: '', ratio: undefined });
    rows.push({ benchmark: label, name: 'masked-step overhead, dense trainer: update alone / plain step', ours: percent(result.ratios['trainer masked overhead, isolated']), peer: '', ratio: undefined });
    rows.push({ benchmark: label, name: 'masked-step overhead, stock: update alone / plain step', ours: percent(result.ratios['stock masked overhead, isolated']), peer: '', ratio: undefined });
    if (backend === 'wasm' && result.batch === 60) {
      // The library's fastest masked path on wasm, by its median ratio to PyTorch with one thread.
      const candidates = [
        { name: 'fused path through train()', ratio: Object.entries(result.ratios).find(([key]) => key.startsWith('fast masked vs best torch'))?.[1], best: result.ratios['fast masked vs torch×1 masked, best rounds'] },
        ...[1, 2].map((threads) => ({
          name: `dense trainer, ${threads} thread${threads > 1 ? 's' : ''}`,
          ratio: result.ratios[`trainer×${threads} masked vs torch×1 masked`],
          best: result.ratios[`trainer×${threads} masked vs torch×1 masked, best rounds`],
        })),
      ].filter((c): c is { name: string; ratio: number; best: number | undefined } => c.ratio !== undefined);
      const fastest = candidates.sort((x, y) => y.ratio - x.ratio)[0];
      checks.push({
        goal: `masked training, wasm, batch 60, at least as fast as PyTorch×1 (library's fastest: ${fastest?.name ?? 'n/a'}; median of round ratios; fastest rounds)`,
        value: `${fmt(fastest?.ratio)}x; ${fmt(fastest?.best)}x`,
        met: fastest === undefined ? undefined : fastest.ratio >= 1,
      });
      const trainerIsolated = result.ratios['trainer masked overhead, isolated'];
      checks.push({
        goal: 'masked-step overhead under 3 % (update alone: fused path, dense trainer; fused whole steps)',
        value: `${percent(isolated)}, ${percent(trainerIsolated)}; ${percent(overhead)}`,
        met: isolated === undefined || trainerIsolated === undefined ? undefined : isolated < 0.03 && trainerIsolated < 0.03,
      });
    }
  }
}

const selection = ran.has('selection') ? readResults<SelectionFile>('selection') : undefined;
for (const result of selection?.results ?? []) {
  const label = `k-th smallest magnitude, n = ${result.n.toExponential(0)}`;
  rows.push({
    benchmark: label,
    name: 'core valueAtRank vs torch.kthvalue (ms)',
    ours: fmt(result.ms['core valueAtRank']),
    peer: fmt(result.ms['torch kthvalue']),
    ratio: result.ratios['core valueAtRank vs torch kthvalue'],
  });
  rows.push({
    benchmark: label,
    name: 'core pruneLowest (threshold + flags) vs torch.kthvalue (ms)',
    ours: fmt(result.ms['core pruneLowest']),
    peer: fmt(result.ms['torch kthvalue']),
    ratio: result.ratios['core pruneLowest vs torch kthvalue'],
  });
  rows.push({ benchmark: label, name: 'read floor (one pass over the data, ms)', ours: fmt(result.ms['read floor']), peer: '', ratio: undefined });
  if (result.n === 1e7) {
    const core = result.ms['core valueAtRank'];
    checks.push({ goal: 'global threshold over 1e7 values under 30 ms (core)', value: `${fmt(core)} ms`, met: core === undefined ? undefined : core < 30 });
    const prune = result.ratios['core pruneLowest / core valueAtRank'];
    checks.push({
      goal: 'pruneLowest (threshold + flags) within 1.5x of valueAtRank at 1e7 (median of per-repetition ratios)',
      value: `${fmt(result.ms['core pruneLowest'])} ms / ${fmt(core)} ms: ${fmt(prune)}x`,
      met: prune === undefined ? undefined : prune <= 1.5,
    });
    const pruneInto = result.ratios['core pruneLowest into / core valueAtRank'];
    if (pruneInto !== undefined) {
      checks.push({
        goal: 'the same into one reused array (options.into: no fresh output per call) within 1.5x of valueAtRank at 1e7',
        value: `${fmt(result.ms['core pruneLowest into'])} ms / ${fmt(core)} ms: ${fmt(pruneInto)}x`,
        met: pruneInto <= 1.5,
      });
    }
  }
}

// Issue 18: a RigL/SET mask update every 100 steps on the dense trainer (bench/sparse-training.ts).
const sparseTraining = ran.has('sparse-training') ? readResults<{ overhead?: { isolatedOverhead?: { rigl: number; set: number }; wholeWindows?: { rigl: number; set: number } } }>('sparse-training') : undefined;
if (sparseTraining?.overhead?.isolatedOverhead !== undefined) {
  const { isolatedOverhead: alone, wholeWindows } = sparseTraining.overhead;
  const percent = (x: number | undefined) => `${fmt(100 * (x ?? NaN), 2)} %`;
  checks.push({
    goal: 'mask-update overhead at ΔT = 100 under 3 % on the dense trainer (RigL, SET: update alone / 100 steps; whole windows)',
    value: `${percent(alone.rigl)}, ${percent(alone.set)}; ${percent(wholeWindows?.rigl)}, ${percent(wholeWindows?.set)}`,
    met: alone.rigl < 0.03 && alone.set < 0.03,
  });
}

// Issue 20 item 3: MLP inference (fastPredict, ADR 0016) at least as fast as PyTorch×1, dense and compacted, batch 1 and 256.
const compaction = ran.has('compaction') ? readResults<{ results?: { model: string; batch: number; fastRatio?: number | null }[] }>('compaction') : undefined;
for (const batch of [1, 256]) {
  const at = (compaction?.results ?? []).filter((r) => r.batch === batch);
  const ratios = at.map((r) => r.fastRatio).filter((r): r is number => typeof r === 'number');
  if (at.length === 0) continue;
  checks.push({
    goal: `MLP inference at batch ${batch} at least as fast as PyTorch×1 (fastPredict, dense and compacted; median of repetition ratios)`,
    value: at.map((r) => `${r.model} ${typeof r.fastRatio === 'number' ? `${fmt(r.fastRatio)}x` : 'n/a'}`).join(', '),
    met: ratios.length < at.length ? undefined : ratios.every((r) => r >= 1),
  });
}

// Issue 20 item 5: a wall time for each family's quick and full experiment.
const experiments = ran.has('experiments') ? readResults<{ rows?: { experiment: string; quick?: object; full?: object }[]; markdown?: string }>('experiments') : undefined;
if (experiments?.rows !== undefined) {
  const timed = (result: object | undefined) => result !== undefined && 'seconds' in result;
  const untimed = experiments.rows.flatMap((row) => [
    ...(row.quick !== undefined && !timed(row.quick) ? [`${row.experiment} quick`] : []),
    ...(row.full !== undefined && !timed(row.full) ? [`${row.experiment} full`] : []),
  ]);
  checks.push({
    goal: 'a wall time for every family\'s quick and full experiment (bench/experiments.ts, table in docs/performance.md)',
    value: untimed.length === 0 ? 'all timed' : `not timed: ${untimed.join(', ')}`,
    met: untimed.length === 0,
  });
}

const foreign = readdirSync(RESULTS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
  .map((entry) => entry.name.replace(/\.json$/, ''))
  .filter((name) => !['summary', 'selection', 'training-wasm', 'training-cpu'].includes(name))
  .filter((name) => partial || statSync(`${RESULTS_DIR}${name}.json`).mtimeMs >= startedAt); // written by this run, or the latest
for (const name of foreign) {
  const file = readResults<ForeignFile>(name);
  for (const row of file?.summary ?? []) {
    const unit = row.unit === undefined ? '' : ` ${row.unit}`;
    rows.push({
      benchmark: name,
      name: row.name,
      ours: typeof row.ours === 'number' ? `${fmt(row.ours)}${unit}` : (row.ours ?? ''),
      peer: typeof row.peer === 'number' ? `${fmt(row.peer)}${unit}` : (row.peer ?? ''),
      ratio: row.ratio,
    });
  }
}

/** When each results file was measured, and the load average before and after. */
const runLines: string[] = [];
for (const name of ['training-wasm', 'training-cpu', 'selection', 'compaction']) {
  if (!ran.has(name)) continue;
  const file = readResults<{ date?: string; machine?: { loadAverage?: number[]; loadAverageBefore?: number[] } }>(name);
  if (file?.date === undefined) continue;
  const before = file.machine?.loadAverageBefore?.[0];
  const after = file.machine?.loadAverage?.[0];
  runLines.push(`${name}: measured ${file.date.slice(0, 16).replace('T', ' ')} UTC, 1-min load average ${fmt(before)} before, ${fmt(after)} after`);
}

const ended = machineInfo();
printTable(
  'SUMMARY (ratio = peer time / our time: >1 = ours faster; medians of per-round ratios)',
  ['benchmark', 'measure', 'ours', 'PyTorch', 'ratio'],
  rows.map((r) => [r.benchmark, r.name, r.ours, r.peer, r.ratio === undefined ? '' : `${fmt(r.ratio)}x`]),
);
printTable(
  'Done-when checks (issue #8)',
  ['goal', 'measured', 'met'],
  checks.map((c) => [c.goal, c.value, c.met === undefined ? 'n/a' : c.met ? 'yes' : 'NO']),
);
for (const outcome of outcomes.filter((o) => o.ratioLines !== undefined)) {
  for (const line of outcome.ratioLines ?? []) console.log(`  ${outcome.name}: ${line}`);
}
for (const outcome of outcomes.filter((o) => o.status !== 'ok')) console.log(`  ${outcome.name}: ${outcome.status}${outcome.note === undefined ? '' : ` (${outcome.note})`}`);
for (const line of runLines) console.log(`  ${line}`);
console.log(`\nload average at start ${started.loadAverage.join(' ')}, at end ${ended.loadAverage.join(' ')} (${ended.logicalCores} cores)`);
const path = writeResults('summary', {
  command: `pnpm bench${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
  date: new Date().toISOString(),
  machine: { ...ended, loadAverageAtStart: started.loadAverage },
  outcomes,
  rows,
  checks,
  runs: runLines,
});
console.log(`summary: ${path}`);
if (outcomes.some((o) => o.status === 'failed')) process.exitCode = 1;

if (process.argv.includes('--update-docs')) {
  const docs = `${repo}docs/performance.md`;
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const text = existsSync(docs) ? readFileSync(docs, 'utf8') : `# Performance\n\n${begin}\n${end}\n`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) {
    console.log(`docs/performance.md has no ${begin} … ${end} block; not updated`);
  } else {
    const cell = (value: string) => value.replace(/\|/g, '\\|');
    const block = [
      begin,
      '',
      `Generated by \`pnpm bench${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      '',
      `Machine: ${ended.cpuModel}, ${ended.logicalCores} logical cores, ${ended.memoryGiB} GiB; Node ${ended.node}, tfjs ${ended.tfjs}, torch ${ended.torch ?? 'n/a'} (${ended.python ?? 'no Python with torch'}).`,
      '',
      ...runLines.map((line) => `- ${line}`),
      '',
      '| benchmark | measure | ours | PyTorch | ratio (>1 = ours faster) |',
      '|---|---|---:|---:|---:|',
      ...rows.map((r) => `| ${cell(r.benchmark)} | ${cell(r.name)} | ${cell(r.ours)} | ${cell(r.peer)} | ${r.ratio === undefined ? '' : `${fmt(r.ratio)}x`} |`),
      '',
      '| Done-when check | measured | met |',
      '|---|---:|:---:|',
      ...checks.map((c) => `| ${cell(c.goal)} | ${cell(c.value)} | ${c.met === undefined ? 'n/a' : c.met ? 'yes' : 'no'} |`),
      ...outcomes
        .filter((o) => o.status !== 'ok' || (o.ratioLines?.length ?? 0) > 0)
        .flatMap((o) => (o.status === 'ok' ? (o.ratioLines ?? []).map((line) => `- ${o.name}: ${line}`) : [`- ${o.name}: ${o.status}${o.note === undefined ? '' : ` (${o.note})`}`])),
      '',
      end,
    ].join('\n');
    let updated = text.slice(0, from) + block + text.slice(to + end.length);
    const experimentsBegin = '<!-- experiments:begin -->';
    const experimentsEnd = '<!-- experiments:end -->';
    const eFrom = updated.indexOf(experimentsBegin);
    const eTo = updated.indexOf(experimentsEnd);
    if (experiments?.markdown !== undefined && eFrom >= 0 && eTo > eFrom) {
      updated = `${updated.slice(0, eFrom)}${experimentsBegin}\n\n${experiments.markdown}\n\n${updated.slice(eTo)}`;
    }
    const temporary = `${docs}.${process.pid}.tmp`;
    writeFileSync(temporary, updated);
    renameSync(temporary, docs);
    console.log('docs/performance.md updated');
  }
}
