import type { SparseRuntime } from '@sparse/core';
import { runUnits, type RunDirectory, type RunUnit } from '@sparse/experiments';
import type { ActivationExperimentConfig } from './config.js';
import type { ActivationData } from './data.js';
import { planModel, unitIds, type ModelPlan } from './plan.js';
import { fineTuneUnit } from './units/fine-tune-unit.js';
import { reluSwapUnit } from './units/relu-swap-unit.js';
import { sparsifyUnit } from './units/sparsify-unit.js';
import { timingUnit } from './units/timing-unit.js';
import { trainUnit } from './units/train-unit.js';
import type { UnitEnv } from './units/unit-env.js';

/** Sizes that weigh the units of a run for its progress bar (images a unit pushes through the model). @internal */
export interface WorkSizes {
  readonly train: number;
  readonly test: number;
  readonly calibration: number;
}

/** Each kind of unit's share of the work: the images it pushes through the model (a training step counts three times). @internal */
function unitWeights(plan: ModelPlan, sizes: WorkSizes): { readonly train: number; readonly level: number; readonly reluSwap: number; readonly fineTune: number; readonly timing: number } {
  return {
    train: plan.config.epochs * (3 * sizes.train + sizes.test) + sizes.test + sizes.calibration,
    level: 2 * sizes.calibration + 2 * sizes.test,
    reluSwap: sizes.test,
    fineTune: sizes.calibration + 2 * sizes.test + 3 * (plan.fineTune?.epochs ?? 1) * sizes.train,
    timing: plan.config.timing === undefined ? 0 : (1 + plan.config.timing.repeats) * (1 + (plan.sparsifiers[0]?.levels.length ?? 0)) * Math.min(plan.config.timing.examples, sizes.test),
  };
}

/** The units of one model, in run order, each with its share of the work. @internal */
export function modelUnits(env: UnitEnv): { readonly unit: RunUnit; readonly weight: number }[] {
  const { plan } = env;
  const ids = unitIds(plan, env.seed);
  const weight = unitWeights(plan, { train: env.data.train.count, test: env.data.test.count, calibration: env.data.calibration.count });
  const fineTune = plan.fineTune;
  return [
    { unit: trainUnit(ids.train, env), weight: weight.train },
    ...ids.levels.map(({ id, sparsifier, level }) => ({ unit: sparsifyUnit(id, env, sparsifier, level), weight: weight.level })),
    ...(ids.reluSwap === undefined ? [] : [{ unit: reluSwapUnit(ids.reluSwap, env), weight: weight.reluSwap }]),
    ...(fineTune === undefined ? [] : ids.fineTune.map(({ id, level, learningRate }) => ({ unit: fineTuneUnit(id, env, fineTune, level, learningRate), weight: weight.fineTune }))),
    ...(ids.timing === undefined ? [] : [{ unit: timingUnit(ids.timing, env), weight: weight.timing }]),
  ];
}

/** The work of one model's units in one replicate, for the progress bar before any unit runs. @internal */
export function modelWork(plan: ModelPlan, sizes: WorkSizes): number {
  const ids = unitIds(plan, 0);
  const weight = unitWeights(plan, sizes);
  return weight.train + ids.levels.length * weight.level + (ids.reluSwap === undefined ? 0 : weight.reluSwap) + ids.fineTune.length * weight.fineTune + (ids.timing === undefined ? 0 : weight.timing);
}

/** Options of {@link runModelUnits}. @internal */
export interface RunModelUnitsOptions {
  readonly runtime: SparseRuntime;
  readonly run: RunDirectory;
  readonly config: ActivationExperimentConfig;
  readonly modelIndex: number;
  /** The replicate's seed. */
  readonly seed: number;
  readonly data: ActivationData;
  readonly signal?: AbortSignal;
  /** Work done and total of this model (see {@link modelWork}). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Runs (or resumes) the units of one model of one replicate in the run directory, without finalizing the run: the
 * main thread finalizes once every model is done. @internal
 */
export async function runModelUnits(options: RunModelUnitsOptions): Promise<void> {
  const plan = planModel(options.runtime, options.config, options.modelIndex);
  const units = modelUnits({ config: options.config, seed: options.seed, data: options.data, run: options.run, plan });
  const total = units.reduce((sum, unit) => sum + unit.weight, 0);
  const before = units.map((_, i) => units.slice(0, i).reduce((sum, unit) => sum + unit.weight, 0));
  const report = (index: number, fraction: number): void => options.onProgress?.(Math.round((before[index] ?? 0) + fraction * (units[index]?.weight ?? 0)), total);
  await runUnits({
    run: options.run,
    units: units.map((unit) => unit.unit),
    runSeed: options.seed,
    finalize: false,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    onProgress: (event) => {
      if (event.kind === 'skipped' || event.kind === 'completed') report(event.unitIndex, 1);
      else if (event.kind === 'progress' && event.total > 0) report(event.unitIndex, Math.min(1, event.done / event.total));
    },
  });
}
