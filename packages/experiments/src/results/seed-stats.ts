/**
 * The spread of one figure over seeds: count, mean, sample standard deviation (0 for one seed),
 * smallest and largest value.
 *
 * @example
 * ```ts
 * import { seedStats } from '@sparse/experiments';
 *
 * const stats = seedStats([0.861, 0.857, 0.866]);
 * console.log(stats.mean.toFixed(4), stats.sd.toFixed(4)); // 0.8613 0.0045
 * ```
 */
export interface SeedStats {
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
}

/**
 * {@link SeedStats} of the values (at least one).
 *
 * @example
 * ```ts
 * import { seedStats } from '@sparse/experiments';
 *
 * console.log(seedStats([1, 2, 3]).sd); // 1
 * ```
 */
export function seedStats(values: readonly number[]): SeedStats {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const variance = n < 2 ? 0 : values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { n, mean, sd: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Whether `a` is above `b` beyond seed noise: the gap of the means exceeds the larger of the two
 * standard deviations plus `margin` (points on the same scale), and every value of `a` is at
 * least the mean of `b`. A deliberately plain rule, stated on every results page that uses it.
 *
 * @example
 * ```ts
 * import { aboveBeyondNoise, seedStats } from '@sparse/experiments';
 *
 * console.log(aboveBeyondNoise(seedStats([0.9, 0.91, 0.905]), [0.9, 0.91, 0.905], seedStats([0.8, 0.81, 0.79]))); // true
 * ```
 */
export function aboveBeyondNoise(a: SeedStats, aValues: readonly number[], b: SeedStats, margin = 0): boolean {
  return a.mean - b.mean > Math.max(a.sd, b.sd) + margin && aValues.every((value) => value >= b.mean);
}
