import { SparseError, type BinaryMaskSet } from '@sparse/core';
import type { ParameterValues } from '../imp/parameter-values.js';
import { remainingFraction } from '../imp/prune-masks.js';
import type { ImpUnitContext } from './branch-run.js';
import { rewindPoint } from './rewind.js';
import { ticketMasks } from './ticket.js';

/**
 * The instability analysis of one level (Frankle et al. 2020, "Linear Mode Connectivity and the
 * Lottery Ticket Hypothesis", Algorithm 1 with the IMP subnetwork; spec A.2): the ticket's masks of
 * the level (none at the dense level 0) and the rewind point W_k both copies start from (θ0 when
 * `rewindStep` is 0, else the dense network's weights after k iterations).
 *
 * @example
 * ```ts
 * import type { InstabilityRun } from '@sparse/lth';
 *
 * const describe = (run: InstabilityRun) => `level ${run.level}: ${(100 * run.remaining).toFixed(1)}% from step ${run.startStep}`;
 * ```
 */
export interface InstabilityRun {
  readonly level: number;
  /** The ticket's masks of the level (empty at level 0). */
  readonly masks: BinaryMaskSet;
  /** Fraction of the prunable weights the masks keep. */
  readonly remaining: number;
  /** The rewind step k: both copies train from iteration k to the end of the round. */
  readonly startStep: number;
  /** W_k, unmasked (the trainer masks it). */
  readonly start: ParameterValues;
}

/**
 * Trains the two copies of an {@link InstabilityRun} with different data orders, measures the error
 * along the line between them (`instability` of the imp folder) and returns what to keep.
 *
 * @example
 * ```ts
 * import type { TrainInstability } from '@sparse/lth';
 *
 * const train: TrainInstability<number> = async (run) => run.level; // train both copies here
 * ```
 */
export type TrainInstability<T> = (run: InstabilityRun) => Promise<T>;

/**
 * The instability branch at one level: the ticket's masks of that level and the rewind point,
 * handed to the context's `trainInstability`. Runs after the ticket of the level (see `impSchedule`),
 * so both are saved by then.
 *
 * @throws SparseError `E_CONFIG` when the context has no `trainInstability`.
 *
 * @example
 * ```ts
 * import { runInstability } from '../branches/instability.js';
 * import type { ImpUnitContext } from '../branches/branch-run.js';
 *
 * declare const imp: ImpUnitContext<number>;
 * const barrier = await runInstability(imp, 3);
 * ```
 */
export async function runInstability<T>(imp: ImpUnitContext<T>, level: number): Promise<T> {
  const { setup, store, trainInstability } = imp;
  if (trainInstability === undefined) throw new SparseError('E_CONFIG', 'branches.instability needs a trainer of the two copies (trainInstability).', { field: 'branches.instability' });
  const masks = await ticketMasks(store, level);
  return trainInstability({ level, masks, remaining: remainingFraction(masks, setup.sizes), startStep: setup.rewindStep, start: await rewindPoint(setup, store) });
}
