import { randomPruneLevels } from '../branches/random-prune.js';
import { impSchedule, type ImpUnit } from '../branches/schedule.js';
import { pruneCount, prunePools } from '../imp/prune-masks.js';
import type { LthExperimentConfig } from './config.js';

/**
 * One training run of a replicate: its unit id in the run directory, level and branch (the
 * schedule `runImp` follows too).
 *
 * @example
 * ```ts
 * import type { PlannedUnit } from '@sparse/lth';
 *
 * const unit: PlannedUnit = { id: 'seed-0/level-03/reinit', level: 3, branch: 'reinit', startStep: 0 };
 * ```
 */
export type PlannedUnit = ImpUnit;

/**
 * The iterations one unit trains: `T − startStep`, twice for an instability unit (two copies).
 *
 * @example
 * ```ts
 * import { unitWork } from '@sparse/lth';
 *
 * console.log(unitWork({ branch: 'instability', startStep: 10 }, 100)); // 180
 * ```
 */
export function unitWork(unit: Pick<PlannedUnit, 'branch' | 'startStep'>, iterations: number): number {
  return (unit.branch === 'instability' ? 2 : 1) * (iterations - unit.startStep);
}

/**
 * The schedule of an experiment, the same in every replicate.
 *
 * @example
 * ```ts
 * import type { ExperimentPlan } from '@sparse/lth';
 *
 * declare const plan: ExperimentPlan;
 * console.log(plan.iterations, plan.remaining.map((r) => (100 * r).toFixed(1)));
 * ```
 */
export interface ExperimentPlan {
  /** Training examples after the validation split. */
  readonly trainCount: number;
  /** Iterations of one round (T). */
  readonly iterations: number;
  /** Steps per pass over the training examples. */
  readonly stepsPerEpoch: number;
  /** Fraction of prunable weights remaining at each level 0 … rounds (exact counts; MIR-L: approximate). */
  readonly remaining: readonly number[];
  /** Levels of the random-pruning baseline. */
  readonly randomPruneLevels: readonly number[];
  /** Levels of the one-shot baseline. */
  readonly oneShotLevels: readonly number[];
  /** Levels of the instability analysis (the dense level 0 and the listed ones, sorted; empty without it). */
  readonly instabilityLevels: readonly number[];
  /** The units of one replicate, in run order (`seed-<s>/…` prefixes are added per replicate). */
  readonly units: readonly PlannedUnit[];
}

/**
 * Training examples in a full Fashion-MNIST training set and in the bundled subset.
 *
 * @example
 * ```ts
 * import { FASHION_MNIST_TRAIN_COUNT } from '@sparse/lth';
 *
 * console.log(FASHION_MNIST_TRAIN_COUNT.full - 5000); // 55000 examples to train on
 * ```
 */
export const FASHION_MNIST_TRAIN_COUNT = { full: 60000, bundled: 6000 } as const;

/**
 * The fraction of weights remaining after each of `rounds` rounds of exact layerwise (or global)
 * pruning of an MLP's kernels, level 0 (1.0) included: the paper's Pm(k) / 100.
 *
 * @example
 * ```ts
 * import { predictedRemaining } from '@sparse/lth';
 *
 * const pm = predictedRemaining([784, 300, 100, 10], { default: 0.2, output: 0.1 }, 'layerwise', 15);
 * console.log((100 * pm[15]!).toFixed(1)); // 3.6
 * ```
 */
export function predictedRemaining(layerSizes: readonly number[], rates: LthExperimentConfig['rates'], scope: 'layerwise' | 'global', rounds: number): number[] {
  const names = layerSizes.slice(1).map((_, i) => `fc${i + 1}/kernel`);
  const sizes = layerSizes.slice(1).map((out, i) => out * (layerSizes[i] as number));
  const total = sizes.reduce((a, b) => a + b, 0);
  const alive = new Map(names.map((name, i) => [name, sizes[i] as number]));
  const pools = prunePools(names, rates, names[names.length - 1], scope);
  const out = [1];
  for (let round = 1; round <= rounds; round += 1) {
    for (const pool of pools) {
      const poolAlive = pool.names.reduce((sum, name) => sum + (alive.get(name) ?? 0), 0);
      let cut = pruneCount(pool.rate, poolAlive);
      // Global pools: the split among tensors depends on the weights; spread it proportionally (estimate only).
      for (const name of pool.names) {
        const share = pool.names.length === 1 ? cut : Math.round((cut * (alive.get(name) ?? 0)) / Math.max(1, poolAlive));
        alive.set(name, (alive.get(name) ?? 0) - Math.min(share, cut));
        cut -= Math.min(share, cut);
      }
    }
    out.push([...alive.values()].reduce((a, b) => a + b, 0) / total);
  }
  return out;
}

/**
 * Plans an experiment: round length, levels, the baselines' levels (random-pruning targets given
 * as percent remaining go to the level whose predicted Pm is nearest), the instability levels and
 * the units of a replicate (the IMP schedule, `impSchedule`).
 *
 * @example
 * ```ts
 * import { createRuntime } from '@sparse/core';
 * import { lthPlugin, planExperiment, validateLthConfig } from '@sparse/lth';
 *
 * const runtime = await createRuntime({ backend: 'cpu', plugins: [lthPlugin()] });
 * const config = validateLthConfig({ name: 'x', seeds: [0], rounds: 15, epochsPerRound: 4, dataset: { dir: 'data' } }, runtime);
 * const plan = planExperiment(config, 55000);
 * console.log(plan.iterations); // 3668
 * ```
 */
export function planExperiment(config: LthExperimentConfig, trainCount: number): ExperimentPlan {
  const stepsPerEpoch = Math.ceil(trainCount / config.batchSize);
  const iterations = config.iterations ?? (config.epochsPerRound ?? 1) * stepsPerEpoch;
  const remaining = predictedRemaining(config.model.layerSizes, config.rates, config.mode === 'mir-l' ? 'global' : config.scope, config.rounds);
  const random = config.branches.randomPrune;
  const randomPruneLevelList = random === undefined ? [] : randomPruneLevels(random, remaining);
  const oneShotLevels = [...new Set(config.branches.oneShot?.levels ?? [])].sort((a, b) => a - b);
  const asked = config.branches.instability?.levels;
  const instabilityLevels = asked === undefined ? [] : [...new Set([0, ...asked])].sort((a, b) => a - b);
  const units = impSchedule({ rounds: config.rounds, rewindStep: config.rewindStep, reinit: config.branches.reinit, randomPruneLevels: randomPruneLevelList, oneShotLevels, instabilityLevels });
  return { trainCount, iterations, stepsPerEpoch, remaining, randomPruneLevels: randomPruneLevelList, oneShotLevels, instabilityLevels, units };
}
