import type { BinaryMaskSet } from '@sparse/core';
import { assignParameterValues, type ParameterValues } from '../imp/parameter-values.js';
import { remainingFraction } from '../imp/prune-masks.js';
import type { TrainInstability } from './instability.js';
import type { BranchName } from './schedule.js';
import type { ImpSetup } from './setup.js';
import type { ImpStore } from './store.js';

/**
 * One training run a branch body asks for. The body decides the masks and the starting point;
 * whoever trains decides when to apply it: `runImp` calls `reset()` and trains, the resumable
 * replicate calls `reset()` unless it resumes from a checkpoint.
 *
 * @example
 * ```ts
 * import type { BranchRun } from '../branches/branch-run.js';
 *
 * const describe = (run: BranchRun) => `${run.branch} level ${run.level}: ${(100 * run.remaining).toFixed(1)}% from step ${run.startStep}`;
 * ```
 */
export interface BranchRun {
  readonly level: number;
  readonly branch: BranchName;
  /** The masks in force (empty for the dense level 0). */
  readonly masks: BinaryMaskSet;
  /** Fraction of the prunable weights these masks keep. */
  readonly remaining: number;
  /** The iteration to start at: 0 for the dense run, the rewind step k otherwise. */
  readonly startStep: number;
  /** Sets every parameter to the run's starting point with the masks applied (`w ← m ⊙ θ`). */
  reset(): Promise<void>;
  /** Level 0 with rewinding only: the iteration whose weights θk must be handed to `rewind`. */
  readonly rewindStep?: number;
  /** Level 0 with rewinding only: call with the weights after `rewindStep` iterations. */
  rewind?(values: ParameterValues): Promise<void>;
}

/**
 * Trains the network for one {@link BranchRun} and returns what to keep of it.
 *
 * @example
 * ```ts
 * import type { TrainBranch } from '../branches/branch-run.js';
 *
 * const train: TrainBranch<number> = async (run) => {
 *   await run.reset();
 *   return run.level; // train here
 * };
 * ```
 */
export type TrainBranch<T> = (run: BranchRun) => Promise<T>;

/**
 * What every branch body works with: the replicate's rules, its store and how to train.
 *
 * @example
 * ```ts
 * import type { ImpUnitContext } from '../branches/branch-run.js';
 *
 * declare const imp: ImpUnitContext<number>;
 * console.log(imp.setup.rounds);
 * ```
 */
export interface ImpUnitContext<T> {
  readonly setup: ImpSetup;
  readonly store: ImpStore;
  readonly train: TrainBranch<T>;
  /** Runs the instability analysis of one level (two copies, interpolation); needed only when the schedule has instability units. */
  readonly trainInstability?: TrainInstability<T>;
}

/**
 * Builds a {@link BranchRun}: the fraction remaining from the masks, and a `reset` that loads the
 * starting point (only when called) and assigns it masked.
 *
 * @example
 * ```ts
 * import { branchRun } from '../branches/branch-run.js';
 * import type { ImpSetup } from '../branches/setup.js';
 *
 * declare const setup: ImpSetup;
 * const run = branchRun(setup, { level: 0, branch: 'ticket', masks: new Map(), startStep: 0, start: async () => new Map() });
 * ```
 */
export function branchRun(
  setup: ImpSetup,
  run: Omit<BranchRun, 'remaining' | 'reset'> & { readonly start: () => Promise<ParameterValues> },
): BranchRun {
  const { start, ...rest } = run;
  return {
    ...rest,
    remaining: remainingFraction(run.masks, setup.sizes),
    reset: async () => assignParameterValues(setup.parameters, await start(), run.masks),
  };
}
