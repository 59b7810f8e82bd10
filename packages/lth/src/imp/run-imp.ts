import { SparseError, deriveSeed, type BinaryMaskSet, type NamedParameter, type Scorer, type ScoringInput } from '@sparse/core';
import { assignParameterValues, readParameterValues, type ParameterValues } from './parameter-values.js';
import { defaultPrunable, impPruneStep, mirlPrunable, oneShotPools, type ImpSelection } from './prune-step.js';
import { prunePools, remainingFraction, type PruningScope } from './prune-masks.js';
import type { PruningRates } from './rates.js';
import { shuffleMasks, type ShuffleMode } from './shuffle-masks.js';

/**
 * The kinds of training run an IMP experiment makes: the winning ticket (level 0 is the dense
 * network), random re-initialisation (same mask, new init), random pruning (shuffled mask) and
 * one-shot pruning.
 *
 * @example
 * ```ts
 * import type { BranchName } from '@sparse/lth';
 *
 * const branch: BranchName = 'reinit';
 * ```
 */
export type BranchName = 'ticket' | 'reinit' | 'random-prune' | 'one-shot';

/**
 * What the `train` callback of {@link runImp} is told. The network already holds its starting
 * weights (reset and masked); train it from iteration `startStep` with a fresh optimizer and the
 * same data order every round.
 *
 * @example
 * ```ts
 * import type { ImpTrainContext } from '@sparse/lth';
 *
 * const describe = (c: ImpTrainContext) => `${c.branch} level ${c.level} from step ${c.startStep}`;
 * ```
 */
export interface ImpTrainContext {
  readonly level: number;
  readonly branch: BranchName;
  /** The masks in force (empty for the dense level 0). */
  readonly masks: BinaryMaskSet;
  /** The iteration to start at: 0 for the dense run, the rewind step k afterwards. */
  readonly startStep: number;
  /** Level 0 with rewinding only: the iteration whose weights θk must be handed to `rewind`. */
  readonly rewindStep?: number;
  /** Level 0 with rewinding only: call with the weights after `rewindStep` iterations. */
  rewind?(values: ParameterValues): void;
}

/**
 * Options of {@link runImp}.
 *
 * @example
 * ```ts
 * import type { ImpOptions } from '@sparse/lth';
 *
 * declare const base: ImpOptions<number>;
 * const options: ImpOptions<number> = { ...base, rounds: 15, rates: { default: 0.2, output: 0.1 } };
 * ```
 */
export interface ImpOptions<T> {
  /** Every parameter of the network (all are reset each round; the prunable ones are masked). */
  readonly parameters: readonly NamedParameter[];
  /** Trains the network as it is and returns what to keep of the run (accuracy, early stop …). */
  train(context: ImpTrainContext): Promise<T>;
  /** The seed of random re-initialisation and random pruning. */
  readonly seed: number;
  /** Pruning rounds R: levels 0 (dense) … R. */
  readonly rounds: number;
  readonly rates: PruningRates;
  /** Default `layerwise` (`global` in MIR-L mode). */
  readonly scope?: PruningScope;
  /** Default magnitude. */
  readonly scorer?: Scorer;
  /** Data for data-driven scorers, asked for at each prune. */
  scoringInput?(level: number): Omit<ScoringInput, 'parameters' | 'masks'>;
  /** Names to prune; default the dense/conv kernels (MIR-L mode: {@link mirlPrunable}). */
  readonly prunable?: readonly string[];
  /** The output layer's kernel (rate `rates.output`); default the last prunable tensor. */
  readonly outputParameter?: string;
  /** Reset to the weights after k iterations of dense training instead of θ0. Default 0. */
  readonly rewindStep?: number;
  /**
   * `imp` (default) or `mir-l`: global percentile pruning of every weight tensor (norms included),
   * reset to the untrained θ0 (no rewinding).
   */
  readonly mode?: 'imp' | 'mir-l';
  /** Baselines at every level ≥ 1 with `true`, or at the listed levels. */
  readonly branches?: {
    /** Same mask, new initialisation from `reinitValues`. */
    readonly reinit?: boolean | readonly number[];
    /** A shuffled ticket mask, trained from θk. */
    readonly randomPrune?: { readonly levels?: readonly number[]; readonly shuffle?: ShuffleMode };
    /** Prune the dense trained weights straight to each listed level's density, train from θk. */
    readonly oneShot?: { readonly levels: readonly number[] };
  };
  /** New initial values for the random re-initialisation baseline (e.g. `model.initialValues(seed, 'reinit')`). */
  reinitValues?(): ParameterValues;
  /** Called after each level's runs. */
  onLevel?(level: ImpLevel<T>): void | Promise<void>;
  readonly onWarning?: (message: string) => void;
}

