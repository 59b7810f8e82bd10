import { seedStats, type SeedStats } from './seed-stats.js';

/**
 * How one method compared with another over seeds:
 * - `above` / `below`: the gap of the means exceeds both methods' sample standard deviations and
 *   every seed of the higher method is at or above the lower method's mean;
 * - `within-noise`: neither.
 *
 * @example
 * ```ts
 * import type { Comparison } from '@sparse/experiments';
 *
 * const comparison: Comparison = 'within-noise';
 * ```
 */
export type Comparison = 'above' | 'below' | 'within-noise';

/**
 * The comparison of `a` with `b` (accuracies of several seeds each), with both sides' spread.
 *
 * @example
 * ```ts
 * import { compareSeeds } from '@sparse/experiments';
 *
 * const { comparison, gap } = compareSeeds([0.88, 0.881, 0.879], [0.86, 0.861, 0.859]);
 * console.log(comparison, (100 * gap).toFixed(2)); // above 2.00
 * ```
 */
export function compareSeeds(a: readonly number[], b: readonly number[]): { readonly comparison: Comparison; readonly gap: number; readonly a: SeedStats; readonly b: SeedStats } {
  const sa = seedStats(a);
  const sb = seedStats(b);
  const gap = sa.mean - sb.mean;
  const noise = Math.max(sa.sd, sb.sd);
  let comparison: Comparison = 'within-noise';
  if (gap > noise && a.every((value) => value >= sb.mean)) comparison = 'above';
  else if (-gap > noise && b.every((value) => value >= sa.mean)) comparison = 'below';
  return { comparison, gap, a: sa, b: sb };
}

/**
 * The verdict on a claim "A ≥ B" (or "A > B" when `strict`) from a {@link Comparison}:
 * `shown` when A is above beyond noise; for "≥", `consistent` when within noise (the data do not
 * contradict it but do not show it either); `not shown` when B is above beyond noise (or, for a
 * strict claim, when within noise).
 *
 * @example
 * ```ts
 * import { claimVerdict } from '@sparse/experiments';
 *
 * console.log(claimVerdict('within-noise', false)); // consistent (within seed noise)
 * ```
 */
export function claimVerdict(comparison: Comparison, strict: boolean): string {
  if (comparison === 'above') return 'shown';
  if (comparison === 'below') return 'not shown (the opposite holds beyond seed noise)';
  return strict ? 'not shown (within seed noise)' : 'consistent (within seed noise)';
}
