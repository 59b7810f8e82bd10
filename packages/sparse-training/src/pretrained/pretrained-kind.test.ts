import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRuntime, definePlugin, implementationRefs, isSparseError, type SparseRuntime } from '@sparse/core';
import { ExperimentKinds, formatTable } from '@sparse/experiments';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPretrainedMasksExperiment } from './check-experiment.js';
import { pretrainedMasksConfigSchema, type PretrainedMasksConfig } from './config.js';
import { pretrainedMasksKind, registerPretrainedKind } from './kind.js';
import { planPretrainedUnits } from './plan.js';
import { buildPretrainedMasksReport, pretrainedResultsTable } from './report.js';
import type { PretrainedUnitResult, SparsityResult } from './results.js';

let runtime: SparseRuntime;
const folders: string[] = [];
beforeAll(async () => {
  runtime = await createRuntime({ backend: 'cpu', plugins: [definePlugin('@sparse/test/pretrained', (registry) => registerPretrainedKind(registry))] });
});
afterAll(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

const parse = (raw: Record<string, unknown>): PretrainedMasksConfig => ({ ...(pretrainedMasksConfigSchema(implementationRefs(runtime)).parse(raw) as unknown as PretrainedMasksConfig), backend: 'cpu' });

describe('pretrained-masks config', () => {
  it('is registered as an experiment kind', () => {
    expect(runtime.names(ExperimentKinds)).toContain('pretrained-masks');
    expect(runtime.create(ExperimentKinds, 'pretrained-masks')).toBe(pretrainedMasksKind);
  });

  it('fills the defaults: LeNet-300-100, Adam 1.2e-3 batch 60, jackpots at 50–90%, the reference optimizer', () => {
    const config = parse({ name: 'x' });
    expect(config.model.layerSizes).toEqual([784, 300, 100, 10]);
    expect([config.batchSize, config.learningRate]).toEqual([60, 1.2e-3]);
    expect(config.jackpotSparsities).toEqual([0.5, 0.7, 0.8, 0.9]);
    expect(config.search).toMatchObject({ momentum: 0.9, weightDecay: 5e-4, batchSize: 256, restriction: 'cosine' });
    expect(config.essential.tolerance).toBe(0.01);
  });

  it('names the field of a bad value', () => {
    const schema = pretrainedMasksConfigSchema(implementationRefs(runtime));
    const paths = (raw: Record<string, unknown>): string[] => {
      const result = schema.safeParse(raw);
      return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
    };
    expect(paths({ name: 'x', jackpotSparsities: [0.9, 0.5] })).toEqual(['jackpotSparsities']);
    expect(paths({ name: 'x', essential: { sparsities: [0.5, 0.3] } })).toEqual(['essential.sparsities']);
    expect(paths({ name: 'x', jackpotSparsities: [1] })).toEqual(['jackpotSparsities.0']);
    expect(paths({ name: 'x', model: { layerSizes: [100, 10, 10] } })).toEqual(['model.layerSizes.0']);
    expect(paths({ name: 'x', search: { restriction: 'sometimes' } })).toEqual(['search.restriction']);
    expect(paths({ name: 'x', engine: 'no-such-engine' })).toEqual(['engine']);
  });

  it('plans pretrain, essential, then one unit per sparsity, per seed', () => {
    expect(planPretrainedUnits({ seeds: [4, 5], jackpotSparsities: [0.8] }).map((u) => u.id)).toEqual(['seed-4/pretrain', 'seed-4/essential', 'seed-4/sparsity-0.8', 'seed-5/pretrain', 'seed-5/essential', 'seed-5/sparsity-0.8']);
  });

  it('checks the split sizes before any work', () => {
    const context = { runtime, cwd: process.cwd() };
    const error = (config: PretrainedMasksConfig): unknown => {
      try {
        checkPretrainedMasksExperiment(config, context);
      } catch (caught) {
        return caught;
      }
      return undefined;
    };
    const tooMany = error(parse({ name: 'x', validationSize: 6000 }));
    expect(isSparseError(tooMany, 'E_CONFIG') && tooMany.details.field).toBe('validationSize');
    expect(checkPretrainedMasksExperiment(parse({ name: 'x', validationSize: 1000, testSize: 200 }), context)).toEqual({ trainCount: 5000, testCount: 200 });
  });
});

describe('pretrained-masks run (tiny, cpu)', () => {
  it('runs every unit, leaks no tensor, keeps exact counts, and reports', async () => {
    const runsRoot = await mkdtemp(join(tmpdir(), 'pretrained-tiny-'));
    folders.push(runsRoot);
    const config = parse({
      name: 'tiny',
      seeds: [2],
      validationSize: 200,
      trainSize: 300,
      testSize: 200,
      model: { layerSizes: [784, 24, 12, 10] },
      batchSize: 50,
      epochs: 2,
      essential: { sparsities: [0.5, 0.9], allocations: ['global'] },
      jackpotSparsities: [0.8],
      search: { epochs: 2, batchSize: 100, learningRates: [1] },
      fineTune: { epochs: 1 },
    });
    const tensors = tf.memory().numTensors;
    let log = '';
    const outcome = await pretrainedMasksKind.run(config, { runtime, plugins: [], cwd: process.cwd(), runsRoot, log: (text) => (log += text), progress: { isTTY: false, write: () => {} } });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(log).toContain(outcome.table);
    const results = (await readFile(join(outcome.runPath, 'results.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as PretrainedUnitResult);
    expect(results.map((r) => r.unit)).toEqual(['pretrain', 'essential', 'sparsity']);
    const comparison = results[2] as SparsityResult;
    // global over fc1 (784·24) and fc2 (24·12); fc3 dense
    expect(Math.round(comparison.measuredSparsity * (784 * 24 + 24 * 12 + 12 * 10))).toBe(Math.floor(0.8 * (784 * 24 + 24 * 12)));
    expect(comparison.jackpot.epochs).toHaveLength(2);
    expect(comparison.fineTune?.engine).toBe('fused');
    expect(await readFile(join(outcome.runPath, 'report.html'), 'utf8')).toContain('Lottery Jackpots');
  }, 30_000);
});

describe('pretrained-masks report', () => {
  const sparsity = (seed: number, magnitude: number, jackpot: number): SparsityResult => ({
    unit: 'sparsity',
    seed,
    sparsity: 0.9,
    allocation: 'global',
    measuredSparsity: 0.8966,
    layerDensity: { 'fc1/kernel': 0.1, 'fc3/kernel': 1 },
    magnitude: { validation: magnitude, test: magnitude },
    jackpot: { validation: jackpot, test: jackpot, learningRate: 1, epoch: 5, changedFromMagnitude: 0.4, epochs: [] },
    fineTune: null,
  });
  const results: PretrainedUnitResult[] = [
    { unit: 'pretrain', seed: 0, engine: 'fused', epochs: 1, steps: 1, curve: [], dense: { validation: 0.88, test: 0.87 } },
    sparsity(0, 0.7, 0.8),
    { unit: 'pretrain', seed: 1, engine: 'fused', epochs: 1, steps: 1, curve: [], dense: { validation: 0.88, test: 0.86 } },
    sparsity(1, 0.72, 0.78),
  ];

  it('tabulates mean ± sd over seeds and states whether the claim held', () => {
    const table = formatTable(pretrainedResultsTable(results));
    expect(table).toContain('71.00 ± 1.41');
    expect(table).toContain('79.00 ± 1.41');
    const report = buildPretrainedMasksReport({ config: parse({ name: 'r', seeds: [0, 1], essential: { allocations: ['global'] } }), runName: 'r-1', results, counts: { train: 1, test: 1 } });
    const text = JSON.stringify(report);
    expect(text).toContain('beats magnitude pruning on every seed (2 of 2)');
    expect(text).toContain('+8.00 points of test accuracy on average');
  });
});
