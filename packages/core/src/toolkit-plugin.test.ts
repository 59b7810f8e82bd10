import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { NamedParameter } from './contracts/parameter.js';
import { isSparseError } from './errors.js';
import { pruneParameters } from './pruning/prune-parameters.js';
import { createRuntime } from './create-runtime.js';
import { sparseToolkit, TOOLKIT_PLUGIN_ID } from './toolkit-plugin.js';
import { Pruners, Scorers } from './tokens.js';

function configError(f: () => unknown): { code?: string; message: string; field?: string | undefined } {
  try {
    f();
  } catch (error) {
    return isSparseError(error) ? { code: error.code, message: error.message, field: error.details.field } : { message: String(error) };
  }
  return { message: 'did not throw' };
}

describe('sparseToolkit', () => {
  it('registers the scorers and the pruner by name', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [sparseToolkit()] });
    expect(runtime.names(Scorers)).toEqual(['grasp', 'magnitude', 'movement', 'random', 'snip', 'synflow', 'taylor']);
    expect(runtime.names(Pruners)).toContain('magnitude');
    expect(runtime.catalog.find((entry) => entry.name === 'snip')?.pluginId).toBe(TOOLKIT_PLUGIN_ID);
    expect(runtime.create(Scorers, 'grasp', { hessian: 'exact' }).name).toBe('grasp');
    expect(runtime.create(Pruners, 'magnitude', { pattern: '2:4', mode: 'tfmot' }).name).toBe('magnitude');
  });

  it('validates factory options with E_CONFIG naming the option and the allowed values', async () => {
    const runtime = await createRuntime({ backend: 'cpu', plugins: [sparseToolkit()] });
    expect(configError(() => runtime.create(Scorers, 'snip', { temperature: 1 }))).toMatchObject({
      code: 'E_CONFIG',
      field: 'scorer.temperature',
      message: "scorer.temperature: the scorer 'snip' takes no options; allowed: (none).",
    });
    expect(configError(() => runtime.create(Scorers, 'taylor', { criterion: 'cube' }))).toMatchObject({ code: 'E_CONFIG', field: 'scorer.criterion' });
    expect(configError(() => runtime.create(Pruners, 'magnitude', { mode: 'torch' }))).toMatchObject({
      code: 'E_CONFIG',
      field: 'pruner.mode',
      message: expect.stringContaining('"exact", "pytorch", "tfmot", "open-lth-layerwise", "open-lth-global", "google-lth", "percentile", "synflow", received "torch"') as unknown,
    });
    expect(configError(() => runtime.create(Pruners, 'magnitude', { sparsity: 0.5 }))).toMatchObject({ code: 'E_CONFIG', field: 'pruner.sparsity' });
    expect(configError(() => runtime.create(Pruners, 'magnitude', { minDensity: 2 }))).toMatchObject({ code: 'E_CONFIG', field: 'pruner.minDensity' });
  });
});

describe('pruneParameters', () => {
  it('scores and prunes the kernels only, leaving no tensors but the masks', async () => {
    const kernel = tf.variable(tf.tensor2d([[0.1, -0.5], [2, -0.05]]));
    const bias = tf.variable(tf.tensor1d([0.001, 0.002]));
    const parameters: NamedParameter[] = [
      { name: 'dense/kernel', role: 'dense-kernel', variable: kernel },
      { name: 'dense/bias', role: 'bias', variable: bias },
    ];
    const before = tf.memory().numTensors;
    const { masks, report } = await pruneParameters({ parameters, target: 0.5, onWarning: () => {} });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect([...masks.keys()]).toEqual(['dense/kernel']);
    expect([...masks.get('dense/kernel')!.dataSync()]).toEqual([0, 1, 1, 0]);
    expect(report).toEqual([{ name: 'dense/kernel', weights: 4, zerosBefore: 0, zerosAfter: 2, sparsity: 0.5, target: 0.5 }]);
    tf.dispose([...masks.values(), kernel, bias]);
  });

  it('validates the target before scoring', async () => {
    const kernel = tf.variable(tf.ones([2, 2]));
    await expect(
      pruneParameters({ parameters: [{ name: 'k', role: 'dense-kernel', variable: kernel }], target: { sparsity: 0.5, scope: 'erk', basis: 'remaining' } }),
    ).rejects.toMatchObject({ code: 'E_CONFIG', details: { field: 'target.basis' } });
    kernel.dispose();
  });
});
