import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { prepareExperiment, readConfigFile, runExperimentFile } from '@sparse/experiments';
import { afterAll, describe, expect, it } from 'vitest';
import { builtIns, removeFolders, repository, temporaryFolder, writeConfig } from './support/experiment.js';

afterAll(removeFolders);

const cwd = fileURLToPath(repository);
const example = (name: string): string => fileURLToPath(new URL(`examples/group-envelope/${name}`, repository));

describe('examples/group-envelope', () => {
  it.each(['mlp-fashion-mnist-quick.json', 'mlp-fashion-mnist-full.json', 'mlp-fashion-mnist-calibrate.json'])('%s is a valid group-envelope config', async (name) => {
    const path = example(name);
    const raw = (await readConfigFile(path)) as Record<string, unknown>;
    expect(raw['$schema']).toBe('../../schemas/group-envelope.schema.json');
    expect(raw['kind']).toBe('group-envelope');
    const prepared = await prepareExperiment({ raw, source: path, cwd, builtIns: builtIns() });
    expect(prepared.kind.name).toBe('group-envelope');
  });

  it('the full config runs 3 seeds of dense, GSEF, group lasso and the weighted form on the calibrate config\'s schedule (its λ: test/results-page.test.ts)', async () => {
    const config = JSON.parse(await readFile(example('mlp-fashion-mnist-full.json'), 'utf8')) as Record<string, unknown>;
    const calibrate = JSON.parse(await readFile(example('mlp-fashion-mnist-calibrate.json'), 'utf8')) as Record<string, unknown>;
    const schedule = ['dataset', 'validationSize', 'model', 'batchSize', 'epochs', 'fineTuneEpochs', 'learningRate', 'fineTuneLearningRate', 'warmupEpochs', 'targetGroupSparsity', 'recordEvery'];
    for (const key of schedule) expect(config[key], key).toEqual(calibrate[key]);
    expect(config).toMatchObject({ seeds: [1, 2, 3], dense: true, latencyRounds: 3 });
    const methods = config['methods'] as { name: string; weighting?: string }[];
    expect(methods.map((ref) => `${ref.name}${ref.weighting === undefined ? '' : `-${ref.weighting}`}`)).toEqual(['gsef', 'group-lasso', 'gsef-sqrt-size']);
  });

  it('sparse run examples/group-envelope/mlp-fashion-mnist-quick.json: trains, prints the table, writes the reports', async () => {
    const runs = await temporaryFolder('ge-quick-');
    let log = '';
    const tensors = tf.memory().numTensors;
    const outcome = await runExperimentFile({
      path: example('mlp-fashion-mnist-quick.json'),
      cwd,
      runsRoot: runs,
      builtIns: builtIns(),
      log: (text) => (log += text),
      progress: { isTTY: false, write: () => {} },
    });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(outcome.runPath).toMatch(/mlp-fashion-mnist-quick-[0-9a-f]{12}$/);
    expect(log).toContain(outcome.table);
    expect(outcome.table).toMatch(/gsef/);
    const { units } = JSON.parse(await readFile(`${outcome.runPath}/results.json`, 'utf8')) as { units: { id: string; output: { sets: { kept: number; k: number }[] } }[] };
    expect(units.map((unit) => unit.id)).toEqual(['seed-1/dense', 'seed-1/gsef', 'seed-1/group-lasso']);
    for (const unit of units.slice(1)) expect(unit.output.sets.map((set) => [set.kept, set.k])).toEqual([[128, 128], [64, 64]]);
    expect(await readFile(`${outcome.runPath}/results.md`, 'utf8')).toContain('784-128-64-10');
  }, 180_000);

  it('the quick config with "engine": "dense-trainer" runs to the end on the wasm trainer and records the engine', async () => {
    const runs = await temporaryFolder('ge-quick-dense-');
    const { $schema: _schema, ...quick } = JSON.parse(await readFile(example('mlp-fashion-mnist-quick.json'), 'utf8')) as Record<string, unknown>;
    const config = { ...quick, engine: 'dense-trainer' };
    const path = await writeConfig(await temporaryFolder('ge-quick-config-'), config);
    const tensors = tf.memory().numTensors;
    const outcome = await runExperimentFile({ path, cwd, runsRoot: runs, builtIns: builtIns(), log: () => {}, progress: { isTTY: false, write: () => {} } });
    expect(tf.memory().numTensors).toBe(tensors);
    const rows = (await readFile(`${outcome.runPath}/results.jsonl`, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { unit: string; engine: string; sets: { kept: number; k: number; nonzeroAfterFineTune: number }[]; testFinal: number });
    expect(rows.map((row) => [row.unit, row.engine])).toEqual([
      ['seed-1/dense', 'dense-trainer'],
      ['seed-1/gsef', 'dense-trainer'],
      ['seed-1/group-lasso', 'dense-trainer'],
    ]);
    for (const row of rows.slice(1)) expect(row.sets.map((set) => [set.kept, set.k, set.nonzeroAfterFineTune])).toEqual([[128, 128, 128], [64, 64, 64]]);
    for (const row of rows) expect(row.testFinal).toBeGreaterThan(0.6);
  }, 180_000);
});
