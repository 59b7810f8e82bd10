import { SparseError } from '@sparse/core';
import { resolveFashionMnistDataset, type ResolvedFashionMnist } from '@sparse/datasets';
import { checkTrainingMemory, type ExperimentContext } from '@sparse/experiments';
import { activationModelSize } from './model-size.js';
import type { ActivationExperimentConfig } from './config.js';
import { planModel, type ModelPlan } from './plan.js';
import { atField } from './resolve-at.js';

/** A config checked against its data and models, with what the run needs. @internal */
export interface CheckedActivationConfig {
  readonly dataset: ResolvedFashionMnist;
  readonly plans: readonly ModelPlan[];
  readonly trainCount: number;
  readonly testCount: number;
  readonly calibrationCount: number;
  readonly probeCount: number;
}

function tooMany(field: string, value: number, limit: number, what: string): SparseError {
  return new SparseError('E_CONFIG', `${field}: ${value} is more than the ${limit} ${what}.`, { field, received: value, allowed: `[1, ${limit}]` });
}

/**
 * Everything about an `activation` config a schema cannot check, before anything is written:
 * the data folder and its sizes, every model and sparsifier resolved through the runtime, the
 * sites each sparsifier needs present in its model, distinct model ids and sparsifier labels,
 * and a ReLU swap only on gated models.
 *
 * @throws SparseError `E_CONFIG` naming the field. @internal
 *
 * @example
 * ```ts
 * import { checkActivationConfig, type ActivationExperimentConfig } from '@sparse/activation';
 * import { checkTrainingMemory, type ExperimentContext } from '@sparse/experiments';
 *
 * declare const config: ActivationExperimentConfig;
 * declare const context: ExperimentContext;
 * const { plans, trainCount } = checkActivationConfig(config, context);
 * ```
 */
export function checkActivationConfig(config: ActivationExperimentConfig, context: Pick<ExperimentContext, 'runtime' | 'cwd' | 'configPath'>): CheckedActivationConfig {
  const dataset = resolveFashionMnistDataset(config.dataset, { cwd: context.cwd, ...(context.configPath === undefined ? {} : { configPath: context.configPath }) });
  const where = dataset.dir === undefined ? 'the bundled subset' : 'Fashion-MNIST';
  if (config.validationExamples >= dataset.trainCount) throw tooMany('validationExamples', config.validationExamples, dataset.trainCount - 1, `training images of ${where} that can be held out (at least one must remain for training)`);
  const remaining = dataset.trainCount - config.validationExamples;
  if (config.trainExamples !== undefined && config.trainExamples > remaining) throw tooMany('trainExamples', config.trainExamples, remaining, `training images of ${where} left after holding out validationExamples (${config.validationExamples})`);
  if (config.testExamples !== undefined && config.testExamples > dataset.testCount) throw tooMany('testExamples', config.testExamples, dataset.testCount, `test images of ${where}`);
  const trainCount = config.trainExamples ?? remaining;
  const testCount = config.testExamples ?? dataset.testCount;
  if (config.calibration.examples > config.validationExamples) throw tooMany('calibration.examples', config.calibration.examples, config.validationExamples, 'held-out validation images (validationExamples); thresholds are calibrated on held-out images only');
  const ids = new Map<string, number>();
  const plans = config.models.map((_, index) => {
    const plan = planModel(context.runtime, config, index);
    const field = `models[${index}]`;
    const earlier = ids.get(plan.id);
    if (earlier !== undefined) {
      throw new SparseError('E_CONFIG', `${field}.id: models[${earlier}] is also "${plan.id}"; give each model a distinct id.`, { field: `${field}.id`, received: plan.id });
    }
    ids.set(plan.id, index);
    if (plan.config.timing !== undefined && plan.sparsifiers.length === 0) {
      throw new SparseError('E_CONFIG', `${field}.timing: times the thresholds of the model's first sparsifier against the dense model; list at least one sparsifier.`, { field: `${field}.timing`, received: plan.config.timing });
    }
    if (plan.config.reluSwap && plan.builder.reluSwap === undefined) {
      throw new SparseError('E_CONFIG', `${field}.reluSwap: the ${plan.builder.name} model has no gates to swap; the ReLU swap is for gated models (gated-mlp).`, { field: `${field}.reluSwap`, received: true, allowed: [false] });
    }
    // Sizes against memory before the model is built (a 65536-wide model would allocate for minutes, then fail late).
    const estimate = activationModelSize(plan.config.model as Parameters<typeof activationModelSize>[0]);
    if (estimate !== undefined) {
      checkTrainingMemory({ field: `${field}.model`, model: estimate.description, parameters: estimate.parameters, activations: estimate.activations, batchSize: config.batchSize, replicates: Math.min(config.workers, config.models.length * config.seeds.length), backend: context.runtime.backend });
    }
    const model = plan.builder.create(0);
    const sites = model.sites;
    model.dispose();
    const slugs = new Map<string, string>();
    for (const planned of [...plan.sparsifiers, ...(plan.fineTune === undefined ? [] : [plan.fineTune])]) {
      try {
        planned.sparsifier.selectSites(sites);
      } catch (error) {
        throw atField(error, planned.field);
      }
      if (planned === plan.fineTune) continue;
      const other = slugs.get(planned.slug);
      if (other !== undefined) {
        throw new SparseError('E_CONFIG', `${planned.field}: "${planned.sparsifier.label}" is the same sparsifier as ${other}; list each once.`, { field: planned.field, received: planned.sparsifier.label });
      }
      slugs.set(planned.slug, planned.field);
    }
    return plan;
  });
  const calibrationCount = config.calibration.examples;
  return { dataset, plans, trainCount, testCount, calibrationCount, probeCount: Math.min(config.probeExamples, trainCount) };
}
