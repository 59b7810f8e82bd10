/**
 * The kinds of training run an IMP experiment makes: the winning ticket (level 0 is the dense
 * network), random re-initialisation (same mask, new init), random pruning (shuffled mask),
 * one-shot pruning and the instability analysis (two copies of the ticket's subnetwork trained
 * from the rewind point with different data orders, then interpolated).
 *
 * @example
 * ```ts
 * import type { BranchName } from '@sparse/lth';
 *
 * const branch: BranchName = 'reinit';
 * ```
 */
export type BranchName = 'ticket' | 'reinit' | 'random-prune' | 'one-shot' | 'instability';

/**
 * One training run of an IMP experiment, in schedule order: its id (`level-03/reinit`), the level
 * it belongs to, its branch and the iteration it starts at.
 *
 * @example
 * ```ts
 * import type { ImpUnit } from '@sparse/lth';
 *
 * const unit: ImpUnit = { id: 'level-03/reinit', level: 3, branch: 'reinit', startStep: 0 };
 * ```
 */
export interface ImpUnit {
  readonly id: string;
  readonly level: number;
  readonly branch: BranchName;
  /** The iteration training starts at (0 for the dense level 0, the rewind step otherwise). */
  readonly startStep: number;
}

/**
 * What {@link impSchedule} needs to know.
 *
 * @example
 * ```ts
 * import type { ImpScheduleOptions } from '../branches/schedule.js';
 *
 * const options: ImpScheduleOptions = { rounds: 3, rewindStep: 0, reinit: true, randomPruneLevels: [2], oneShotLevels: [2] };
 * ```
 */
export interface ImpScheduleOptions {
  /** Pruning rounds R: levels 0 (dense) … R. */
  readonly rounds: number;
  /** The rewind step k: every run but the dense level 0 starts at iteration k. */
  readonly rewindStep: number;
  /** Random re-initialisation at every level ≥ 1 (`true`) or at the listed levels. */
  readonly reinit?: boolean | readonly number[];
  /** Levels (1 … R) of the random-pruning baseline. */
  readonly randomPruneLevels?: readonly number[];
  /** Target levels of the one-shot baseline (run right after the dense level 0). */
  readonly oneShotLevels?: readonly number[];
  /** Levels (0 … R) of the instability analysis, each run after that level's ticket and baselines. */
  readonly instabilityLevels?: readonly number[];
}

/**
 * The folder name of a level: `level-03`.
 *
 * @example
 * ```ts
 * import { levelName } from '../branches/schedule.js';
 *
 * console.log(levelName(3)); // 'level-03'
 * ```
 */
export function levelName(level: number): string {
  return `level-${String(level).padStart(2, '0')}`;
}

/**
 * The training runs of one IMP replicate in the order they run: for each level L = 0 … R, the
 * ticket; after the dense ticket (L = 0) the one-shot runs (their targets sorted, once each,
 * since they prune the dense trained weights); at L ≥ 1 the random re-initialisation and the
 * random pruning where asked for; the instability analysis of L where asked for (after the ticket
 * of L, which saved θk at L = 0, so the masks of L and the rewind point are known). The in-memory {@link runImp} and the resumable replicate of
 * `sparse run` both follow it.
 *
 * @example
 * ```ts
 * import { impSchedule } from '../branches/schedule.js';
 *
 * const units = impSchedule({ rounds: 2, rewindStep: 0, reinit: true, oneShotLevels: [2] });
 * console.log(units.map((u) => u.id));
 * // ['level-00/ticket', 'level-02/one-shot', 'level-01/ticket', 'level-01/reinit', 'level-02/ticket', 'level-02/reinit']
 * ```
 */
export function impSchedule(options: ImpScheduleOptions): ImpUnit[] {
  const { rounds, rewindStep: k } = options;
  const reinit = options.reinit ?? false;
  const random = options.randomPruneLevels ?? [];
  const oneShot = [...new Set(options.oneShotLevels ?? [])].sort((a, b) => a - b);
  const instability = new Set(options.instabilityLevels ?? []);
  const units: ImpUnit[] = [];
  for (let l = 0; l <= rounds; l += 1) {
    units.push({ id: `${levelName(l)}/ticket`, level: l, branch: 'ticket', startStep: l === 0 ? 0 : k });
    if (l === 0) for (const target of oneShot) units.push({ id: `${levelName(target)}/one-shot`, level: target, branch: 'one-shot', startStep: k });
    if (l > 0 && (reinit === true || (Array.isArray(reinit) && reinit.includes(l)))) units.push({ id: `${levelName(l)}/reinit`, level: l, branch: 'reinit', startStep: k });
    if (l > 0 && random.includes(l)) units.push({ id: `${levelName(l)}/random-prune`, level: l, branch: 'random-prune', startStep: k });
    if (instability.has(l)) units.push({ id: `${levelName(l)}/instability`, level: l, branch: 'instability', startStep: k });
  }
  return units;
}
