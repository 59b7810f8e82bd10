import type { BinaryMaskSet } from '@sparse/core';
import { readParameterValues } from '../imp/parameter-values.js';
import { branchRun, type ImpUnitContext } from './branch-run.js';
import { pruneRound } from './prune-round.js';
import { rewindCapture, rewindPoint, startStep } from './rewind.js';
import type { ImpStore } from './store.js';

/**
 * The ticket's masks at a level: none (dense) at level 0, else what the ticket of the level before
 * saved.
 *
 * @example
 * ```ts
 * import { ticketMasks } from '../branches/ticket.js';
 * import type { ImpStore } from '../branches/store.js';
 *
 * declare const store: ImpStore;
 * const masks = await ticketMasks(store, 3);
 * ```
 */
export async function ticketMasks(store: ImpStore, level: number): Promise<BinaryMaskSet> {
  return level === 0 ? new Map() : store.loadMasks(level);
}

/**
 * The winning ticket at one level (Frankle & Carbin 2019, spec A.1–A.3): trains the network with
 * the level's masks, from θ0 at level 0 (handing back θk at the rewind step when rewinding) and
 * from the rewind point afterwards; keeps the dense trained weights when one-shot runs follow;
 * then, below the last level, prunes the trained weights ({@link pruneRound}) and saves the next
 * level's masks.
 *
 * @example
 * ```ts
 * import { runTicket } from '../branches/ticket.js';
 * import type { ImpUnitContext } from '../branches/branch-run.js';
 *
 * declare const imp: ImpUnitContext<number>;
 * const accuracy = await runTicket(imp, 0);
 * ```
 */
export async function runTicket<T>(imp: ImpUnitContext<T>, level: number): Promise<T> {
  const { setup, store } = imp;
  const masks = await ticketMasks(store, level);
  const result = await imp.train(
    branchRun(setup, {
      level,
      branch: 'ticket',
      masks,
      startStep: startStep(setup, level, 'ticket'),
      start: async () => (level === 0 ? store.theta0 : rewindPoint(setup, store)),
      ...(level === 0 ? rewindCapture(setup, store) : {}),
    }),
  );
  if (level === 0 && setup.oneShotLevels.length > 0) await store.saveDenseTrained(readParameterValues(setup.parameters));
  if (level < setup.rounds) await store.saveMasks(level + 1, await pruneRound(setup, masks, level));
  return result;
}
