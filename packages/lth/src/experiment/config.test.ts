import { readFile } from 'node:fs/promises';
import { isSparseError } from '@sparse/core';
import { describe, expect, it } from 'vitest';
import { validateLthConfig } from './config.js';
import { planExperiment, predictedRemaining } from './plan.js';

const examples = new URL('../../../../examples/lth/', import.meta.url);

function errorOf(raw: unknown): { message: string; field: string } {
  try {
    validateLthConfig(raw, 'test.json');
  } catch (error) {
    if (isSparseError(error, 'E_CONFIG')) return { message: error.message, field: String(error.details?.field) };
    throw error;
  }
  throw new Error('expected a config error');
}

describe('lottery-ticket experiment configs', () => {
  it('accepts the shipped examples and fills the defaults', async () => {
    // The full run's recorded results were made with the stock kernels; the quick run takes the default.
    for (const [file, kernels] of [['lenet-fashion-mnist-quick.json', 'dense-trainer'], ['lenet-fashion-mnist-full.json', 'stock']] as const) {
      const config = validateLthConfig(JSON.parse(await readFile(new URL(file, examples), 'utf8')), file);
      expect(config.model.layerSizes).toEqual([784, 300, 100, 10]);
      expect(config.optimizer).toEqual({ name: 'adam', learningRate: 0.0012, kernels });
    }
    const minimal = validateLthConfig({ name: 'm', seeds: [0], rounds: 2, iterations: 100 });
    expect(minimal).toMatchObject({ dataset: 'bundled', batchSize: 60, evalEvery: 100, scope: 'layerwise', mode: 'imp', scorer: 'magnitude', rewindStep: 0, backend: 'wasm' });
    expect(minimal.rates).toEqual({ default: 0.2, output: 0.1 });
  });

  it('reports every invalid field by name with what is allowed, before any work', () => {
    const { message, field } = errorOf({
      name: 'bad name!',
      seeds: [],
      dataset: 'mnist',
      rounds: 3,
      epochsPerRound: 2,
      iterations: 100,
      rates: { default: 1.5 },
      scope: 'globl',
      scorer: 'magnitud',
      branches: { randomPrune: { levels: [9], shuffle: 'random' } },
      backend: 'gpu',
      workers: 0,
      optimiser: {},
    });
    for (const path of ['name', 'seeds', 'rates.default', 'scope', 'scorer', 'branches.randomPrune.shuffle', 'backend', 'workers', 'optimiser']) {
      expect(message).toContain(path);
      expect(field).toContain(path);
    }
    expect(message).toMatch(/did you mean "global"/);
    expect(message).toMatch(/did you mean "magnitude"/);
    expect(message).toMatch(/"layerwise", "global", "even"/);
    expect(message).toMatch(/did you mean "optimizer"/);
  });

  it('checks fields against each other', () => {
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3 }).field).toContain('epochsPerRound');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, dataset: { folder: 'x' } }).field).toContain('dataset');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, branches: { randomPrune: { levels: [4] } } }).message).toMatch(/branches\.randomPrune\.levels\[0\].*\[1, 3\]/);
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, rewindStep: 50 }).field).toContain('rewindStep');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, model: { layerSizes: [100, 10] } }).field).toContain('model.layerSizes[0]');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, rates: { default: 0.2, perTensor: { 'fc9/kernel': 0.1 } } }).field).toContain('rates.perTensor["fc9/kernel"]');
  });

  it('plans levels, round length and the random-pruning levels nearest to the requested Pm', () => {
    const config = validateLthConfig({ name: 'x', seeds: [0], rounds: 15, epochsPerRound: 4, branches: { randomPrune: { remaining: [21, 7, 3.6] } } });
    const plan = planExperiment(config, 55000);
    expect(plan.iterations).toBe(4 * 917);
    expect(plan.randomPruneLevels).toEqual([7, 12, 15]);
    expect(plan.units.filter((u) => u.branch === 'ticket')).toHaveLength(16);
    expect(plan.units.filter((u) => u.branch === 'reinit')).toHaveLength(15);
    const pm = predictedRemaining([784, 300, 100, 10], { default: 0.2, output: 0.1 }, 'layerwise', 18).map((r) => Math.round(1000 * r) / 10);
    expect(pm.slice(1)).toEqual([80.0, 64.1, 51.3, 41.1, 32.9, 26.3, 21.1, 16.9, 13.5, 10.8, 8.7, 7.0, 5.6, 4.5, 3.6, 2.9, 2.3, 1.9]);
  });
});
