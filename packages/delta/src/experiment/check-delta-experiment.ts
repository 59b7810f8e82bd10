import { echoValue, SparseError, isSparseError, type ImplementationRef } from '@sparse/core';
import { resolveFashionMnistDataset, type ResolvedFashionMnist } from '@sparse/datasets';
import { describeReceived, type ExperimentContext } from '@sparse/experiments';
import type { DeltaMethod } from '../methods/delta-method.js';
import { checkQAtRate } from '../methods/rule-label.js';
import { DeltaMethods } from '../tokens.js';
import type { DeltaExperimentConfig } from './config.js';
import { lastHiddenLayer } from './units/variance-unit.js';
import { mlpLayers } from './mlp.js';

/** Prefixes an `E_CONFIG` error of a method with the config path of its entry. */
function atField(field: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!isSparseError(error, 'E_CONFIG')) throw error;
    const inner = typeof error.details.field === 'string' ? error.details.field : undefined;
    const path = inner === undefined || inner === '' ? field : `${field}.${inner}`;
    throw new SparseError('E_CONFIG', `${path}: ${error.message}`, { ...error.details, field: path }, { cause: error });
  }
}

function resolveMethods(context: ExperimentContext, refs: readonly ImplementationRef[], field: string, rates: readonly number[]): DeltaMethod[] {
  return refs.map((ref, index) => {
    const method = context.runtime.resolve(DeltaMethods, ref, `${field}[${index}]`);
    for (const rate of rates) atField(`${field}[${index}]`, () => method.check(rate));
    return method;
  });
}

/**
 * The methods of a `delta` config, resolved through the runtime and checked at every rate they
 * run at: the curve methods (`methods`) and the `darex` ones.
 *
 * @throws SparseError `E_CONFIG` naming the entry (`methods[2].q`) when a method cannot run at a rate.
 *
 * @example
 * ```ts
 * import { type DeltaExperimentConfig } from '@sparse/delta';
 * import { resolveDeltaMethods } from './check-delta-experiment.js';
 * import type { ExperimentContext } from '@sparse/experiments';
 *
 * declare const config: DeltaExperimentConfig, context: ExperimentContext;
 * const { curves, darex } = resolveDeltaMethods(config, context);
 * ```
 */
export function resolveDeltaMethods(config: DeltaExperimentConfig, context: ExperimentContext): { curves: DeltaMethod[]; darex: DeltaMethod[] } {
  return {
    curves: resolveMethods(context, config.methods, 'methods', config.rates),
    darex: config.darex === undefined ? [] : resolveMethods(context, config.darex.methods, 'darex.methods', [config.darex.rate]),
  };
}

function fail(field: string, received: unknown, allowed: string | readonly unknown[], message: string): never {
  throw new SparseError('E_CONFIG', `${field}: ${message}`, { field, received, allowed });
}

/**
 * Everything about a `delta` config a schema cannot check, before anything is written: the data
 * folder and its size against `validationSize` and `calibrationSize`, classes present in both
 * tasks, distinct regime ids, every method at every rate it runs at, and the variance check's
 * regime, unit and `q`s. Returns the resolved data set.
 *
 * @throws SparseError `E_CONFIG` naming the field, the value and what is allowed.
 *
 * @example
 * ```ts
 * import { type DeltaExperimentConfig } from '@sparse/delta';
 * import { checkDeltaExperiment } from './check-delta-experiment.js';
 * import type { ExperimentContext } from '@sparse/experiments';
 *
 * declare const config: DeltaExperimentConfig, context: ExperimentContext;
 * const dataset = checkDeltaExperiment(config, context);
 * console.log(dataset.trainCount);
 * ```
 */
export function checkDeltaExperiment(config: DeltaExperimentConfig, context: ExperimentContext): ResolvedFashionMnist {
  const dataset = resolveFashionMnistDataset(config.dataset, { cwd: context.cwd, ...(context.configPath === undefined ? {} : { configPath: context.configPath }) });
  if (config.validationSize >= dataset.trainCount) {
    fail('validationSize', config.validationSize, `[1, ${dataset.trainCount - 1}]`, `must be below the ${dataset.trainCount} training images of the data set; got ${config.validationSize}.`);
  }
  const remaining = dataset.trainCount - config.validationSize;
  if (config.calibrationSize > remaining) {
    fail('calibrationSize', config.calibrationSize, `[1, ${remaining}]`, `must be at most the ${remaining} training images left after validation; got ${config.calibrationSize}.`);
  }
  const ids = config.finetune.regimes.map((regime) => regime.id);
  ids.forEach((id, index) => {
    if (ids.indexOf(id) !== index) fail(`finetune.regimes[${index}].id`, id, 'distinct ids', `the id ${echoValue(id)} is used twice; give every regime its own id.`);
  });
  resolveDeltaMethods(config, context);
  const tasks = config.merge?.tasks ?? [];
  const taskIds = tasks.map((task) => task.id);
  taskIds.forEach((id, index) => {
    if (taskIds.indexOf(id) !== index) fail(`merge.tasks[${index}].id`, id, 'distinct ids', `the id ${echoValue(id)} is used twice; give every task its own id.`);
  });
  const methods = config.merge?.methods ?? [];
  methods.forEach((method, index) => {
    if (methods.indexOf(method) !== index) fail(`merge.methods[${index}]`, method, ['task-arithmetic', 'ties'], `the method ${echoValue(method)} is listed twice.`);
  });
  const check = config.varianceCheck;
  if (check !== undefined) {
    if (!ids.includes(check.regime)) fail('varianceCheck.regime', check.regime, ids, `no fine-tuning regime has the id ${describeReceived(check.regime)}; regimes: ${ids.join(', ')}.`);
    const layer = lastHiddenLayer(mlpLayers(config.model.hidden));
    if (check.unit >= layer.outputs) fail('varianceCheck.unit', check.unit, `[0, ${layer.outputs - 1}]`, `the last hidden layer (${layer.name}) has ${layer.outputs} units; got ${check.unit}.`);
    check.points.forEach((point, index) => atField(`varianceCheck.points[${index}]`, () => checkQAtRate(point.q, point.rate)));
  }
  return dataset;
}
