import type { UnitSummary } from '../experiment/replicate-job.js';

/**
 * Mean, minimum and maximum of a quantity over seeds.
 *
 * @example
 * ```ts
 * import type { Spread } from '@sparse/lth';
 *
 * const accuracy: Spread = { mean: 0.861, min: 0.857, max: 0.866, n: 3 };
 * ```
 */
export interface Spread {
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Number of seeds. */
  readonly n: number;
}

/**
 * One point of the lottery-ticket plots: a branch at a level, over seeds.
 *
 * @example
 * ```ts
 * import type { LevelStats } from '@sparse/lth';
 *
 * declare const stats: LevelStats;
 * console.log(`${stats.branch} at ${(100 * stats.remaining).toFixed(1)}%: ${stats.accuracy.mean}`);
 * ```
 */
export interface LevelStats {
  readonly branch: string;
  readonly level: number;
  /** Fraction of prunable weights remaining (mean over seeds). */
  readonly remaining: number;
  /** Test accuracy at the early-stopping iteration. */
  readonly accuracy: Spread;
  /** The early-stopping iteration (minimum validation loss). */
  readonly earlyStop: Spread;
  /** Test accuracy at the end of training. */
  readonly finalAccuracy: Spread;
  /** Per-seed accuracy at early stop, by seed. */
  readonly bySeed: ReadonlyMap<number, number>;
}

function spread(values: readonly number[]): Spread {
  return {
    mean: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length),
    min: Math.min(...values),
    max: Math.max(...values),
    n: values.length,
  };
}

/**
 * Groups unit summaries by (branch, level) and aggregates over seeds, sorted by branch order
 * (ticket, reinit, random-prune, one-shot) then level.
 *
 * @example
 * ```ts
 * import { summarizeLevels, type UnitSummary } from '@sparse/lth';
 *
 * declare const summaries: UnitSummary[];
 * const stats = summarizeLevels(summaries);
 * ```
 */
export function summarizeLevels(summaries: readonly UnitSummary[]): LevelStats[] {
  const groups = new Map<string, UnitSummary[]>();
  for (const summary of summaries) {
    const key = `${summary.branch}\u0000${summary.level}`;
    const list = groups.get(key) ?? [];
    list.push(summary);
    groups.set(key, list);
  }
  const order = ['ticket', 'reinit', 'random-prune', 'one-shot'];
  return [...groups.values()]
    .map((list) => {
      const first = list[0] as UnitSummary;
      return {
        branch: first.branch,
        level: first.level,
        remaining: spread(list.map((s) => s.remaining)).mean,
        accuracy: spread(list.map((s) => s.testAccuracyAtEarlyStop)),
        earlyStop: spread(list.map((s) => s.earlyStopIteration)),
        finalAccuracy: spread(list.map((s) => s.finalTestAccuracy)),
        bySeed: new Map(list.map((s) => [s.seed, s.testAccuracyAtEarlyStop] as const)),
      };
    })
    .sort((a, b) => order.indexOf(a.branch) - order.indexOf(b.branch) || a.level - b.level);
}
