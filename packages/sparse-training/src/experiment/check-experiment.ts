import { TrainingEngines, SparseError } from '@sparse/core';
import { resolveFashionMnistDataset } from '@sparse/datasets';
import { checkTrainingMemory, type ExperimentContext } from '@sparse/experiments';
import type { SparseTrainingExperimentConfig } from './config.js';
import { planMethods, planUnits, type PlannedMethod, type PlannedUnit } from './plan.js';

/** What the check found: the data folder and sizes, the methods built and the units planned. */
export interface CheckedExperiment {
  /** The absolute data folder; absent for the bundled subset. */
  readonly dir?: string;
  /** Training images per replicate (after the validation split and `trainSize`). */
  readonly trainCount: number;
  readonly testCount: number;
  readonly methods: readonly PlannedMethod[];
  readonly units: readonly PlannedUnit[];
}

function fail(field: string, message: string, received: unknown, allowed: string): never {
  throw new SparseError('E_CONFIG', `${field}: ${message}`, { field, received, allowed });
}

/**
 * Everything about a `sparse-training` config that its schema cannot see, checked before anything
 * is written: the data folder and split sizes, the model against memory, each method built
 * through the runtime (its options checked), and the engine named.
 *
 * @throws SparseError `E_CONFIG` naming the field.
 */
export function checkSparseTrainingExperiment(config: SparseTrainingExperimentConfig, context: Pick<ExperimentContext, 'runtime' | 'cwd' | 'configPath'>): CheckedExperiment {
  const where = { cwd: context.cwd, ...(context.configPath === undefined ? {} : { configPath: context.configPath }) };
  const dataset = resolveFashionMnistDataset(config.dataset, where);
  if (config.validationSize >= dataset.trainCount) {
    fail('validationSize', `must be below the ${dataset.trainCount} training images of ${dataset.dir === undefined ? 'the bundled subset' : 'Fashion-MNIST'}, received ${config.validationSize}.`, config.validationSize, `[1, ${dataset.trainCount - 1}]`);
  }
  const remaining = dataset.trainCount - config.validationSize;
  if (config.trainSize !== undefined && config.trainSize > remaining) {
    fail('trainSize', `only ${remaining} training images remain after the validation split, received ${config.trainSize}.`, config.trainSize, `[1, ${remaining}]`);
  }
  if (config.testSize !== undefined && config.testSize > dataset.testCount) {
    fail('testSize', `the data set has ${dataset.testCount} test images, received ${config.testSize}.`, config.testSize, `[1, ${dataset.testCount}]`);
  }
  const sizes = config.model.layerSizes;
  let weights = 0;
  for (let l = 1; l < sizes.length; l += 1) weights += ((sizes[l - 1] as number) + 1) * (sizes[l] as number);
  checkTrainingMemory({ field: 'model.layerSizes', model: `[${sizes.join(', ')}]`, parameters: weights, activations: sizes.reduce((sum, width) => sum + width, 0), batchSize: config.batchSize, replicates: 1, backend: context.runtime.backend });
  if (config.engine !== undefined) context.runtime.resolve(TrainingEngines, config.engine, 'engine');
  const methods = planMethods(config, context.runtime);
  return {
    ...(dataset.dir === undefined ? {} : { dir: dataset.dir }),
    trainCount: Math.min(config.trainSize ?? remaining, remaining),
    testCount: Math.min(config.testSize ?? dataset.testCount, dataset.testCount),
    methods,
    units: planUnits(config, methods),
  };
}
