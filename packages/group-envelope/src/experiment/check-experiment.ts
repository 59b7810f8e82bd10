import { SparseError, isSparseError } from '@sparse/core';
import { resolveFashionMnistDataset } from '@sparse/datasets';
import { checkTrainingMemory, resolveTrainingEngine, type ExperimentContext } from '@sparse/experiments';
import { modelParameters } from '@sparse/layers';
import { readAppendix, type Appendix } from './appendix.js';
import type { GroupEnvelopeExperimentConfig } from './config.js';
import { groupRegularizerOf } from './group-regularizer-of.js';
import { createMlp, mlpLoss, mlpTrainableModel } from './mlp.js';
import { planMethods } from './plan.js';
import { selectionCounts } from './select-groups.js';

/** What the check found: the data folder and sizes, and the evidence files read. */
export interface CheckedExperiment {
  /** The absolute data folder; absent for the bundled subset. */
  readonly dir?: string;
  /** Training images per replicate (after the validation split and `trainSize`). */
  readonly trainCount: number;
  readonly testCount: number;
  readonly appendix: Appendix;
  /** The training engine the config names (as resolved), or `undefined` for the default path. */
  readonly engine?: string;
}

function fail(field: string, message: string, received: unknown, allowed: string): never {
  throw new SparseError('E_CONFIG', `${field}: ${message}`, { field, received, allowed });
}

/** Re-throws a configuration error of a method's regularizer under the method's field. */
function underField(error: unknown, field: string): never {
  if (isSparseError(error, 'E_CONFIG')) {
    const inner = error.details.field;
    throw new SparseError('E_CONFIG', `${field}: ${error.message}`, { ...error.details, field: inner === undefined ? field : `${field}.${inner}` }, { cause: error });
  }
  throw error;
}

/**
 * Everything about a `group-envelope` config that its schema cannot see, checked before anything
 * is written: the data folder and its files, the split sizes, the evidence files, and each
 * method's regularizer built through the runtime and fitted to the model (its groups name
 * existing parameters of fitting shapes, its own `k` and the selection's `k` fit every set), and
 * the config's `engine` accepting the MLP with masks on its kernels.
 *
 * @throws SparseError `E_CONFIG` naming the field.
 */
export function checkGroupEnvelopeExperiment(config: GroupEnvelopeExperimentConfig, context: Pick<ExperimentContext, 'runtime' | 'cwd' | 'configPath'>): CheckedExperiment {
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
  // Sizes against memory before any model is built (a 65536-wide model would allocate for minutes, then fail late).
  const sizes = config.model.layerSizes;
  let weights = 0;
  for (let l = 1; l < sizes.length; l += 1) weights += ((sizes[l - 1] as number) + 1) * (sizes[l] as number);
  checkTrainingMemory({ field: 'model.layerSizes', model: `[${sizes.join(', ')}]`, parameters: weights, activations: sizes.reduce((sum, width) => sum + width, 0), batchSize: config.batchSize, replicates: 1, backend: context.runtime.backend });
  const appendix = readAppendix(config, where);
  const methods = planMethods(config).filter((method) => method.ref !== undefined);
  let engine: string | undefined;
  if (methods.length > 0 || config.engine !== undefined) {
    const model = createMlp(config.model.layerSizes, config.seeds[0] ?? 0);
    try {
      const parameters = modelParameters(model);
      if (config.engine !== undefined) {
        // The fine-tune gives the engine masks on kernels only (the rest: engine-masks.ts).
        const kernels = parameters.filter((p) => p.role === 'dense-kernel').map((p) => p.name);
        engine = resolveTrainingEngine(context.runtime, config.engine, mlpTrainableModel(parameters, mlpLoss(model)), kernels).name;
      }
      for (const method of methods) {
        const field = method.field ?? 'methods';
        const regularizer = groupRegularizerOf(context.runtime, method.ref ?? method.label, field);
        try {
          regularizer.resolve(parameters);
        } catch (error) {
          underField(error, field);
        }
        try {
          selectionCounts(regularizer, parameters, config.targetGroupSparsity);
        } catch (error) {
          if (isSparseError(error, 'E_CONFIG')) {
            throw new SparseError('E_CONFIG', `targetGroupSparsity (for ${field}, '${method.label}'): ${error.message}`, { ...error.details, field: 'targetGroupSparsity' }, { cause: error });
          }
          throw error;
        }
      }
    } finally {
      model.dispose();
    }
  }
  return {
    ...(dataset.dir === undefined ? {} : { dir: dataset.dir }),
    trainCount: Math.min(config.trainSize ?? remaining, remaining),
    testCount: Math.min(config.testSize ?? dataset.testCount, dataset.testCount),
    appendix,
    ...(engine === undefined ? {} : { engine }),
  };
}
