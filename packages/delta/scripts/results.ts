/**
 * The delta-pruning results pages from committed raw results.
 *
 *   pnpm results:delta import <run dir> --name delta-wide-full --config examples/delta/wide-mlp-fashion-mnist-full.json
 *   pnpm results:delta render
 *
 * `import` copies a finished run's results.jsonl and its provenance into docs/results/data/delta/;
 * `render` writes each page of PAGES (and its SVG plots) from its data set, and
 * docs/results/data/delta/claims.json with every claim the pages test.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportFatalErrors, SparseError } from '@sparse/core';
import { importRunResults, parseImportArgs, readResultsData, type ResultsClaim, scriptFlag, writeFileAtomic } from '@sparse/experiments';
import { renderDeltaPage, type DeltaRow } from '../src/index.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DATA = join(repo, 'docs/results/data/delta');
const PAGES_DIR = join(repo, 'docs/results');
/** Data set name → page (relative to docs/results). */
const PAGES: Readonly<Record<string, string>> = { 'delta-wide-full': 'delta.md', 'delta-task-shift-full': 'delta-task-shift.md' };


async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command === 'import') {
    const { runPath, name, configFile } = parseImportArgs(rest);
    const provenance = await importRunResults({ runPath, name, configFile, command: `sparse run ${configFile}`, outDir: scriptFlag(rest, '--out') ?? DATA });
    process.stdout.write(`imported ${provenance.runDirectory} as ${name}\n`);
    return;
  }
  if (command === 'render') {
    const dataDir = scriptFlag(rest, '--data') ?? DATA;
    const outDir = scriptFlag(rest, '--out') ?? PAGES_DIR;
    const claims: ResultsClaim[] = [];
    for (const [name, page] of Object.entries(PAGES)) {
      if (!existsSync(join(dataDir, `${name}.jsonl`))) continue;
      const rendered = renderDeltaPage(await readResultsData<DeltaRow>(dataDir, name), { page, dataFolder: 'data/delta', regenerate: 'pnpm results:delta render' });
      await mkdir(outDir, { recursive: true });
      await writeFileAtomic(join(outDir, page), rendered.markdown);
      for (const file of rendered.files) await writeFileAtomic(join(outDir, file.name), file.content);
      claims.push(...rendered.claims);
      process.stdout.write(`wrote ${join(outDir, page)} and ${rendered.files.length} plot(s): ${rendered.claims.filter((claim) => claim.verdict.startsWith('shown')).length} of ${rendered.claims.length} claims shown\n`);
    }
    await writeFileAtomic(join(dataDir, 'claims.json'), `${JSON.stringify(claims, null, 2)}\n`);
    return;
  }
  throw new SparseError('E_ARGUMENT', `unknown command ${JSON.stringify(command)}; use import or render`, { field: 'command', received: command, allowed: ['import', 'render'] });
}

reportFatalErrors('results:delta');
await main(process.argv.slice(2));
