import type { PretrainedMasksConfig } from './config.js';

/**
 * One unit of a `pretrained-masks` run: a seed's pretraining, its essential-sparsity sweep, or
 * its magnitude vs Lottery Jackpots comparison at one sparsity.
 *
 * @example
 * ```ts
 * import type { PretrainedPlannedUnit } from '@sparse/sparse-training';
 *
 * const unit: PretrainedPlannedUnit = { id: 'seed-1/sparsity-0.9', seed: 1, kind: 'sparsity', sparsity: 0.9 };
 * ```
 */
export interface PretrainedPlannedUnit {
  readonly id: string;
  readonly seed: number;
  readonly kind: 'pretrain' | 'essential' | 'sparsity';
  /** The comparison's sparsity (`kind: 'sparsity'`). */
  readonly sparsity?: number;
}

/**
 * The units of a `pretrained-masks` run, seed after seed: `seed-<s>/pretrain` first (the others
 * read its weights), then `seed-<s>/essential`, then `seed-<s>/sparsity-<p>` for each of
 * `jackpotSparsities`.
 *
 * @example
 * ```ts
 * import { planPretrainedUnits } from '@sparse/sparse-training';
 *
 * console.log(planPretrainedUnits({ seeds: [1], jackpotSparsities: [0.5, 0.9] }).map((u) => u.id));
 * // ['seed-1/pretrain', 'seed-1/essential', 'seed-1/sparsity-0.5', 'seed-1/sparsity-0.9']
 * ```
 */
export function planPretrainedUnits(config: Pick<PretrainedMasksConfig, 'seeds' | 'jackpotSparsities'>): PretrainedPlannedUnit[] {
  return config.seeds.flatMap((seed) => [
    { id: `seed-${seed}/pretrain`, seed, kind: 'pretrain' as const },
    { id: `seed-${seed}/essential`, seed, kind: 'essential' as const },
    ...config.jackpotSparsities.map((sparsity) => ({ id: `seed-${seed}/sparsity-${sparsity}`, seed, kind: 'sparsity' as const, sparsity })),
  ]);
}

/** The work of a unit in progress-bar steps: training or search steps, or evaluations for the sweep. */
export function unitWork(unit: PretrainedPlannedUnit, config: PretrainedMasksConfig, steps: { readonly pretrain: number; readonly search: number }): number {
  if (unit.kind === 'pretrain') return config.epochs * steps.pretrain;
  if (unit.kind === 'essential') return config.essential.allocations.length * config.essential.sparsities.length;
  return (config.search.learningRates.length * config.search.epochs + config.fineTune.epochs) * steps.search;
}
