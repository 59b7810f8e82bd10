import { resolveTrainingEngine } from '@sparse/experiments';
import { SparseError, Scorers } from '@sparse/core';
import { resolveFashionMnistDataset } from '@sparse/datasets';
import type { ExperimentContext } from '@sparse/experiments';
import { modeRules } from '../branches/mode.js';
import { createMlp } from '../model/mlp.js';
import type { LthExperimentConfig } from './config.js';
import { checkReplicateMemory } from './memory.js';
import { planExperiment, type ExperimentPlan } from './plan.js';

/**
 * What {@link checkLthExperiment} found: the data folder, the plan and the training engine.
 *
 * @example
 * ```ts
 * import type { CheckedLthExperiment } from '@sparse/lth';
 *
 * declare const checked: CheckedLthExperiment;
 * console.log(checked.datasetDir ?? 'bundled', checked.plan.iterations, checked.engine);
 * ```
 */
export interface CheckedLthExperiment {
  /** The absolute folder of the full data set; `undefined` for the bundled subset. */
  readonly datasetDir: string | undefined;
  /** Training examples before the validation split. */
  readonly trainCount: number;
  /** Round length, levels and units of a replicate. */
  readonly plan: ExperimentPlan;
  /** The name of the training engine the rounds run on (the config's, or the default's choice). */
  readonly engine: string;
}

/**
 * Everything about an `lth` config that its schema cannot see, checked before anything is
 * written: the data set (folder and files), the validation split below the training examples, the
 * rewind step below the iterations of a round, the layer sizes within memory, the scorer built
 * through the runtime, and the training engine accepting the configured model (the MLP is built
 * once on the backend to ask the engine's `refusal`).
 *
 * @throws SparseError `E_CONFIG` naming the field.
 *
 * @example
 * ```ts
 * import type { ExperimentContext } from '@sparse/experiments';
 * import { checkLthExperiment, type LthExperimentConfig } from '@sparse/lth';
 *
 * declare const config: LthExperimentConfig;
 * declare const context: ExperimentContext;
 * const { plan, engine } = checkLthExperiment(config, context);
 * console.log(plan.iterations, engine);
 * ```
 */
export function checkLthExperiment(config: LthExperimentConfig, context: Pick<ExperimentContext, 'runtime' | 'cwd' | 'configPath'>): CheckedLthExperiment {
  const dataset = resolveFashionMnistDataset(config.dataset, { cwd: context.cwd, ...(context.configPath === undefined ? {} : { configPath: context.configPath }) });
  const total = dataset.trainCount;
  if (config.validationSize >= total) {
    throw new SparseError('E_CONFIG', `validationSize: must be below the ${total} training examples of ${dataset.dir === undefined ? 'the bundled subset' : 'Fashion-MNIST'}, received ${config.validationSize}.`, {
      field: 'validationSize',
      received: config.validationSize,
      allowed: `[1, ${total - 1}]`,
    });
  }
  const plan = planExperiment(config, total - config.validationSize);
  if (config.rewindStep >= plan.iterations) {
    throw new SparseError('E_CONFIG', `rewindStep: must be below the ${plan.iterations} iterations of a round, received ${config.rewindStep}.`, {
      field: 'rewindStep',
      received: config.rewindStep,
      allowed: `[0, ${plan.iterations - 1}]`,
    });
  }
  checkReplicateMemory({ layerSizes: config.model.layerSizes, batchSize: config.batchSize, replicates: Math.min(config.workers, config.seeds.length), backend: context.runtime.backend });
  context.runtime.resolve(Scorers, config.scorer, 'scorer');
  const model = createMlp({ layerSizes: config.model.layerSizes, seed: config.seeds[0] ?? 0 });
  try {
    const { prunable } = modeRules(config.mode, model.parameters, {});
    const engine = resolveTrainingEngine(context.runtime, config.engine, model, prunable);
    return { datasetDir: dataset.dir, trainCount: total, plan, engine: engine.name };
  } finally {
    model.dispose();
  }
}
