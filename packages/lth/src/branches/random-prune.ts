import { deriveSeed, type BinaryMask, type BinaryMaskSet } from '@sparse/core';
import { shuffleMasks, type ShuffleMode } from '../imp/shuffle-masks.js';
import { branchRun, type ImpUnitContext } from './branch-run.js';
import { rewindPoint, startStep } from './rewind.js';
import { levelName } from './schedule.js';
import { ticketMasks } from './ticket.js';

/**
 * The random-pruning mask of a level: the ticket's mask shuffled (see {@link ShuffleMode}) with
 * the seed `deriveSeed(seed, 'random-prune', 'level-LL')`, so the draw depends on the replicate
 * and the level only.
 *
 * @example
 * ```ts
 * import { randomPruneMasks } from '../branches/random-prune.js';
 *
 * const ticket = new Map([['w', { shape: [2, 3], kept: Uint8Array.of(1, 1, 0, 0, 0, 0) }]]);
 * const random = randomPruneMasks(ticket, 'layerwise', 0, 2);
 * ```
 */
export function randomPruneMasks(ticket: BinaryMaskSet, shuffle: ShuffleMode, seed: number, level: number): Map<string, BinaryMask> {
  return shuffleMasks(ticket, shuffle, deriveSeed(seed, 'random-prune', levelName(level)));
}

/**
 * The level whose fraction remaining is nearest (on a log scale) to `target`, among levels
 * 1 … `remaining.length - 1`; ties go to the lower level.
 *
 * @example
 * ```ts
 * import { nearestLevel } from '../branches/random-prune.js';
 *
 * console.log(nearestLevel([1, 0.8, 0.64, 0.51], 0.5)); // 3
 * ```
 */
export function nearestLevel(remaining: readonly number[], target: number): number {
  let best = 1;
  for (let l = 1; l < remaining.length; l += 1) {
    if (Math.abs(Math.log((remaining[l] as number) / target)) < Math.abs(Math.log((remaining[best] as number) / target))) best = l;
  }
  return best;
}

/**
 * The levels of the random-pruning baseline, sorted, once each: the `levels` given, or for each
 * `remaining` target (percent of weights remaining) the level whose predicted fraction remaining
 * is nearest ({@link nearestLevel}), or every level 1 … R when neither is given.
 *
 * @example
 * ```ts
 * import { predictedRemaining } from '@sparse/lth';
 * import { randomPruneLevels } from '../branches/random-prune.js';
 *
 * const pm = predictedRemaining([784, 300, 100, 10], { default: 0.2, output: 0.1 }, 'layerwise', 8);
 * console.log(randomPruneLevels({ remaining: [51, 21] }, pm)); // [3, 7]
 * ```
 */
export function randomPruneLevels(option: { readonly levels?: readonly number[] | undefined; readonly remaining?: readonly number[] | undefined }, remaining: readonly number[]): number[] {
  const all = Array.from({ length: Math.max(0, remaining.length - 1) }, (_, i) => i + 1);
  const levels = option.levels ?? option.remaining?.map((percent) => nearestLevel(remaining, percent / 100)) ?? all;
  return [...new Set(levels)].sort((a, b) => a - b);
}

/**
 * The random-pruning baseline at one level: the ticket's mask of that level shuffled
 * ({@link randomPruneMasks}, `setup.shuffle`), trained from the rewind point.
 *
 * @example
 * ```ts
 * import { runRandomPrune } from '../branches/random-prune.js';
 * import type { ImpUnitContext } from '../branches/branch-run.js';
 *
 * declare const imp: ImpUnitContext<number>;
 * const accuracy = await runRandomPrune(imp, 2);
 * ```
 */
export async function runRandomPrune<T>(imp: ImpUnitContext<T>, level: number): Promise<T> {
  const { setup, store } = imp;
  const masks = randomPruneMasks(await ticketMasks(store, level), setup.shuffle, setup.seed, level);
  return imp.train(branchRun(setup, { level, branch: 'random-prune', masks, startStep: startStep(setup, level, 'random-prune'), start: () => rewindPoint(setup, store) }));
}
