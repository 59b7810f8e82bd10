import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { runExperimentFile } from '@sparse/experiments';
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
}, 180_000);