/**
 * The runs of one IMP level.
 *
 * @example
 * ```ts
 * import type { ImpLevel } from '@sparse/lth';
 *
 * const percent = (level: ImpLevel<unknown>) => (100 * level.remaining).toFixed(1);
 * ```
 */
export interface ImpLevel<T> {
  readonly level: number;
  /** Fraction of prunable weights remaining (1 at level 0). */
  readonly remaining: number;
  /** The ticket's mask at this level. */
  readonly masks: BinaryMaskSet;
  /** What `train` returned, per branch that ran at this level. */
  readonly runs: Partial<Record<BranchName, T>>;
}

/**
 * What {@link runImp} returns.
 *
 * @example
 * ```ts
 * import type { ImpResult } from '@sparse/lth';
 *
 * declare const result: ImpResult<number>;
 * console.log(result.levels.map((l) => l.remaining));
 * ```
 */
export interface ImpResult<T> {
  readonly levels: readonly ImpLevel<T>[];
  /** The initial weights θ0. */
  readonly theta0: ParameterValues;
  /** The weights every round resets to (θk; θ0 without rewinding). */
  readonly rewindPoint: ParameterValues;
}

function wants(option: boolean | readonly number[] | undefined, level: number): boolean {
  return option === true || (Array.isArray(option) && option.includes(level));
}

/**
 * Iterative magnitude pruning (Frankle & Carbin 2019; spec A.1–A.3, A.6), model-agnostic: it
 * works on named parameters and a `train` callback.
 *
 * 1. θ0 = the parameters' current values. Level 0 trains the dense network; with `rewindStep` k,
 *    level 0 hands back θk after k iterations.
 * 2. After each level: prune the ticket's trained weights with the scorer (magnitude default),
 *    each pool losing its rate of the *remaining* weights, exactly (core's exact-count selection),
 *    never reviving a weight; then reset *every* parameter (biases too) to θk and apply the mask.
 *    `train` gets a fresh start each round (make a fresh optimizer, use the same data order).
 * 3. Baselines at the levels asked for, always from the ticket's mask of that level: random
 *    re-initialisation (`reinitValues`, masked), random pruning (the mask shuffled layerwise /
 *    globally / evenly with seeds from `seed`), and one-shot pruning from the dense trained weights.
 *
 * MIR-L mode: global scope, percentile threshold, prunable = {@link mirlPrunable}, reset to θ0.
 *
 * @throws SparseError `E_CONFIG` for invalid rounds, rewind step, or an unknown output parameter.
 *
 * @example
 * ```ts
 * import { createMlp, runImp } from '@sparse/lth';
 *
 * const model = createMlp({ layerSizes: [784, 300, 100, 10], seed: 0 });
 * const result = await runImp({
 *   parameters: model.parameters,
 *   seed: 0,
 *   rounds: 3,
 *   rates: { default: 0.2, output: 0.1 },
 *   branches: { reinit: true },
 *   reinitValues: () => model.initialValues(0, 'reinit'),
 *   train: async (context) => {
 *     // train model.parameters from context.startStep with a fresh optimizer; return a summary
 *     return context.level;
 *   },
 * });
 * model.dispose();
 * ```
 */
