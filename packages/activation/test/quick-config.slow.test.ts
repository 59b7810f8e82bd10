import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { runExperimentFile } from '@sparse/experiments';
import { renderActivationPage, type ActivationRow } from '../src/index.js';
import { builtIns, preload, repo } from './support.js';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

it('sparse run examples/activation/activation-fashion-mnist-quick.json: the shipped quick config runs end to end', async () => {
  const runsRoot = await mkdtemp(join(tmpdir(), 'activation-quick-'));
  folders.push(runsRoot);
  const cwd = fileURLToPath(repo);
  let printed = '';
  const outcome = await runExperimentFile({
    path: 'examples/activation/activation-fashion-mnist-quick.json',
    cwd,
    runsRoot,
    builtIns: builtIns(),
    preload,
    progress: { write: () => true },
    log: (text) => void (printed += text),
  });
  for (const file of ['report.html', 'results.md', 'results.json', 'summary.json']) expect(existsSync(join(outcome.runPath, file)), file).toBe(true);
  expect(printed).toContain('Test accuracy and realized activation sparsity');
  for (const model of ['gated-mlp', 'vit', 'relu-64', 'relu-256']) expect(outcome.table).toContain(model);
  expect(outcome.table).toMatch(/CHESS\+\s+90 %/);
  // The raw rows of every seed, as the results page reads them: three seeds, timing rows, the same units per seed.
  const rows = (await readFile(join(outcome.runPath, 'results.jsonl'), 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as ActivationRow);
  expect([...new Set(rows.map((row) => row.seed))]).toEqual([0, 1, 2]);
  expect(rows.filter((row) => row.kind === 'timing').length).toBe(3);
  expect(rows.filter((row) => row.seed === 0).length * 3).toBe(rows.length);
  const page = renderActivationPage({ rows, provenance: { name: 'quick', command: 'test', configFile: 'examples/activation/activation-fashion-mnist-quick.json', runDirectory: outcome.runPath.split('/').at(-1) as string, config: {}, machine: { cpu: 'x', cores: 2, memoryGiB: 1, platform: 'linux', node: 'v20' }, loadAverage: [0, 0, 0], importedAt: 'now' } }, { dataFolder: 'data', regenerate: 'test' });
  expect(page.claims.length).toBeGreaterThan(5);
}, 180_000);
