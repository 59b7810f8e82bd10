/**
 * The activation results page from committed raw results.
 *
 *   pnpm results:activation import <run dir> --name activation-full --config examples/activation/activation-fashion-mnist-full.json
 *   pnpm results:activation render
 *
 * `import` copies a finished run's results.jsonl and its provenance into
 * docs/results/data/activation/; `render` writes docs/results/activation.md, its SVG plots and
 * docs/results/data/activation/claims.json from the data set there (activation-full when present,
 * else activation-quick).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportFatalErrors, SparseError } from '@sparse/core';
import { importRunResults, readResultsData, writeFileAtomic } from '@sparse/experiments';
import { renderActivationPage, type ActivationRow } from '../src/index.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DATA = join(repo, 'docs/results/data/activation');
const PAGE = join(repo, 'docs/results/activation.md');
/** The data sets `render` looks for, in order of preference. */
const DATA_SETS = ['activation-full', 'activation-quick'] as const;

function flag(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
}

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command === 'import') {
    const runPath = rest[0];
    const name = flag(rest, '--name');
    const configFile = flag(rest, '--config');
    if (runPath === undefined || runPath.startsWith('--') || name === undefined || configFile === undefined) {
      throw new SparseError('E_ARGUMENT', 'usage: results.ts import <run dir> --name NAME --config CONFIG_FILE [--out DIR]', { field: 'args', received: args.join(' ') });
    }
    if (!/^[a-z0-9][a-z0-9.-]{0,99}$/.test(name)) {
      throw new SparseError('E_ARGUMENT', `--name must be 1 to 100 lower-case letters, digits, '.' or '-', got ${JSON.stringify(name)}.`, { field: 'name', received: name });
    }
    if (!existsSync(resolve(repo, configFile))) {
      throw new SparseError('E_NOT_FOUND', `--config ${configFile} does not exist (give the config file relative to the repository).`, { field: 'config', received: configFile });
    }
    const provenance = await importRunResults({ runPath, name, configFile, command: `sparse run ${configFile}`, outDir: flag(rest, '--out') ?? DATA });
    process.stdout.write(`imported ${provenance.runDirectory} as ${name}\n`);
    return;
  }
  if (command === 'render') {
    const dataDir = flag(rest, '--data') ?? DATA;
    const out = flag(rest, '--out') ?? PAGE;
    const name = flag(rest, '--name') ?? DATA_SETS.find((candidate) => existsSync(join(dataDir, `${candidate}.jsonl`)));
    if (name === undefined) {
      throw new SparseError('E_NOT_FOUND', `${dataDir} holds none of ${DATA_SETS.map((candidate) => `${candidate}.jsonl`).join(', ')}; import a run first.`, { field: 'data', received: dataDir, allowed: [...DATA_SETS] });
    }
    const data = await readResultsData<ActivationRow>(dataDir, name);
    const page = renderActivationPage(data, { dataFolder: 'data/activation', regenerate: 'pnpm results:activation render' });
    await mkdir(dirname(out), { recursive: true });
    await writeFileAtomic(out, page.markdown);
    for (const file of page.files) await writeFileAtomic(join(dirname(out), file.name), file.content);
    await writeFileAtomic(join(dataDir, 'claims.json'), `${JSON.stringify(page.claims, null, 2)}\n`);
    process.stdout.write(`wrote ${out} from ${name} (${data.rows.length} rows), ${page.files.length} plot(s) and claims.json: ${page.claims.filter((claim) => claim.verdict.startsWith('shown')).length} of ${page.claims.length} claims shown\n`);
    return;
  }
  throw new SparseError('E_ARGUMENT', `unknown command ${JSON.stringify(command)}; use import or render`, { field: 'command', received: command, allowed: ['import', 'render'] });
}

reportFatalErrors('results:activation');
await main(process.argv.slice(2));
