import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend } from '@sparse/backend-wasm';
import { createRuntime, isSparseError } from '@sparse/core';
import { runExperimentFile } from '@sparse/experiments';
import type { ActivationResults, ActivationRow } from '../src/index.js';
import { RESULT_FILES, builtIns, filesUnder, preload, tinyConfig } from './support.js';

const folders: string[] = [];
beforeAll(async () => {
  await createRuntime({ backend: 'wasm', plugins: [wasmBackend()] });
});
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function tempDir(prefix: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

async function writeConfig(folder: string, config: Record<string, unknown>): Promise<string> {
  const path = join(folder, 'config.json');
  await writeFile(path, JSON.stringify(config));
  return path;
}

function run(path: string, runsRoot: string, extra: { signal?: AbortSignal; log?: (text: string) => void } = {}) {
  return runExperimentFile({ path, runsRoot, builtIns: builtIns(), preload, progress: { write: () => true }, log: extra.log ?? (() => {}), ...(extra.signal === undefined ? {} : { signal: extra.signal }) });
}

/** The first checkpoint manifest a unit wrote under a runs folder, if any. */
function findManifest(folder: string): string | undefined {
  if (!existsSync(folder)) return undefined;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (!entry.isDirectory()) continue;
    if (entry.name === 'manifests' && path.includes('/checkpoints/') && readdirSync(path).some((name) => name.endsWith('.json'))) return path;
    const found = findManifest(path);
    if (found !== undefined) return found;
  }
  return undefined;
}

async function expectSameResults(expectedRoot: string, actualRoot: string): Promise<void> {
  const [a] = readdirSync(expectedRoot);
  const [b] = readdirSync(actualRoot);
  expect(b).toBe(a);
  const expected = await filesUnder(join(expectedRoot, a as string));
  const actual = await filesUnder(join(actualRoot, b as string));
  const compared = [...expected.keys()].filter((name) => RESULT_FILES.test(name));
  for (const name of ['results.json', 'results.jsonl', 'summary.json', 'metrics.jsonl', 'results.md', 'report.html']) expect(compared).toContain(name);
  expect(compared.filter((name) => name.startsWith('thresholds/')).length).toBeGreaterThan(0);
  for (const name of compared) expect(actual.get(name)?.equals(expected.get(name) as Buffer), name).toBe(true);
  expect([...actual.keys()].filter((name) => RESULT_FILES.test(name)).sort()).toEqual(compared.sort());
}

