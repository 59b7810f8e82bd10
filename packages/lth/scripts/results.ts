/**
 * The lottery-ticket results pages from committed raw results.
 *
 *   pnpm results:lth import <run dir> --name lenet-fashion-mnist-full --config examples/lth/lenet-fashion-mnist-full.json
 *   pnpm results:lth render
 *
 * `import` copies a finished `lth` run's results.jsonl (one line per training run and per
 * instability analysis) and its provenance into docs/results/data/lth/; `render` writes, for each
 * data set there, docs/results/lth-fashion-mnist.md (full), lth-fashion-mnist-quick.md (quick) and
 * lth-fashion-mnist-long-budget.md (long budget), and from the rewinding data sets (k = 0, k = 25)
 * lth-rewinding.md, with their SVG plots, and docs/results/data/lth/claims.json with every page's
 * claims and verdicts (renderLthResults).
 * `--data DIR` and `--out DIR` (render) read and write elsewhere; `--out DIR` (import) too.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportFatalErrors, SparseError } from '@sparse/core';
import { resolveFashionMnistDataset, type FashionMnistDatasetConfig } from '@sparse/datasets';
import { importRunResults, parseImportArgs, parseJsonLines, scriptFlag, writeFileAtomic } from '@sparse/experiments';
import { LTH_RESULT_SETS, LTH_REWINDING_SETS, parseInstabilityRows, parseLthRows, renderLthResults } from '../src/index.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DATA = join(repo, 'docs/results/data/lth');
const PAGES = join(repo, 'docs/results');
const REGENERATE = 'pnpm results:lth render';


async function importRun(args: readonly string[]): Promise<void> {
  const { runPath, name, configFile } = parseImportArgs(args);
  const config = JSON.parse(await readFile(join(runPath, 'config.json'), 'utf8')) as { dataset: FashionMnistDatasetConfig; validationSize: number };
  const dataset = resolveFashionMnistDataset(config.dataset, { cwd: repo, configPath: resolve(repo, configFile) });
  const counts = { train: dataset.trainCount - config.validationSize, test: dataset.testCount };
  const out = scriptFlag(args, '--out') ?? DATA;
  // check the rows before anything is written: a run of an older version without engines is refused here
  const raw = await readFile(join(runPath, 'results.jsonl'), 'utf8').catch(() => undefined); // missing: importRunResults says so
  if (raw !== undefined) {
    const records = parseJsonLines(raw, 'results.jsonl').records;
    parseLthRows(records, join(runPath, 'results.jsonl'));
    parseInstabilityRows(records, join(runPath, 'results.jsonl'));
  }
  const provenance = await importRunResults({ runPath, name, configFile, counts, command: `sparse run ${configFile}`, outDir: out });
  process.stdout.write(`imported ${provenance.runDirectory} as ${name} into ${out}\n`);
}

async function render(args: readonly string[]): Promise<void> {
  const dataDir = scriptFlag(args, '--data') ?? DATA;
  const outDir = scriptFlag(args, '--out') ?? PAGES;
  const { pages, claims } = await renderLthResults(dataDir, REGENERATE);
  for (const rendered of pages) {
    await mkdir(outDir, { recursive: true });
    for (const file of rendered.files) await writeFileAtomic(join(outDir, file.name), file.content);
    await writeFileAtomic(join(outDir, rendered.page), rendered.markdown);
    process.stdout.write(`wrote ${join(outDir, rendered.page)} and ${rendered.files.length} plot(s): ${rendered.claims.filter((claim) => claim.verdict.startsWith('shown')).length} of ${rendered.claims.length} claims shown\n`);
  }
  if (claims.length === 0) throw new SparseError('E_NOT_FOUND', `${dataDir} holds none of ${[...LTH_RESULT_SETS.map((set) => set.name), ...LTH_REWINDING_SETS.names].map((name) => `${name}.jsonl`).join(', ')}; import a run first.`, { field: 'data', received: dataDir });
  await writeFileAtomic(join(dataDir, 'claims.json'), `${JSON.stringify(claims, null, 2)}\n`);
  process.stdout.write(`wrote ${join(dataDir, 'claims.json')} (${claims.length} claims)\n`);
}

async function main(args: readonly string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command === 'import') return importRun(rest);
  if (command === 'render') return render(rest);
  throw new SparseError('E_ARGUMENT', `unknown command ${JSON.stringify(command ?? '')}; use import or render`, { field: 'command', received: command ?? '', allowed: ['import', 'render'] });
}

reportFatalErrors('results:lth');
await main(process.argv.slice(2));
