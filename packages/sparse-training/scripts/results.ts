/**
 * The sparse-training results page from committed raw results.
 *
 *   pnpm results:sparse-training import <run dir> --name dst-full --config examples/sparse-training/dst-full.json
 *   pnpm results:sparse-training render
 *
 * `import` copies a finished run's results.jsonl and its provenance into
 * docs/results/data/sparse-training/; `render` writes docs/results/sparse-training.md and its SVG
 * plots from whatever data sets are there (dst-full, search-vs-imp-full, nm-full).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { resolveFashionMnistDataset, type FashionMnistDatasetConfig } from '@sparse/datasets';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportFatalErrors, SparseError } from '@sparse/core';
import { parseImportArgs, scriptFlag, writeFileAtomic } from '@sparse/experiments';
import { importRunResults, readResultsData, renderPretrainedPage, renderSparseTrainingPage, sparseTrainingIndexClaims, type PageData, type PretrainedUnitResult, type SparseTrainingUnitResult } from '../src/index.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DATA = join(repo, 'docs/results/data/sparse-training');
const PAGE = join(repo, 'docs/results/sparse-training.md');
const PRETRAINED_PAGE = join(repo, 'docs/results/pretrained-masks.md');
const PRETRAINED = 'pretrained-masks-full';
const DATA_SETS = { dst: 'dst-full', search: 'search-vs-imp-full', nm: 'nm-full' } as const;


async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command === 'import') {
    const { runPath, name, configFile } = parseImportArgs(rest);
    const config = JSON.parse(await readFile(join(runPath, 'config.json'), 'utf8')) as { dataset: FashionMnistDatasetConfig; validationSize: number; trainSize?: number; testSize?: number };
    const dataset = resolveFashionMnistDataset(config.dataset, { cwd: repo, configPath: resolve(repo, configFile) });
    const counts = { train: Math.min(config.trainSize ?? Infinity, dataset.trainCount - config.validationSize), test: Math.min(config.testSize ?? Infinity, dataset.testCount) };
    const provenance = await importRunResults({ runPath, name, configFile, counts, command: `sparse run ${configFile}`, outDir: scriptFlag(rest, '--out') ?? DATA });
    process.stdout.write(`imported ${provenance.runDirectory} as ${name}\n`);
    return;
  }
  if (command === 'render') {
    const dataDir = scriptFlag(rest, '--data') ?? DATA;
    const out = scriptFlag(rest, '--out') ?? PAGE;
    const data: { dst?: PageData; search?: PageData; nm?: PageData } = {};
    for (const [key, name] of Object.entries(DATA_SETS) as [keyof typeof DATA_SETS, string][]) {
      if (existsSync(join(dataDir, `${name}.jsonl`))) data[key] = await readResultsData<SparseTrainingUnitResult>(dataDir, name);
    }
    const page = renderSparseTrainingPage(data, { dataFolder: 'data/sparse-training', regenerate: 'pnpm results:sparse-training render' });
    await mkdir(dirname(out), { recursive: true });
    await writeFileAtomic(out, page.markdown);
    for (const file of page.files) await writeFileAtomic(join(dirname(out), file.name), file.content);
    process.stdout.write(`wrote ${out} and ${page.files.length} plot(s): ${page.claims.filter((claim) => claim.verdict.startsWith('shown')).length} of ${page.claims.length} claims shown\n`);
    let pretrainedClaims: Parameters<typeof sparseTrainingIndexClaims>[2];
    if (existsSync(join(dataDir, `${PRETRAINED}.jsonl`))) {
      const pretrained = renderPretrainedPage(await readResultsData<PretrainedUnitResult>(dataDir, PRETRAINED), { dataFolder: 'data/sparse-training', regenerate: 'pnpm results:sparse-training render' });
      const pretrainedOut = scriptFlag(rest, '--pretrained-out') ?? PRETRAINED_PAGE;
      await writeFileAtomic(pretrainedOut, pretrained.markdown);
      for (const file of pretrained.files) await writeFileAtomic(join(dirname(pretrainedOut), file.name), file.content);
      process.stdout.write(`wrote ${pretrainedOut}: ${pretrained.claims.filter((claim) => claim.verdict.startsWith('shown')).length} of ${pretrained.claims.length} claims shown\n`);
      pretrainedClaims = { data: await readResultsData<PretrainedUnitResult>(dataDir, PRETRAINED), claims: pretrained.claims };
    }
    await writeFileAtomic(join(dataDir, 'claims.json'), `${JSON.stringify(sparseTrainingIndexClaims(data, page.claims, pretrainedClaims), null, 2)}\n`);
    return;
  }
  throw new SparseError('E_ARGUMENT', `unknown command ${JSON.stringify(command)}; use import or render`, { field: 'command', received: command, allowed: ['import', 'render'] });
}

reportFatalErrors('results:sparse-training');
await main(process.argv.slice(2));
