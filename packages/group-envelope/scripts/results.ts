/**
 * The group-envelope results page from committed raw results.
 *
 *   pnpm results:group-envelope import <run dir> --name mlp-fashion-mnist-calibrate --config examples/group-envelope/mlp-fashion-mnist-calibrate.json
 *   pnpm results:group-envelope tune --write
 *   pnpm results:group-envelope import <run dir> --name mlp-fashion-mnist-full --config examples/group-envelope/mlp-fashion-mnist-full.json
 *   pnpm results:group-envelope render
 *
 * `import` copies a finished run's results.jsonl, its provenance and (when measured) latency.json
 * into docs/results/data/group-envelope/; `tune` chooses λ per method from the committed tuning
 * run (validation split only) and, with --write, puts it into the full config; `render` writes
 * docs/results/group-envelope.md, its SVG plots and docs/results/data/group-envelope/claims.json.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { refName, reportFatalErrors, SparseError, type ImplementationRef } from '@sparse/core';
import { resolveFashionMnistDataset, type FashionMnistDatasetConfig } from '@sparse/datasets';
import { importRunResults, parseImportArgs, readResultsData, scriptFlag, writeFileAtomic } from '@sparse/experiments';
import { chooseLambdas, methodFamily, renderGroupEnvelopePage, type GroupEnvelopePageInput, type GroupEnvelopeResultsRow, type LatencyRecord, type ScalingRow } from '../src/index.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DATA = join(repo, 'docs/results/data/group-envelope');
const PAGE = join(repo, 'docs/results/group-envelope.md');
const FULL = 'mlp-fashion-mnist-full';
const TUNING = 'mlp-fashion-mnist-calibrate';
const FULL_CONFIG = 'examples/group-envelope/mlp-fashion-mnist-full.json';
const SCALING = join(repo, 'packages/group-envelope/bench/results/prox-scaling.json');
const REGENERATE = 'pnpm results:group-envelope render';


async function importRun(rest: readonly string[]): Promise<void> {
  const { runPath, name, configFile } = parseImportArgs(rest);
  const outDir = scriptFlag(rest, '--out') ?? DATA;
  const config = JSON.parse(await readFile(join(runPath, 'config.json'), 'utf8')) as { dataset: FashionMnistDatasetConfig; validationSize: number; trainSize?: number; testSize?: number };
  const dataset = resolveFashionMnistDataset(config.dataset, { cwd: repo, configPath: resolve(repo, configFile) });
  const counts = { train: Math.min(config.trainSize ?? Infinity, dataset.trainCount - config.validationSize), test: Math.min(config.testSize ?? Infinity, dataset.testCount) };
  const provenance = await importRunResults({ runPath, name, configFile, counts, command: `sparse run ${configFile}`, outDir });
  if (existsSync(join(runPath, 'latency.json'))) await copyFile(join(runPath, 'latency.json'), join(outDir, `${name}.latency.json`));
  process.stdout.write(`imported ${provenance.runDirectory} as ${name}\n`);
}

async function tune(rest: readonly string[]): Promise<void> {
  const dataDir = scriptFlag(rest, '--data') ?? DATA;
  const configFile = resolve(repo, scriptFlag(rest, '--config') ?? FULL_CONFIG);
  const tuning = await readResultsData<GroupEnvelopeResultsRow>(dataDir, TUNING);
  const choices = chooseLambdas(tuning.rows);
  for (const choice of choices) process.stdout.write(`${choice.family}: λ = ${choice.lambda} (${choice.rule})\n`);
  if (!rest.includes('--write')) return;
  const config = JSON.parse(await readFile(configFile, 'utf8')) as { methods?: ImplementationRef[] };
  const methods = (config.methods ?? []).map((ref) => {
    const choice = choices.find((c) => c.family === methodFamily(ref));
    if (choice === undefined) return ref;
    return typeof ref === 'string' ? { name: refName(ref), lambda: choice.lambda } : { ...ref, lambda: choice.lambda };
  });
  await writeFileAtomic(configFile, `${JSON.stringify({ ...config, methods }, null, 2)}\n`);
  process.stdout.write(`wrote the chosen λ into ${configFile}\n`);
}

async function render(rest: readonly string[]): Promise<void> {
  const dataDir = scriptFlag(rest, '--data') ?? DATA;
  const out = scriptFlag(rest, '--out') ?? PAGE;
  const claimsOut = scriptFlag(rest, '--claims') ?? join(dataDir, 'claims.json');
  const input: { -readonly [K in keyof GroupEnvelopePageInput]: GroupEnvelopePageInput[K] } = { full: await readResultsData<GroupEnvelopeResultsRow>(dataDir, FULL) };
  if (existsSync(join(dataDir, `${TUNING}.jsonl`))) input.tuning = await readResultsData<GroupEnvelopeResultsRow>(dataDir, TUNING);
  if (existsSync(join(dataDir, `${FULL}.latency.json`))) input.latency = JSON.parse(await readFile(join(dataDir, `${FULL}.latency.json`), 'utf8')) as LatencyRecord;
  if (existsSync(SCALING)) input.proxScaling = JSON.parse(await readFile(SCALING, 'utf8')) as ScalingRow[];
  const page = renderGroupEnvelopePage(input, { dataFolder: 'data/group-envelope', regenerate: REGENERATE });
  await mkdir(dirname(out), { recursive: true });
  await writeFileAtomic(out, page.markdown);
  for (const file of page.files) await writeFileAtomic(join(dirname(out), file.name), file.content);
  await writeFileAtomic(claimsOut, `${JSON.stringify(page.claims, null, 2)}\n`);
  process.stdout.write(`wrote ${out}, ${page.files.length} plot(s) and ${claimsOut}: ${page.claims.filter((claim) => claim.verdict.startsWith('shown')).length} of ${page.claims.length} claims shown\n`);
}

async function main(args: readonly string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command === 'import') return importRun(rest);
  if (command === 'tune') return tune(rest);
  if (command === 'render') return render(rest);
  throw new SparseError('E_ARGUMENT', `unknown command ${JSON.stringify(command)}; use import, tune or render`, { field: 'command', received: command, allowed: ['import', 'tune', 'render'] });
}

reportFatalErrors('results:group-envelope');
await main(process.argv.slice(2));
