/**
 * The `lth` config through the kind's zod schema, with a runtime (its scorers and training
 * engines are the runtime's names): defaults, every invalid field by name, cross-field rules, the plan.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, isSparseError, type SparseRuntime } from '@sparse/core';
import { wasmBackend } from '@sparse/backend-wasm';
import { lthPlugin, planExperiment, predictedRemaining, validateLthConfig } from '../src/index.js';

const examples = new URL('../../../examples/lth/', import.meta.url);

let runtime: SparseRuntime;
beforeAll(async () => {
  runtime = await createRuntime({ backend: 'cpu', plugins: [wasmBackend(), lthPlugin()] });
});

function errorOf(raw: unknown): { message: string; field: string; fields: string[] } {
  try {
    validateLthConfig(raw, runtime, 'test.json');
  } catch (error) {
    if (isSparseError(error, 'E_CONFIG')) {
      const issues = error.details.issues ?? [];
      const fields = issues.map((issue) => issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('').replace(/^\./, ''));
      return { message: error.message, field: String(error.details.field), fields };
    }
    throw error;
  }
  throw new Error('expected a config error');
}

describe('lottery-ticket experiment configs', () => {
  it('accepts the shipped examples and fills the defaults', async () => {
    // Both take the default engine (dense-trainer where the model fits); the committed raw results name the engine that ran.
    const shipped = ['quick', 'full', 'long-budget', 'budget-pilot', 'rewind-0', 'rewind-25'].map((name) => [`lenet-fashion-mnist-${name}.json`, undefined] as const);
    for (const [file, engine] of shipped) {
      const config = validateLthConfig(JSON.parse(await readFile(new URL(file, examples), 'utf8')), runtime, file);
      expect(config.kind).toBe('lth');
      expect(config.model.layerSizes).toEqual([784, 300, 100, 10]);
      expect(config.optimizer).toEqual({ name: 'adam', learningRate: 0.0012 });
      expect(config.engine).toBe(engine);
      expect('$schema' in config).toBe(false);
    }
    const minimal = validateLthConfig({ name: 'm', seeds: [0], rounds: 2, iterations: 100 }, runtime);
    expect(minimal).toMatchObject({ kind: 'lth', dataset: 'bundled', batchSize: 60, evalEvery: 100, scope: 'layerwise', mode: 'imp', scorer: 'magnitude', rewindStep: 0, backend: 'wasm', workers: 2, checkpointEvery: 500 });
    expect(minimal.rates).toEqual({ default: 0.2, output: 0.1 });
    expect(minimal.branches).toEqual({ ticket: true, reinit: true });
    expect(minimal.engine).toBeUndefined();
    // Implementations with options: any registered scorer and engine.
    const named = validateLthConfig({ name: 'm', seeds: [0], rounds: 2, iterations: 100, scorer: { name: 'random', distribution: 'normal' }, engine: 'dense-trainer' }, runtime);
    expect(named.scorer).toEqual({ name: 'random', distribution: 'normal' });
    expect(named.engine).toBe('dense-trainer');
  });

  it('reports every invalid field by name with what is allowed, before any work', () => {
    const { message, fields } = errorOf({
      name: 'bad name!',
      seeds: [],
      dataset: 'mnist',
      rounds: 3,
      epochsPerRound: 2,
      rates: { default: 1.5 },
      scope: 'globl',
      scorer: 'magnitud',
      engine: 'turbo',
      branches: { randomPrune: { levels: [2], shuffle: 'random' } },
      workers: 0,
      optimiser: {},
    });
    for (const path of ['name', 'seeds', 'dataset', 'rates.default', 'scope', 'scorer', 'engine', 'branches.randomPrune.shuffle', 'workers', 'optimiser']) {
      expect(message).toContain(`${path}:`);
      expect(fields).toContain(path);
    }
    expect(message).toMatch(/scope: expected one of "layerwise", "global", received "globl"/);
    expect(message).toMatch(/shuffle: expected one of "layerwise", "global", "even"/);
    expect(message).toMatch(/scorer: unknown scorer "magnitud"; registered: .*magnitude.*random.*snip/);
    expect(message).toMatch(/engine: unknown training engine "turbo"; registered: dense-trainer, fused, stock/);
    expect(message).toMatch(/optimiser: unknown field; allowed: .*optimizer/);
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, optimizer: { name: 'adam', kernels: 'stock' } }).field).toBe('optimizer.kernels');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, scorer: { name: 'random', sed: 3 } }).message).toMatch(/scorer\.sed: unknown option of the scorer 'random'; allowed: seed, distribution/);
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, scorer: { name: 'random', seed: -1 } }).field).toBe('scorer.seed');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, backend: 3 }).field).toBe('backend');
  });

  it('checks fields against each other, each at its own path', () => {
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3 }).field).toBe('epochsPerRound');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, epochsPerRound: 2 }).field).toBe('epochsPerRound');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, dataset: { folder: 'x' } }).field).toContain('dataset');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, branches: { randomPrune: { levels: [4] } } }).message).toMatch(/branches\.randomPrune\.levels\[0\].*\[1, 3\]/);
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, branches: { randomPrune: { shuffle: 'even' } } }).field).toBe('branches.randomPrune');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, branches: { oneShot: { levels: [101] } } }).field).toBe('branches.oneShot.levels[0]');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, rewindStep: 50 }).field).toBe('rewindStep');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, branches: { instability: { levels: [2, 4] } } }).message).toMatch(/branches\.instability\.levels\[1\]: expected a level in \[0, 3\] \(rounds = 3\), received 4/);
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, branches: { instability: { levels: [] } } }).field).toBe('branches.instability.levels');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, branches: { instability: { levels: [1], points: 1 } } }).field).toBe('branches.instability.points');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, branches: { instability: { levels: [1], copies: 3 } } }).message).toMatch(/branches\.instability\.copies: unknown field; allowed: levels, points/);
    const instability = validateLthConfig({ name: 'x', seeds: [0], rounds: 3, iterations: 50, rewindStep: 5, branches: { instability: { levels: [3, 1, 3] } } }, runtime);
    expect(instability.branches.instability).toEqual({ levels: [3, 1, 3], points: 30 });
    const plan = planExperiment(instability, 5500);
    expect(plan.instabilityLevels).toEqual([0, 1, 3]);
    expect(plan.units.filter((unit) => unit.branch === 'instability').map((unit) => `${unit.id}@${unit.startStep}`)).toEqual(['level-00/instability@5', 'level-01/instability@5', 'level-03/instability@5']);
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, rewindStep: 5, mode: 'mir-l' }).message).toMatch(/rewindStep: MIR-L mode resets/);
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, model: { layerSizes: [100, 10] } }).field).toBe('model.layerSizes[0]');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, model: { layerSizes: [784, 100, 9] } }).field).toBe('model.layerSizes[2]');
    expect(errorOf({ name: 'x', seeds: [0, 0], rounds: 3, iterations: 50 }).field).toBe('seeds');
    expect(errorOf({ name: 'x', seeds: [0], rounds: 3, iterations: 50, rates: { default: 0.2, perTensor: { 'fc9/kernel': 0.1 } } }).field).toBe('rates.perTensor["fc9/kernel"]');
  });

  it('plans levels, round length and the random-pruning levels nearest to the requested Pm', () => {
    const config = validateLthConfig({ name: 'x', seeds: [0], rounds: 15, epochsPerRound: 4, branches: { randomPrune: { remaining: [21, 7, 3.6] } } }, runtime);
    const plan = planExperiment(config, 55000);
    expect(plan.iterations).toBe(4 * 917);
    expect(plan.randomPruneLevels).toEqual([7, 12, 15]);
    expect(plan.units.filter((u) => u.branch === 'ticket')).toHaveLength(16);
    expect(plan.units.filter((u) => u.branch === 'reinit')).toHaveLength(15);
    const pm = predictedRemaining([784, 300, 100, 10], { default: 0.2, output: 0.1 }, 'layerwise', 18).map((r) => Math.round(1000 * r) / 10);
    expect(pm.slice(1)).toEqual([80.0, 64.1, 51.3, 41.1, 32.9, 26.3, 21.1, 16.9, 13.5, 10.8, 8.7, 7.0, 5.6, 4.5, 3.6, 2.9, 2.3, 1.9]);
  });
});
