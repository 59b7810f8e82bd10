import type { ImpUnitContext } from './branch-run.js';
import { runInstability } from './instability.js';
import { runOneShot } from './one-shot.js';
import { runRandomPrune } from './random-prune.js';
import { runReinit } from './reinit.js';
import type { ImpUnit } from './schedule.js';
import { runTicket } from './ticket.js';

/**
 * Runs one unit of an IMP schedule with its branch's body ({@link runTicket},
 * {@link runReinit}, {@link runRandomPrune}, {@link runOneShot}, {@link runInstability}). Both `runImp` (in memory) and
 * the resumable replicate of `sparse run` (run directory, checkpoints) run their units through it.
 *
 * @example
 * ```ts
 * import { runImpUnit } from '../branches/run-unit.js';
 * import { impSchedule } from '../branches/schedule.js';
 * import type { ImpUnitContext } from '../branches/branch-run.js';
 *
 * declare const imp: ImpUnitContext<number>;
 * for (const unit of impSchedule({ rounds: imp.setup.rounds, rewindStep: imp.setup.rewindStep, reinit: true })) await runImpUnit(imp, unit);
 * ```
 */
export function runImpUnit<T>(imp: ImpUnitContext<T>, unit: Pick<ImpUnit, 'level' | 'branch'>): Promise<T> {
  switch (unit.branch) {
    case 'ticket':
      return runTicket(imp, unit.level);
    case 'reinit':
      return runReinit(imp, unit.level);
    case 'random-prune':
      return runRandomPrune(imp, unit.level);
    case 'one-shot':
      return runOneShot(imp, unit.level);
    case 'instability':
      return runInstability(imp, unit.level);
  }
}
