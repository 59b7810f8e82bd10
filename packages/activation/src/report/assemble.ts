import type { JsonObject, JsonValue } from '@sparse/experiments';
import type { ActivationExperimentConfig } from '../experiment/config.js';
import { unitIds, type ModelPlan } from '../experiment/plan.js';
import type { ActivationResults, FineTuneResult, MethodResult, ModelResults } from './results.js';

/** What {@link assembleResults} needs besides the config, plans and unit outputs. @internal */
export interface ResultsInfo {
  readonly backend: string;
  readonly dataset: 'bundled' | 'full';
  readonly trainCount: number;
  readonly testCount: number;
  readonly calibrationCount: number;
  readonly probeCount: number;
}

/** Gathers the unit outputs of one replicate (`seed`) of a finished run into {@link ActivationResults}. @internal */
export function assembleResults(config: ActivationExperimentConfig, plans: readonly ModelPlan[], outputs: ReadonlyMap<string, JsonValue>, info: ResultsInfo, seed: number): ActivationResults {
  const models = plans.map((plan): ModelResults => {
    const ids = unitIds(plan, seed);
    const trained = outputs.get(ids.train) as unknown as Omit<ModelResults, 'id' | 'model' | 'description' | 'epochs' | 'learningRate' | 'sparsifiers' | 'trackNonzero' | 'methods' | 'fineTuned'>;
    const reluSwap = ids.reluSwap === undefined ? undefined : (outputs.get(ids.reluSwap) as unknown as ModelResults['reluSwap']);
    return {
      id: plan.id,
      model: plan.builder.name,
      description: plan.builder.description,
      epochs: plan.config.epochs,
      learningRate: plan.config.learningRate,
      flopsPerExample: trained.flopsPerExample,
      sites: trained.sites,
      sparsifiers: plan.sparsifiers.map(({ sparsifier }) => ({ label: sparsifier.label, name: sparsifier.name, description: sparsifier.description, calibrates: sparsifier.calibration !== undefined })),
      history: trained.history,
      trackNonzero: plan.config.trackNonzero,
      denseAccuracy: trained.denseAccuracy,
      naturalSparsity: trained.naturalSparsity,
      methods: ids.levels.map((unit) => outputs.get(unit.id) as unknown as MethodResult),
      ...(reluSwap === undefined ? {} : { reluSwap }),
      fineTuned: ids.fineTune.map((unit) => outputs.get(unit.id) as unknown as FineTuneResult),
    };
  });
  return {
    name: config.name,
    seed,
    dataset: info.dataset,
    backend: info.backend,
    trainCount: info.trainCount,
    testCount: info.testCount,
    calibrationCount: info.calibrationCount,
    probeCount: info.probeCount,
    calibrationBatchSize: config.calibration.batchSize,
    batchSize: config.batchSize,
    targets: config.targets,
    models,
    config: config as unknown as JsonObject,
  };
}
