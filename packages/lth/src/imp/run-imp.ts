import { SparseError, type BinaryMaskSet, type NamedParameter, type Scorer, type ScoringInput } from '@sparse/core';
import type { ImpUnitContext } from '../branches/branch-run.js';
import { runImpUnit } from '../branches/run-unit.js';
import { impSchedule, type BranchName } from '../branches/schedule.js';
import { impSetup } from '../branches/setup.js';
import { memoryImpStore } from '../branches/store.js';
import { readParameterValues, type ParameterValues } from './parameter-values.js';
import { remainingFraction, type PruningScope } from './prune-masks.js';
import type { PruningRates } from './rates.js';
import type { ShuffleMode } from './shuffle-masks.js';

export type { BranchName } from '../branches/schedule.js';

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

/**
 * Iterative magnitude pruning (Frankle & Carbin 2019; spec A.1–A.3, A.6), model-agnostic: it
 * works on named parameters and a `train` callback, in memory. It runs the same schedule and the
 * same branch bodies (`src/branches/`) as the resumable replicate of `sparse run`, so the same
 * rules give the same masks and, with the same training, the same results.
 *
 * 1. θ0 = the parameters' current values. Level 0 trains the dense network; with `rewindStep` k,
 *    level 0 hands back θk after k iterations.
 * 2. After each level: prune the ticket's trained weights with the scorer (magnitude default),
 *    each pool losing its rate of the *remaining* weights, exactly (core's exact-count selection),
 *    never reviving a weight; then reset *every* parameter (biases too) to θk and apply the mask.
 *    `train` gets a fresh start each round (make a fresh optimizer, use the same data order).
 * 3. Baselines at the levels asked for, always from the ticket's mask of that level: random
 *    re-initialisation (`reinitValues`, masked), random pruning (the mask shuffled layerwise /
 *    globally / evenly with the seed `deriveSeed(seed, 'random-prune', 'level-LL')`), and one-shot
 *    pruning from the dense trained weights (run right after level 0, targets in increasing order).
 *
 * MIR-L mode: global scope, percentile threshold, prunable = `mirlPrunable`, reset to θ0.
 *
 * @throws SparseError `E_CONFIG` for invalid rounds, rewind step, one-shot levels, or an unknown output parameter.
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
  const branches = options.branches;
  const { scoringInput, reinitValues } = options;
  const setup = impSetup({
    parameters,
    seed: options.seed,
    rounds,
    rates: options.rates,
    mode: options.mode,
    scope: options.scope,
    prunable: options.prunable,
    outputParameter: options.outputParameter,
    rewindStep: options.rewindStep,
    scorer: options.scorer,
    shuffle: branches?.randomPrune?.shuffle,
    oneShotLevels: branches?.oneShot?.levels,
    onWarning: options.onWarning,
    ...(scoringInput === undefined ? {} : { scoringInput: (level: number) => ({ input: scoringInput.call(options, level) }) }),
    ...(reinitValues === undefined ? {} : { reinitValues: () => reinitValues.call(options) }),
  });
  const store = memoryImpStore(readParameterValues(parameters));
  const random = branches?.randomPrune;
  const units = impSchedule({
    rounds,
    rewindStep: setup.rewindStep,
    reinit: branches?.reinit ?? false,
    randomPruneLevels: random === undefined ? [] : (random.levels ?? Array.from({ length: rounds }, (_, i) => i + 1)),
    oneShotLevels: setup.oneShotLevels,
  });

  const imp: ImpUnitContext<T> = {
    setup,
    store,
    train: async (run) => {
      await run.reset();
      let handedBack = false;
      const rewind = run.rewind;
      const result = await options.train({
        level: run.level,
        branch: run.branch,
        masks: run.masks,
        startStep: run.startStep,
        ...(run.rewindStep === undefined || rewind === undefined
          ? {}
          : {
              rewindStep: run.rewindStep,
              rewind: (values: ParameterValues) => {
                handedBack = true;
                void rewind(values);
              },
            }),
      });
      if (run.rewindStep !== undefined && !handedBack) {
        throw new SparseError('E_INTERNAL', `train did not hand back the weights at the rewind step ${run.rewindStep} of level 0.`, { field: 'rewindStep' });
      }
      return result;
    },
  };

  const levels: ImpLevel<T>[] = [];
  const runs = new Map<number, Partial<Record<BranchName, T>>>();
  const oneShot = new Map<number, T>();
  const finish = async (level: number): Promise<void> => {
    const masks: BinaryMaskSet = level === 0 ? new Map() : (store.masks.get(level) ?? new Map());
    const entry: ImpLevel<T> = { level, remaining: remainingFraction(masks, setup.sizes), masks, runs: { ...runs.get(level) } };
    const shot = oneShot.get(level);
    if (shot !== undefined) entry.runs['one-shot'] = shot;
    levels.push(entry);
    await options.onLevel?.(entry);
  };
  for (const unit of units) {
    if (unit.branch === 'ticket' && unit.level > 0) await finish(unit.level - 1);
    const result = await runImpUnit(imp, unit);
    if (unit.branch === 'one-shot') oneShot.set(unit.level, result);
    else runs.set(unit.level, { ...runs.get(unit.level), [unit.branch]: result });
  }
  await finish(rounds);
  return { levels, theta0: store.theta0, rewindPoint: store.rewindPoint ?? store.theta0 };
}