describe('the activation experiment kind', () => {
  let reference = '';

  it('runs a tiny config: trains, sparsifies, fine-tunes; writes report.html, results.md, results.json and prints the table; leaks no tensor', async () => {
    const folder = await tempDir('activation-tiny-');
    const path = await writeConfig(folder, tinyConfig());
    reference = join(folder, 'runs');
    let printed = '';
    const before = tf.memory().numTensors;
    const outcome = await run(path, reference, { log: (text) => (printed += text) });
    expect(tf.memory().numTensors).toBe(before);
    expect(outcome.resumed).toBe(false);
    for (const file of ['report.html', 'results.md', 'results.json', 'results.jsonl', 'summary.json', 'metrics.jsonl']) expect(existsSync(join(outcome.runPath, file)), file).toBe(true);
    expect(outcome.markdownPath).toBe(join(outcome.runPath, 'results.md'));
    expect(printed).toContain(outcome.table);
    expect(outcome.table).toMatch(/mlp\s+CHESS\s+80 %/);
    expect(outcome.table).toContain('k = 8');
    const results = JSON.parse(await readFile(join(outcome.runPath, 'summary.json'), 'utf8')) as ActivationResults;
    expect(results.models.map((model) => model.id)).toEqual(['mlp', 'vit', 'relu']);
    const [mlp, vit, relu] = results.models;
    expect(mlp?.methods.map((m) => `${m.method} ${m.levelLabel}`)).toEqual(['CATS 50 %', 'CATS 80 %', 'CATS histogram 50 %', 'CATS histogram 80 %', 'CHESS 50 %', 'CHESS 80 %']);
    expect(mlp?.methods[0]?.calibrationSparsity[0]?.sparsity).toBe(0.5); // exact at the first site on the calibration images
    expect(mlp?.reluSwap?.sparsity.length).toBe(2);
    expect(mlp?.fineTuned.map((f) => [f.levelLabel, f.learningRate])).toEqual([['80 %', 0.001]]);
    expect(mlp?.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(vit?.methods.find((m) => m.method === 'CHESS+')?.testSparsity.map((s) => s.site)).toEqual(['layer0/attn/q_input', 'layer0/attn/o_input', 'layer0/mlp/gate']);
    expect(relu?.history.map((h) => [h.epoch, typeof h.testNonzero])).toEqual([[0, 'number'], [1, 'number'], [2, 'number']]);
    expect(relu?.methods[0]?.testSparsity[0]?.sparsity).toBeGreaterThanOrEqual(1 - 8 / 32);
    const markdown = await readFile(outcome.markdownPath as string, 'utf8');
    expect(markdown).toContain('## Findings');
    expect(markdown).toContain('![Nonzero activations per epoch](./activation-nonzero-activations-per-epoch.svg)');
    expect(existsSync(join(outcome.runPath, 'thresholds', 'seed-3', 'mlp', 'chess', 'target-0.5.json'))).toBe(true);
    const results2 = JSON.parse(await readFile(join(outcome.runPath, 'results.json'), 'utf8')) as { units: { id: string }[] };
    expect(results2.units[0]?.id).toBe('seed-3/mlp/train');
    expect(JSON.stringify(results2)).not.toMatch(/seconds|elapsed|wall/i);
    // results.jsonl: one compact raw row per unit, each naming its seed, model, kind and engine.
    const rows = (await readFile(join(outcome.runPath, 'results.jsonl'), 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as ActivationRow);
    expect(rows.map((row) => row.unit)).toEqual(results2.units.map((unit) => unit.id));
    expect(rows.every((row) => row.seed === 3 && row.engine === 'stock' && row.backend === 'wasm')).toBe(true);
    const train = rows.find((row) => row.kind === 'train' && row.model === 'mlp');
    expect(train?.kind === 'train' && train.distributions.map((d) => d.site)).toEqual(['block0/gate', 'block1/gate']);
    expect(train?.kind === 'train' && train.images).toMatchObject({ train: 300, validation: 100, calibration: 100, test: 200 });
    const cats = rows.find((row) => row.kind === 'sparsify' && row.model === 'mlp' && row.method === 'CATS');
    expect(cats?.kind === 'sparsify' && cats.accuracy).toBe(mlp?.methods[0]?.accuracy);
  }, 120_000);

  it('resumes a run cancelled part-way (after a checkpoint) and ends byte-identical to the uninterrupted run', async () => {
    const folder = await tempDir('activation-abort-');
    const path = await writeConfig(folder, tinyConfig());
    const root = join(folder, 'runs');
    const controller = new AbortController();
    const poll = setInterval(() => {
      if (findManifest(root) !== undefined) controller.abort(new Error('cancelled by the test'));
    }, 1);
    await expect(run(path, root, { signal: controller.signal })).rejects.toThrow(/cancelled by the test/);
    clearInterval(poll);
    expect(findManifest(root), 'dense training was interrupted after an epoch checkpoint').toContain('/checkpoints/seed-3/mlp/train/');
    const [runFolder] = readdirSync(root);
    expect(existsSync(join(root, runFolder as string, 'results.json'))).toBe(false);
    const outcome = await run(path, root);
    expect(outcome.resumed).toBe(true);
    await expectSameResults(reference, root);
  }, 120_000);

  it('runs the same with model workers (worker threads) as in one thread', async () => {
    const folder = await tempDir('activation-workers-');
    const path = await writeConfig(folder, tinyConfig({ workers: 2 }));
    const root = join(folder, 'runs');
    await run(path, root);
    const [a] = readdirSync(reference);
    const [b] = readdirSync(root);
    for (const file of ['results.json', 'results.jsonl', 'metrics.jsonl', 'thresholds/seed-3/mlp/cats/target-0.5.json', 'thresholds/seed-3/relu/top-k/k-8.json']) {
      expect((await readFile(join(root, b as string, file))).equals(await readFile(join(reference, a as string, file))), file).toBe(true);
    }
    const summary = async (folder: string) => ({ ...(JSON.parse(await readFile(join(folder, 'summary.json'), 'utf8')) as ActivationResults), config: undefined });
    expect(await summary(join(root, b as string))).toEqual(await summary(join(reference, a as string)));
  }, 120_000);
});

describe('a wrong activation config fails before any run directory exists, naming the field', () => {
  async function failure(config: Record<string, unknown>): Promise<{ code: string; message: string; field: unknown; root: string }> {
    const folder = await tempDir('activation-bad-');
    const path = await writeConfig(folder, config);
    const root = join(folder, 'runs');
    try {
      await run(path, root);
    } catch (error) {
      if (!isSparseError(error)) throw error;
      expect(existsSync(root), 'no runs folder').toBe(false);
      return { code: error.code, message: error.message, field: error.details.field, root };
    }
    throw new Error('expected the run to fail');
  }
  const model = (patch: Record<string, unknown>) => ({ ...(tinyConfig()['models'] as Record<string, unknown>[])[0], ...patch });

  it('a wrong option type', async () => {
    const error = await failure(tinyConfig({ models: [model({ sparsifiers: [{ name: 'cats', quantile: 3 }] })] }));
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toContain('models[0].sparsifiers[0].quantile');
    expect(error.message).toMatch(/exact.*histogram/);
  });

  it('an unknown sparsifier or model, listing the registered ones', async () => {
    const sparsifier = await failure(tinyConfig({ models: [model({ sparsifiers: ['catz'] })] }));
    expect(sparsifier.message).toContain('models[0].sparsifiers[0]');
    expect(sparsifier.message).toContain('cats, chess, chess-plus, top-k');
    const architecture = await failure(tinyConfig({ models: [model({ model: 'resnet' })] }));
    expect(architecture.message).toContain('models[0].model');
    expect(architecture.message).toContain('gated-mlp, relu-mlp, vit');
  });

  it('an unknown plugin', async () => {
    const error = await failure(tinyConfig({ plugins: ['./no-such-plugin.js'] }));
    expect(error.code).toBe('E_PLUGIN');
    expect(error.field).toBe('plugins[0]');
  });

  it('a missing data folder, too many images, an unknown field', async () => {
    const dir = await failure(tinyConfig({ dataset: { dir: './no-such-folder' } }));
    expect([dir.code, dir.field]).toEqual(['E_CONFIG', 'dataset.dir']);
    const train = await failure(tinyConfig({ trainExamples: 6001 }));
    expect(train.field).toBe('trainExamples');
    const calibration = await failure(tinyConfig({ calibration: { examples: 400, batchSize: 50 } }));
    expect(calibration.field).toBe('calibration.examples');
    expect(calibration.message).toContain('held-out');
    const validation = await failure(tinyConfig({ validationExamples: 6000 }));
    expect(validation.field).toBe('validationExamples');
    const unknown = await failure(tinyConfig({ epochs: 3 }));
    expect(unknown.message).toContain('epochs');
  });

  it('a sparsifier the model cannot take, a ReLU swap without gates, twice the same id or label', async () => {
    const relu = { model: { name: 'relu-mlp', hidden: [16] }, epochs: 1, learningRate: 0.001 };
    const chess = await failure(tinyConfig({ models: [{ ...relu, sparsifiers: ['chess'] }] }));
    expect(chess.field).toBe('models[0].sparsifiers[0].sites');
    const topK = await failure(tinyConfig({ models: [{ ...relu, sparsifiers: [{ name: 'top-k', k: [32] }] }] }));
    expect(topK.field).toBe('models[0].sparsifiers[0].k');
    const swap = await failure(tinyConfig({ models: [{ ...relu, reluSwap: true }] }));
    expect(swap.field).toBe('models[0].reluSwap');
    const ids = await failure(tinyConfig({ models: [relu, relu] }));
    expect(ids.field).toBe('models[1].id');
    const labels = await failure(tinyConfig({ models: [model({ sparsifiers: ['cats', { name: 'cats', quantile: 'exact' }] })] }));
    expect(labels.field).toBe('models[0].sparsifiers[1]');
  });
});
