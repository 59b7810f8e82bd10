import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, isSparseError } from '@sparse/core';
import type { DeltaExperimentResults } from '../src/index.js';
import { runConfig, tempFolder, tinyConfig } from './support.js';

let folder: string;
let reference: { runPath: string; results: string; markdown: string };

beforeAll(async () => {
  folder = await tempFolder('sparse-delta-kind-');
  await createRuntime({ backend: 'cpu' });
});
afterAll(async () => rm(folder, { recursive: true, force: true }));

describe('the delta experiment kind', () => {
  it('runs a tiny config: run directory, models, results.json, results.md, report.html, the table, no tensor leak', async () => {
    const before = tf.memory().numTensors;
    const { outcome, output } = await runConfig(folder, tinyConfig());
    expect(tf.memory().numTensors).toBe(before);
    expect(outcome.resumed).toBe(false);
    expect(outcome.runPath).toMatch(/runs\/tiny-[0-9a-f]{12}$/);
    const files = await readdir(outcome.runPath);
    for (const file of ['config.json', 'run.json', 'metrics.jsonl', 'results.json', 'results.md', 'report.html', 'models']) expect(files).toContain(file);
    expect(await readdir(join(outcome.runPath, 'models'))).toEqual(['finetuned-adam.safetensors', 'finetuned-adamr.safetensors', 'pretrained.safetensors']);
    expect(outcome.markdownPath).toBe(join(outcome.runPath, 'results.md'));
    expect(files.some((file) => file.endsWith('.svg'))).toBe(true);

    const results = JSON.parse(await readFile(join(outcome.runPath, 'results.json'), 'utf8')) as DeltaExperimentResults;
    expect(results.regimes.map((regime) => regime.id)).toEqual(['adam', 'adamr']);
    const [adam] = results.regimes;
    expect(adam?.curves.map((curve) => curve.method)).toEqual(['dare', 'drop-only', 'magnitude']);
    expect(adam?.curves[0]?.points.map((point) => point.accuracy.length)).toEqual([2, 2]);
    expect(adam?.curves[2]?.points.map((point) => point.accuracy.length)).toEqual([1, 1]);
    expect(adam?.darex.map((row) => row.method)).toEqual(['dare', 'darex-q-validation', 'darex-q-output-change', 'darex-q-analytical']);
    expect(adam?.darex[1]?.evaluations).toBeGreaterThan(0);
    expect(adam?.darex[3]?.q).toMatch(/^fc1: \d\.\d{3} \(η = /);
    expect(results.varianceCheck?.rows).toHaveLength(1);
    expect(results.pretrain.losses).toHaveLength(2);

    expect(output).toContain(`Starting ${outcome.runPath}`);
    expect(output).toContain(outcome.table);
    expect(outcome.table).toMatch(/fine-tuning\s+fine-tuned\s+p\s+DARE \(rescale 1\/\(1−p\)\)\s+DropOnly \(no rescale\)\s+magnitude DPP \(no rescale\)/);
    expect(outcome.table).toContain('DAREx-q, q by output change (no labels)');
    const markdown = await readFile(join(outcome.runPath, 'results.md'), 'utf8');
    expect(markdown).toContain('## Delta pruning: Adam lr 1e-3');
    expect(await readFile(outcome.reportPath, 'utf8')).toContain('<svg');
    reference = { runPath: outcome.runPath, results: await readFile(join(outcome.runPath, 'results.json'), 'utf8'), markdown };

    const again = await runConfig(folder, tinyConfig());
    expect(again.outcome.resumed).toBe(true);
    expect(again.outcome.runPath).toBe(outcome.runPath);
    expect(await readFile(join(outcome.runPath, 'results.json'), 'utf8')).toBe(reference.results);
  });

  it('resumes an interrupted run from its last epoch checkpoint and ends byte-identical', async () => {
    const controller = new AbortController();
    let abortedAt: string | undefined;
    // Total work of the tiny config: 91 steps; pretraining is steps 0–12, the second epoch of
    // fine-tuning 'adam' steps 22–32: abort there, after the first epoch's checkpoint.
    const progress = (text: string) => {
      const match = /\s(\d+)\/(\d+)\s/.exec(text);
      if (match !== null && Number(match[1]) > 22 && Number(match[1]) < 32 && !controller.signal.aborted) {
        abortedAt = text;
        controller.abort(new Error('stopped by the test'));
      }
    };
    await expect(runConfig(folder, tinyConfig(), { runs: 'resumed', progress, signal: controller.signal })).rejects.toThrowError(/stopped by the test/);
    expect(abortedAt).toBeDefined();
    const [runName] = await readdir(join(folder, 'resumed'));
    const runPath = join(folder, 'resumed', runName as string);
    expect(existsSync(join(runPath, 'units', 'pretrain.json'))).toBe(true);
    expect(existsSync(join(runPath, 'units', 'finetune', 'adam.json'))).toBe(false);
    expect((await readdir(join(runPath, 'checkpoints', 'finetune', 'adam', 'manifests'))).length).toBeGreaterThan(0);

    const { outcome, output } = await runConfig(folder, tinyConfig(), { runs: 'resumed' });
    expect(outcome.resumed).toBe(true);
    expect(output).toContain(`Resuming ${runPath}`);
    expect(output).not.toContain('pretrained:');
    expect(await readFile(join(outcome.runPath, 'results.json'), 'utf8')).toBe(reference.results);
    expect(await readFile(join(outcome.runPath, 'results.md'), 'utf8')).toBe(reference.markdown);
    expect(existsSync(join(runPath, 'checkpoints', 'finetune', 'adam', 'manifests'))).toBe(false);
  });

  describe('a wrong config fails before any run directory exists, naming the field and the allowed values', () => {
    it.each([
      [{ methods: ['dare', { name: 'darex-q', q: 'big' }] }, /methods\[1\]\.q: expected a number, received "big"/],
      [{ methods: ['dare', 'dar'] }, /methods\[1\]: unknown delta method "dar"; registered: dare, darex-q, darex-q-analytical/],
      [{ methods: [{ name: 'magnitude', scop: 'global' }] }, /methods\[0\]\.scop: unknown option of the delta method 'magnitude'; allowed: rescale, q, scope/],
      [{ plugins: ['./nope.mjs'] }, /plugins\[0\]: the plugin file "\.\/nope\.mjs" does not exist/],
      [{ dataset: { dir: 'no-such-folder' } }, /dataset\.dir: the folder "no-such-folder" does not exist/],
      [{ methods: [{ name: 'darex-q', q: 0.2 }] }, /methods\[0\]\.q: q must be in \[1 − p, 1\] = \[0\.5, 1\] for drop rate p = 0\.5/],
      [{ finetune: { regimes: [{ id: 'a', epochs: 1, optimizer: { name: 'sgd', learningRate: 0.1 } }] } }, /finetune\.regimes\[0\]\.optimizer/],
      [{ finetune: { regimes: [{ id: 'a', epochs: 1, optimizer: { name: 'adam', learningRate: 0.1 } }, { id: 'a', epochs: 1, optimizer: { name: 'adam', learningRate: 0.1 } }] } }, /finetune\.regimes\[1\]\.id: the id "a" is used twice/],
      [{ validationSize: 6000 }, /validationSize: must be below the 6000 training images/],
      [{ varianceCheck: { regime: 'nope', points: [{ rate: 0.9, q: 0.1 }] } }, /varianceCheck\.regime: no fine-tuning regime has the id "nope"; regimes: adam, adamr/],
      [{ backend: 'gpu' }, /backend: Unknown backend 'gpu'/],
      [{ rates: [1.5] }, /rates\[0\]/],
    ])('%j', async (overrides, message) => {
      const error = await runConfig(folder, tinyConfig(overrides), { runs: 'wrong' }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(isSparseError(error)).toBe(true);
      expect(['E_CONFIG', 'E_PLUGIN']).toContain((error as { code: string }).code);
      expect((error as Error).message).toMatch(message);
      expect(existsSync(join(folder, 'wrong'))).toBe(false);
    });
  });
});
