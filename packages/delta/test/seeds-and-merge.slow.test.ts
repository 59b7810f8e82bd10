import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, isSparseError } from '@sparse/core';
import { parseJsonLines } from '@sparse/experiments';
import { deltaClaims, type DeltaRow } from '../src/index.js';
import { runConfig, tempFolder, tinyConfig } from './support.js';

let folder: string;

beforeAll(async () => {
  folder = await tempFolder('sparse-delta-seeds-');
  await createRuntime({ backend: 'cpu' });
});
afterAll(async () => rm(folder, { recursive: true, force: true }));

const merge = {
  tasks: [
    { id: 'bags', classes: [0, 1, 2, 3, 4, 8], epochs: 1, optimizer: { name: 'adam', learningRate: 0.003 } },
    { id: 'boots', classes: [0, 1, 2, 3, 4, 9], epochs: 1, optimizer: { name: 'adam', learningRate: 0.003 } },
  ],
  rates: [0, 0.9],
};

const seededConfig = () => tinyConfig({ name: 'seeded', seeds: [3, 4], merge, varianceCheck: undefined, darex: { rate: 0.9, methods: ['dare', { name: 'darex-q-validation', upper: 0.3, step: 0.05 }] } });

describe('a delta run over several seeds, with merging', () => {
  it('runs every unit once per seed, writes one raw line per unit, reports over seeds, and resumes to the same bytes', async () => {
    const before = tf.memory().numTensors;
    const { outcome } = await runConfig(folder, seededConfig());
    expect(tf.memory().numTensors).toBe(before);
    const models = await readdir(join(outcome.runPath, 'models'));
    for (const seed of [3, 4]) {
      for (const model of ['pretrained', 'finetuned-adam', 'finetuned-adamr', 'merge-task-bags', 'merge-task-boots']) expect(models).toContain(`seed-${seed}-${model}.safetensors`);
    }
    const text = await readFile(join(outcome.runPath, 'results.jsonl'), 'utf8');
    const rows = parseJsonLines(text, 'results.jsonl').records as unknown as DeltaRow[];
    // Per seed: pretrain, 2 fine-tunes, 2 × 3 curves, 2 × 2 darex, 2 merge fine-tunes, 3 baselines, 2 methods × 2 rates.
    expect(rows).toHaveLength(2 * (1 + 2 + 6 + 4 + 2 + 3 + 4));
    expect(new Set(rows.map((row) => row.seed))).toEqual(new Set([3, 4]));
    expect(rows.every((row) => row.unit.startsWith(`seed-${row.seed}/`))).toBe(true);
    const merged = rows.filter((row): row is Extract<DeltaRow, { phase: 'merge' }> => row.phase === 'merge' && row.method === 'ties' && row.rate === 0.9);
    expect(merged.map((row) => row.accuracy['all']?.length)).toEqual([2, 2]);
    const mergeRows = rows.filter((row): row is Extract<DeltaRow, { phase: 'merge' }> => row.phase === 'merge' && row.seed === 3);
    expect(mergeRows.map((row) => `${row.method}@${row.rate}`)).toEqual(['pretrained@0', 'single:bags@0', 'single:boots@0', 'task-arithmetic@0', 'task-arithmetic@0.9', 'ties@0', 'ties@0.9']);
    for (const row of mergeRows) expect(Object.keys(row.accuracy).sort()).toEqual(['all', 'bags', 'boots']);
    expect(mergeRows.find((row) => row.method === 'ties' && row.rate === 0)?.accuracy['all']).toHaveLength(1);
    const seedsOfTraining = rows.filter((row) => row.phase === 'pretrain').map((row) => (row as { accuracy: number }).accuracy);
    expect(seedsOfTraining[0]).not.toBe(seedsOfTraining[1]);

    const markdown = await readFile(outcome.markdownPath as string, 'utf8');
    expect(markdown).toContain('## Merging two fine-tunes');
    expect(markdown).toContain('mean ± sd over training seeds');
    const claims = deltaClaims(rows, 'delta.md', 'tiny');
    expect(claims.map((claim) => claim.claim)).toContain('DARE at p = 0.9 keeps the fine-tuned accuracy (within 1 pt)');
    for (const claim of claims) expect(markdown).toContain(claim.verdict);

    const again = await runConfig(folder, seededConfig());
    expect(again.outcome.resumed).toBe(true);
    expect(await readFile(join(outcome.runPath, 'results.jsonl'), 'utf8')).toBe(text);
  });

  it.each([
    [{ seeds: [1, 1] }, /seeds: seeds must not repeat/],
    [{ merge: { tasks: [merge.tasks[0], merge.tasks[0]] } }, /merge\.tasks\[1\]\.id: the id "bags" is used twice/],
    [{ merge: { tasks: [merge.tasks[0]] } }, /merge\.tasks/],
    [{ merge: { ...merge, methods: ['ties', 'ties'] } }, /merge\.methods\[1\]: the method "ties" is listed twice/],
    [{ merge: { ...merge, rates: [1] } }, /merge\.rates\[0\]/],
  ])('refuses %j before any run directory exists', async (overrides, message) => {
    const error = await runConfig(folder, tinyConfig(overrides), { runs: 'wrong' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isSparseError(error, 'E_CONFIG')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});
