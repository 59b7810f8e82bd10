import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { runExperimentFile } from '@sparse/experiments';
import type { SparseTrainingUnitResult } from '../src/index.js';
import { builtIns, repo } from './support.js';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

it('sparse run examples/sparse-training/dst-quick.json: every method runs end to end at its density, and a second run reprints the same results', async () => {
  const runsRoot = await mkdtemp(join(tmpdir(), 'sparse-training-quick-'));
  folders.push(runsRoot);
  const options = { path: 'examples/sparse-training/dst-quick.json', cwd: fileURLToPath(repo), runsRoot, builtIns: builtIns(), progress: { write: () => true }, log: () => undefined };
  const outcome = await runExperimentFile(options);
  const lines = (await readFile(join(outcome.runPath, 'results.jsonl'), 'utf8')).trim().split('\n');
  const rows = lines.map((line) => JSON.parse(line) as SparseTrainingUnitResult);
  expect(rows.map((row) => row.name)).toEqual(['dense', 'static', 'static', 'set', 'rigl', 'imp', 'random-search', 'nm-retrain', 'mdgf']);
  for (const row of rows) {
    if (row.targetSparsity !== null) expect(Math.abs(row.sparsity - row.targetSparsity), row.method).toBeLessThan(0.001);
    expect(row.testAccuracy, row.method).toBeGreaterThan(0.5);
    expect(row.curve.length, row.method).toBeGreaterThan(0);
  }
  expect(rows.find((row) => row.name === 'nm-retrain')?.sparsity).toBeCloseTo(0.5, 3);
  expect(rows.find((row) => row.name === 'mdgf')?.details?.['nmViolations']).toBe(0);
  expect(rows.find((row) => row.name === 'rigl')?.engine).toBe('dense-trainer');
  const again = await runExperimentFile(options);
  expect(again.resumed).toBe(true);
  expect(again.table).toBe(outcome.table);
  expect(await readFile(join(again.runPath, 'results.jsonl'), 'utf8')).toBe(lines.join('\n') + '\n');
}, 240_000);
