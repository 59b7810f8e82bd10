import { SparseError, createDenseMlp, glorotNormal } from '@sparse/core';
import { resolveFashionMnistDataset } from '@sparse/datasets';
import { checkTrainingMemory, type ExperimentContext, resolveTrainingEngine } from '@sparse/experiments';
import type { PretrainedMasksConfig } from './config.js';
import { prunedKernels } from './units.js';

/**
 * What {@link checkPretrainedMasksExperiment} found: the data folder and the split sizes.
 *
 * @example
 * ```ts
 * import type { CheckedPretrainedMasks } from '@sparse/sparse-training';
 *
 * declare const checked: CheckedPretrainedMasks;
 * console.log(checked.trainCount, checked.testCount);
 * ```
 */
export interface CheckedPretrainedMasks {
  /** The absolute data folder; absent for the bundled subset. */
  readonly dir?: string;
  /** Training images per replicate (after the validation split and `trainSize`). */
  readonly trainCount: number;
  readonly testCount: number;
}

function fail(field: string, message: string, received: unknown, allowed: string): never {
  throw new SparseError('E_CONFIG', `${field}: ${message}`, { field, received, allowed });
}

/**
 * Everything about a `pretrained-masks` config its schema cannot see, checked before anything is
 * written: the data folder, the split sizes, the memory the model needs, something left to prune,
 * and the training engine (it must accept the model, dense and with masks on the pruned kernels).
 *
 * @throws SparseError `E_CONFIG` naming the field.
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { checkPretrainedMasksExperiment, type PretrainedMasksConfig } from '@sparse/sparse-training';
 *
 * declare const config: PretrainedMasksConfig;
 * const runtime = await createRuntime({ backend: 'cpu' });
 * console.log(checkPretrainedMasksExperiment(config, { runtime, cwd: process.cwd() }).trainCount);
 * ```
 */
export function checkPretrainedMasksExperiment(config: PretrainedMasksConfig, context: Pick<ExperimentContext, 'runtime' | 'cwd' | 'configPath'>): CheckedPretrainedMasks {
  const where = { cwd: context.cwd, ...(context.configPath === undefined ? {} : { configPath: context.configPath }) };
  const dataset = resolveFashionMnistDataset(config.dataset, where);
  const source = dataset.dir === undefined ? 'the bundled subset' : 'Fashion-MNIST';
  if (config.validationSize >= dataset.trainCount) fail('validationSize', `must be below the ${dataset.trainCount} training images of ${source}, received ${config.validationSize}.`, config.validationSize, `[1, ${dataset.trainCount - 1}]`);
  const remaining = dataset.trainCount - config.validationSize;
  if (config.trainSize !== undefined && config.trainSize > remaining) fail('trainSize', `only ${remaining} training images remain after the validation split, received ${config.trainSize}.`, config.trainSize, `[1, ${remaining}]`);
  if (config.testSize !== undefined && config.testSize > dataset.testCount) fail('testSize', `the data set has ${dataset.testCount} test images, received ${config.testSize}.`, config.testSize, `[1, ${dataset.testCount}]`);
  const sizes = config.model.layerSizes;
  if (sizes.length < 3 && config.keepOutputDense) fail('keepOutputDense', 'with a single layer and keepOutputDense: true nothing is left to prune.', true, 'false, or a hidden layer in model.layerSizes');
  let weights = 0;
  for (let l = 1; l < sizes.length; l += 1) weights += ((sizes[l - 1] as number) + 1) * (sizes[l] as number);
  checkTrainingMemory({ field: 'model.layerSizes', model: `[${sizes.join(', ')}]`, parameters: weights, activations: sizes.reduce((sum, width) => sum + width, 0), batchSize: Math.max(config.batchSize, config.search.batchSize), replicates: 1, backend: context.runtime.backend });
  const model = createDenseMlp({ layerSizes: sizes, initializer: glorotNormal, seed: 0 });
  try {
    resolveTrainingEngine(context.runtime, config.engine, model, []);
    if (config.fineTune.epochs > 0) resolveTrainingEngine(context.runtime, config.engine, model, prunedKernels(config));
  } finally {
    model.dispose();
  }
  return {
    ...(dataset.dir === undefined ? {} : { dir: dataset.dir }),
    trainCount: Math.min(config.trainSize ?? remaining, remaining),
    testCount: Math.min(config.testSize ?? dataset.testCount, dataset.testCount),
  };
}
