import type { ParameterValues } from '../imp/parameter-values.js';
import type { BranchRun } from './branch-run.js';
import type { BranchName } from './schedule.js';
import type { ImpSetup } from './setup.js';
import type { ImpStore } from './store.js';

/**
 * The weights every run after the dense level 0 resets to: θk, the weights after k = `rewindStep`
 * iterations of dense training (Frankle et al. 2020, "late resetting"), or θ0 without rewinding
 * (and always in MIR-L mode).
 *
 * @example
 * ```ts
 * import { rewindPoint } from '../branches/rewind.js';
 * import type { ImpSetup } from '../branches/setup.js';
 * import type { ImpStore } from '../branches/store.js';
 *
 * declare const setup: ImpSetup;
 * declare const store: ImpStore;
 * const theta = await rewindPoint(setup, store);
 * ```
 */
export async function rewindPoint(setup: ImpSetup, store: ImpStore): Promise<ParameterValues> {
  return setup.rewindStep === 0 ? store.theta0 : store.loadRewindPoint();
}

/**
 * The iteration a run starts at: 0 for the dense ticket, k for every other run (they train from
 * θk, so their batches continue from iteration k).
 *
 * @example
 * ```ts
 * import { startStep } from '../branches/rewind.js';
 * import type { ImpSetup } from '../branches/setup.js';
 *
 * declare const setup: ImpSetup;
 * console.log(startStep(setup, 0, 'ticket')); // 0
 * ```
 */
export function startStep(setup: ImpSetup, level: number, branch: BranchName): number {
  return level === 0 && branch === 'ticket' ? 0 : setup.rewindStep;
}

/**
 * What the dense level-0 run gets to capture θk with: nothing without rewinding, else the rewind
 * step and a `rewind` that saves the weights to the store.
 *
 * @example
 * ```ts
 * import { rewindCapture } from '../branches/rewind.js';
 * import type { ImpSetup } from '../branches/setup.js';
 * import type { ImpStore } from '../branches/store.js';
 *
 * declare const setup: ImpSetup;
 * declare const store: ImpStore;
 * console.log(rewindCapture(setup, store).rewindStep);
 * ```
 */
export function rewindCapture(setup: ImpSetup, store: ImpStore): Pick<BranchRun, 'rewindStep' | 'rewind'> {
  if (setup.rewindStep === 0) return {};
  return { rewindStep: setup.rewindStep, rewind: (values) => store.saveRewindPoint(values) };
}
