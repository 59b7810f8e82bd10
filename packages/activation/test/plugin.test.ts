import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, isSparseError, type SparseRuntime } from '@sparse/core';
import { ExperimentKinds } from '@sparse/experiments';
import { ActivationModels, ActivationRecorder, Sparsifiers, activationPlugin, createGatedMlp, createReluMlp, createSparsityMeter, thresholdHook } from '../src/index.js';
import defaultExport from '../src/index.js';

let runtime: SparseRuntime;
beforeAll(async () => {
  runtime = await createRuntime({ backend: 'cpu', plugins: [activationPlugin()] });
});

function configError(run: () => unknown): { field: unknown; message: string } {
  try {
    run();
  } catch (error) {
    if (isSparseError(error, 'E_CONFIG')) return { field: error.details.field, message: error.message };
    throw error;
  }
  throw new Error('expected an E_CONFIG error');
}

describe('activationPlugin', () => {
  it('registers the four sparsifiers, the three models and the activation experiment kind; it is the default export', () => {
    expect(runtime.names(Sparsifiers)).toEqual(['cats', 'chess', 'chess-plus', 'top-k']);
    expect(runtime.names(ActivationModels)).toEqual(['gated-mlp', 'relu-mlp', 'vit']);
    expect(runtime.names(ExperimentKinds)).toEqual(['activation']);
    expect(defaultExport).toBe(activationPlugin);
    for (const name of runtime.names(Sparsifiers)) expect(runtime.describe(Sparsifiers, name)?.summary).toBeTruthy();
  });

  it('checks its own options', async () => {
    expect(configError(() => activationPlugin({ experimentKind: 'yes' } as never)).field).toBe('experimentKind');
    expect(configError(() => activationPlugin({ nope: 1 } as never)).message).toContain('nope');
    const libraryOnly = await createRuntime({ backend: 'cpu', plugins: [activationPlugin({ experimentKind: false })] });
    expect(libraryOnly.names(ExperimentKinds)).toEqual([]);
    expect(libraryOnly.names(Sparsifiers)).toHaveLength(4);
  });

  it('validates each sparsifier\'s options: a wrong type or an unknown option is E_CONFIG naming the field', () => {
    const quantile = configError(() => runtime.create(Sparsifiers, 'cats', { quantile: 'median' }));
    expect(quantile.message).toContain('quantile');
    expect(quantile.message).toMatch(/exact|histogram/);
    expect(configError(() => runtime.create(Sparsifiers, 'chess', { aggregate: 3 })).message).toContain('aggregate');
    expect(configError(() => runtime.create(Sparsifiers, 'chess-plus', { targets: [1.5] })).message).toContain('targets');
    expect(configError(() => runtime.create(Sparsifiers, 'top-k', { k: [2.5] })).message).toContain('k');
    expect(configError(() => runtime.create(Sparsifiers, 'top-k', { threshold: 1 })).message).toContain('threshold');
    expect(configError(() => runtime.create(Sparsifiers, 'top-k', { k: [4], targets: [0.5] })).field).toBe('k');
    expect(configError(() => runtime.create(Sparsifiers, 'cats', { quantile: 'histogram', granularity: 'channel' })).field).toBe('granularity');
    expect(configError(() => runtime.create(ActivationModels, 'vit', { dModel: 10, heads: 4 })).field).toBe('heads');
    expect(configError(() => runtime.create(ActivationModels, 'gated-mlp', { hidden: -1 })).message).toContain('hidden');
  });

  it('labels each variant and fills in defaults', () => {
    const label = (name: string, options: Record<string, unknown> = {}) => runtime.create(Sparsifiers, name, options).label;
    expect(label('cats')).toBe('CATS');
    expect(label('cats', { quantile: 'histogram' })).toBe('CATS histogram');
    expect(label('cats', { granularity: 'channel', sites: 'mlp' })).toBe('CATS per channel (MLP)');
    expect(label('chess')).toBe('CHESS');
    expect(label('chess', { aggregate: 'mean-of-batches' })).toBe('CHESS mean of batches');
    expect(label('chess-plus')).toBe('CHESS+');
    expect(label('top-k', { by: 'magnitude' })).toBe('top-k by magnitude');
    expect(runtime.create(Sparsifiers, 'cats').levels([0.5, 0.7])).toEqual([{ target: 0.5 }, { target: 0.7 }]);
    expect(runtime.create(Sparsifiers, 'cats', { targets: [0.9] }).levels([0.5])).toEqual([{ target: 0.9 }]);
    expect(runtime.create(Sparsifiers, 'top-k', { k: [16, 4] }).levels([0.5])).toEqual([{ k: 16 }, { k: 4 }]);
  });

  it('makes threshold files that hit the target on the calibration data at the first site, and leaks no tensor', () => {
    const model = createGatedMlp({ dModel: 8, hidden: 16, blocks: 2, seed: 1 });
    const x = tf.randomUniform([64, 784], 0, 1, 'float32', 2);
    const realized = (name: string): number => {
      const recorder = new ActivationRecorder({ seed: 0 });
      tf.tidy(() => {
        model.forward(x, recorder);
      });
      const file = runtime.create(Sparsifiers, name).thresholds({ sites: model.sites, level: { target: 0.5 }, recorder, samples: 64 });
      expect(Object.keys(file.layers)).toEqual(['block0/gate', 'block1/gate']);
      const hook = thresholdHook(file);
      const meter = createSparsityMeter(hook);
      tf.dispose(model.forward(x, meter));
      hook.dispose();
      return meter.report().sites[0]?.sparsity ?? Number.NaN;
    };
    realized('cats'); // warm-up: kernels may cache constants on first use
    const before = tf.memory().numTensors;
    for (const name of ['cats', 'chess', 'chess-plus']) expect(realized(name)).toBe(0.5);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    x.dispose();
  });

  it('refuses sites a sparsifier cannot use, naming the field', () => {
    const relu = createReluMlp({ hidden: [16], seed: 0 });
    expect(configError(() => runtime.create(Sparsifiers, 'chess').selectSites(relu.sites)).field).toBe('sites');
    expect(configError(() => runtime.create(Sparsifiers, 'cats', { sites: 'attention' }).selectSites(relu.sites)).field).toBe('sites');
    expect(configError(() => runtime.create(Sparsifiers, 'top-k', { k: [17] }).selectSites(relu.sites)).field).toBe('k');
    expect(runtime.create(Sparsifiers, 'top-k', { targets: [0.75] }).thresholds({ sites: relu.sites, level: { target: 0.75 } }).layers).toEqual({ hidden0: { k: 4, by: 'value' } });
    relu.dispose();
  });
});