export async function runImp<T>(options: ImpOptions<T>): Promise<ImpResult<T>> {
  const { parameters, rounds } = options;
  const mirl = options.mode === 'mir-l';
  const rewindStep = mirl ? 0 : (options.rewindStep ?? 0);
  if (!Number.isSafeInteger(rounds) || rounds < 0) {
    throw new SparseError('E_CONFIG', `rounds must be an integer >= 0, got ${String(rounds)}.`, { field: 'rounds', received: rounds, allowed: 'integers >= 0' });
  }
  if (!Number.isSafeInteger(rewindStep) || rewindStep < 0) {
    throw new SparseError('E_CONFIG', `rewindStep must be an integer >= 0, got ${String(rewindStep)}.`, { field: 'rewindStep', received: rewindStep, allowed: 'integers >= 0' });
  }
  const prunable = options.prunable ?? (mirl ? mirlPrunable(parameters) : defaultPrunable(parameters));
  const outputParameter = options.outputParameter ?? prunable[prunable.length - 1];
  if (outputParameter !== undefined && !prunable.includes(outputParameter)) {
    throw new SparseError('E_CONFIG', `outputParameter '${outputParameter}' is not prunable; prunable: ${prunable.join(', ')}.`, { field: 'outputParameter', received: outputParameter, allowed: prunable });
  }
  const scope: PruningScope = mirl ? 'global' : (options.scope ?? 'layerwise');
  const selection: ImpSelection = mirl ? 'percentile' : 'exact';
  const sizes = new Map(prunable.map((name) => [name, parameters.find((p) => p.name === name)?.variable.size ?? 0] as const));
  const onWarning = options.onWarning === undefined ? {} : { onWarning: options.onWarning };

  const theta0 = readParameterValues(parameters);
  let rewindPoint: ParameterValues = theta0;
  let masks: BinaryMaskSet = new Map();
  const levels: ImpLevel<T>[] = [];
  const pendingOneShot = new Map<number, T>();
  for (const target of options.branches?.oneShot?.levels ?? []) {
    if (!Number.isSafeInteger(target) || target < 1) {
      throw new SparseError('E_CONFIG', `branches.oneShot.levels must hold integers >= 1, got ${String(target)}.`, { field: 'branches.oneShot.levels', received: target });
    }
  }

  const prune = (current: BinaryMaskSet, level: number, pools?: ReturnType<typeof prunePools>) =>
    impPruneStep({
      parameters,
      prunable,
      masks: current,
      rates: options.rates,
      scope,
      selection,
      ...(outputParameter === undefined ? {} : { outputParameter }),
      ...(options.scorer === undefined ? {} : { scorer: options.scorer }),
      ...(options.scoringInput === undefined ? {} : { scoring: options.scoringInput(level) }),
      ...(pools === undefined ? {} : { pools }),
      ...onWarning,
    });

  for (let level = 0; level <= rounds; level += 1) {
    const runs: Partial<Record<BranchName, T>> = {};
    const startStep = level === 0 ? 0 : rewindStep;
    if (level === 0) {
      let captured: ParameterValues | undefined;
      runs.ticket = await options.train({
        level,
        branch: 'ticket',
        masks,
        startStep: 0,
        ...(rewindStep > 0 ? { rewindStep, rewind: (values: ParameterValues) => void (captured = values) } : {}),
      });
      if (rewindStep > 0) {
        if (captured === undefined) throw new SparseError('E_INTERNAL', `train did not hand back the weights at the rewind step ${rewindStep} of level 0.`, { field: 'rewindStep' });
        rewindPoint = captured;
      }
    } else {
      runs.ticket = await options.train({ level, branch: 'ticket', masks, startStep });
    }
    const trained = readParameterValues(parameters);
    const next = level < rounds ? await prune(masks, level) : undefined;

    if (level === 0 && options.branches?.oneShot !== undefined) {
      for (const target of options.branches.oneShot.levels) {
        assignParameterValues(parameters, trained);
        const pools = oneShotPools(prunePools(prunable, options.rates, outputParameter, scope), target);
        const oneShotMasks = await prune(new Map(), target, pools);
        assignParameterValues(parameters, rewindPoint, oneShotMasks);
        pendingOneShot.set(target, await options.train({ level: target, branch: 'one-shot', masks: oneShotMasks, startStep: rewindStep }));
      }
    }
    if (level > 0 && wants(options.branches?.reinit, level)) {
      if (options.reinitValues === undefined) throw new SparseError('E_CONFIG', 'branches.reinit needs reinitValues.', { field: 'reinitValues' });
      assignParameterValues(parameters, options.reinitValues(), masks);
      runs.reinit = await options.train({ level, branch: 'reinit', masks, startStep });
    }
    const random = options.branches?.randomPrune;
    if (level > 0 && random !== undefined && (random.levels === undefined || random.levels.includes(level))) {
      const shuffled = shuffleMasks(masks, random.shuffle ?? 'layerwise', deriveSeed(options.seed, 'random-prune', `level-${level}`));
      assignParameterValues(parameters, rewindPoint, shuffled);
      runs['random-prune'] = await options.train({ level, branch: 'random-prune', masks: shuffled, startStep });
    }
    const oneShot = pendingOneShot.get(level);
    if (oneShot !== undefined) runs['one-shot'] = oneShot;
    const entry: ImpLevel<T> = { level, remaining: remainingFraction(masks, sizes), masks, runs };
    levels.push(entry);
    await options.onLevel?.(entry);
    if (next !== undefined) {
      masks = next;
      assignParameterValues(parameters, rewindPoint, masks);
    }
  }
  return { levels, theta0, rewindPoint };
}
