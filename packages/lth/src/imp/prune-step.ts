import { DEFAULT_PRUNABLE_ROLES, magnitudeScorer, type BinaryMask, type BinaryMaskSet, type NamedParameter, type Scorer, type ScoringInput } from '@sparse/core';
import { percentileMasks } from './percentile-masks.js';
import { pruneMasks, prunePools, type PrunePool, type PruningScope } from './prune-masks.js';
import type { PruningRates } from './rates.js';
import { scoreParameters } from './scoring.js';

/**
 * How a round turns scores into a count: `exact` (the framework default: exactly
 * `floor(rate · alive)` per pool, ties by index) or `percentile` (MIR-L: prune scores below
 * `np.percentile(alive, 100 · rate)`).
 *
 * @example
 * ```ts
 * import type { ImpSelection } from '@sparse/lth';
 *
 * const selection: ImpSelection = 'exact';
 * ```
 */
export type ImpSelection = 'exact' | 'percentile';

/**
 * The parameters IMP prunes by default: dense and convolution kernels (biases and norms are
 * reset but never pruned).
 *
 * @example
 * ```ts
 * import { createMlp, defaultPrunable } from '@sparse/lth';
 *
 * const model = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
 * console.log(defaultPrunable(model.parameters)); // ['fc1/kernel', 'fc2/kernel', 'fc3/kernel']
 * model.dispose();
 * ```
 */
export function defaultPrunable(parameters: readonly NamedParameter[]): string[] {
  return parameters.filter((p) => DEFAULT_PRUNABLE_ROLES.includes(p.role)).map((p) => p.name);
}

/**
 * The parameters MIR-L prunes: every parameter whose name contains `weight` (PyTorch naming,
 * which includes LayerNorm/BatchNorm gains), and, for tfjs-style names, every kernel and norm
 * parameter (role `dense-kernel`, `conv-kernel` or `norm`). Biases are not pruned.
 *
 * @example
 * ```ts
 * import { createMlp, mirlPrunable } from '@sparse/lth';
 *
 * const model = createMlp({ layerSizes: [4, 3, 2], seed: 0 });
 * console.log(mirlPrunable(model.parameters)); // ['fc1/kernel', 'fc2/kernel']
 * model.dispose();
 * ```
 */
export function mirlPrunable(parameters: readonly NamedParameter[]): string[] {
  return parameters.filter((p) => p.role !== 'bias' && (p.name.includes('weight') || p.role === 'dense-kernel' || p.role === 'conv-kernel' || p.role === 'norm')).map((p) => p.name);
}

/**
 * Options of {@link impPruneStep}.
 *
 * @example
 * ```ts
 * import type { ImpPruneStepOptions } from '@sparse/lth';
 *
 * declare const base: ImpPruneStepOptions;
 * const mirl: ImpPruneStepOptions = { ...base, scope: 'global', selection: 'percentile' };
 * ```
 */
export interface ImpPruneStepOptions {
  /** All parameters of the network, holding the trained weights. */
  readonly parameters: readonly NamedParameter[];
  /** Names of the parameters to prune, in ranking order. */
  readonly prunable: readonly string[];
  /** The current masks (pruned weights stay pruned). */
  readonly masks: BinaryMaskSet;
  /** The round's rates (of the remaining weights). */
  readonly rates: PruningRates;
  /** The output layer's kernel, pruned at `rates.output` in layerwise scope. */
  readonly outputParameter?: string;
  /** Default `layerwise`. */
  readonly scope?: PruningScope;
  /** Default `exact`. */
  readonly selection?: ImpSelection;
  /** Default: core's `magnitudeScorer()`. */
  readonly scorer?: Scorer;
  /** Batch, loss, model and seed for data-driven scorers. */
  readonly scoring?: Omit<ScoringInput, 'parameters' | 'masks'>;
  readonly onWarning?: (message: string) => void;
  /**
   * Replaces the per-round pools, e.g. one-shot pruning to level k prunes `1 − (1 − rate)^k` of
   * each pool at once (see {@link oneShotPools}).
   */
  readonly pools?: readonly PrunePool[];
}

/**
 * One-shot pools: the pools of one round with each rate compounded over `rounds` rounds,
 * `1 − (1 − rate)^rounds`, so one prune from the dense weights reaches about the density
 * iterative pruning reaches after `rounds` rounds.
 *
 * @example
 * ```ts
 * import { oneShotPools, prunePools } from '@sparse/lth';
 *
 * const pools = oneShotPools(prunePools(['a', 'b'], { default: 0.2, output: 0.1 }, 'b', 'layerwise'), 2);
 * console.log(pools.map((p) => p.rate.toFixed(2))); // ['0.36', '0.19']
 * ```
 */
export function oneShotPools(pools: readonly PrunePool[], rounds: number): PrunePool[] {
  return pools.map((pool) => ({ names: [...pool.names], rate: 1 - (1 - pool.rate) ** rounds }));
}

/**
 * One IMP pruning step: scores the trained weights of the prunable parameters (any `Scorer`;
 * magnitude by default) and removes each pool's rate of its remaining weights, exactly or by
 * percentile threshold. Returns the new masks of the prunable parameters.
 *
 * @example
 * ```ts
 * import { createMlp, defaultPrunable, impPruneStep } from '@sparse/lth';
 *
 * const model = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
 * const masks = await impPruneStep({
 *   parameters: model.parameters,
 *   prunable: defaultPrunable(model.parameters),
 *   masks: new Map(),
 *   rates: { default: 0.2, output: 0.1 },
 *   outputParameter: model.outputParameter,
 * });
 * model.dispose();
 * ```
 */
export async function impPruneStep(options: ImpPruneStepOptions): Promise<Map<string, BinaryMask>> {
  const { parameters, prunable, masks } = options;
  const targets = prunable.map((name) => parameters.find((p) => p.name === name)).filter((p): p is NamedParameter => p !== undefined);
  const scores = await scoreParameters(options.scorer ?? magnitudeScorer(), targets, masks, options.scoring ?? {});
  const shapes = new Map(targets.map((p) => [p.name, [...p.variable.shape]] as const));
  const pools = options.pools ?? prunePools(prunable, options.rates, options.outputParameter, options.scope ?? 'layerwise');
  if ((options.selection ?? 'exact') === 'exact') {
    return pruneMasks({ scores, shapes, masks, pools, ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }) });
  }
  let out = new Map<string, BinaryMask>(masks);
  for (const pool of pools) {
    const poolScores = new Map(pool.names.map((name) => [name, scores.get(name) ?? new Float32Array(0)] as const));
    out = percentileMasks(poolScores, shapes, out, pool.rate);
  }
  return out;
}
