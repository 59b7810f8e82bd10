import type { BinaryMask } from '@sparse/core';
import { assignParameterValues } from '../imp/parameter-values.js';
import { prunePools } from '../imp/prune-masks.js';
import { oneShotPools } from '../imp/prune-step.js';
import { branchRun, type ImpUnitContext } from './branch-run.js';
import { pruneRound } from './prune-round.js';
import { rewindPoint, startStep } from './rewind.js';
import type { ImpSetup } from './setup.js';
import type { ImpStore } from './store.js';

/**
 * The one-shot mask of a target level: the dense trained weights pruned once, each per-round pool
 * at its rate compounded over `level` rounds (`1 − (1 − rate)^level`, see `oneShotPools`). Leaves
 * the dense trained weights in the network.
 *
 * @example
 * ```ts
 * import { oneShotMasks } from '../branches/one-shot.js';
 * import type { ImpSetup } from '../branches/setup.js';
 * import type { ImpStore } from '../branches/store.js';
 *
 * declare const setup: ImpSetup;
 * declare const store: ImpStore;
 * const masks = await oneShotMasks(setup, store, 5);
 * ```
 */
export async function oneShotMasks(setup: ImpSetup, store: ImpStore, level: number): Promise<Map<string, BinaryMask>> {
  assignParameterValues(setup.parameters, await store.loadDenseTrained());
  const pools = oneShotPools(prunePools(setup.prunable, setup.rates, setup.outputParameter, setup.scope), level);
  return pruneRound(setup, new Map(), level, pools);
}

/**
 * The one-shot baseline for a target level: prunes the dense trained weights straight to about
 * that level's density ({@link oneShotMasks}), saves the masks and trains from the rewind point.
 *
 * @example
 * ```ts
 * import { runOneShot } from '../branches/one-shot.js';
 * import type { ImpUnitContext } from '../branches/branch-run.js';
 *
 * declare const imp: ImpUnitContext<number>;
 * const accuracy = await runOneShot(imp, 5);
 * ```
 */
export async function runOneShot<T>(imp: ImpUnitContext<T>, level: number): Promise<T> {
  const { setup, store } = imp;
  const masks = await oneShotMasks(setup, store, level);
  await store.saveOneShotMasks(level, masks);
  return imp.train(branchRun(setup, { level, branch: 'one-shot', masks, startStep: startStep(setup, level, 'one-shot'), start: () => rewindPoint(setup, store) }));
}
