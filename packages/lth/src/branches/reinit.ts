import { SparseError } from '@sparse/core';
import { branchRun, type ImpUnitContext } from './branch-run.js';
import { startStep } from './rewind.js';
import { ticketMasks } from './ticket.js';

/**
 * The random re-initialisation baseline at one level: the ticket's mask of that level, trained
 * from new initial values (`setup.reinitValues()`, drawn when the run is reset) instead of θk.
 *
 * @throws SparseError `E_CONFIG` when the setup has no `reinitValues`.
 *
 * @example
 * ```ts
 * import { runReinit } from '../branches/reinit.js';
 * import type { ImpUnitContext } from '../branches/branch-run.js';
 *
 * declare const imp: ImpUnitContext<number>;
 * const accuracy = await runReinit(imp, 3);
 * ```
 */
export async function runReinit<T>(imp: ImpUnitContext<T>, level: number): Promise<T> {
  const { setup, store } = imp;
  const values = setup.reinitValues;
  if (values === undefined) throw new SparseError('E_CONFIG', 'branches.reinit needs reinitValues.', { field: 'reinitValues' });
  const masks = await ticketMasks(store, level);
  return imp.train(branchRun(setup, { level, branch: 'reinit', masks, startStep: startStep(setup, level, 'reinit'), start: async () => values() }));
}
