import { compareSeeds, seedStats, type Comparison, type SeedStats } from '@sparse/experiments';
import type { InstabilitySummary } from '../experiment/replicate-job.js';
import { percentRemaining, type LthClaim } from './lth-claims.js';

/**
 * The paper the rewinding page's claims come from.
 *
 * @example
 * ```ts
 * import { LMC_PAPER } from '@sparse/lth';
 *
 * console.log(LMC_PAPER);
 * ```
 */
export const LMC_PAPER = 'Frankle, Dziugaite, Roy & Carbin 2020, "Linear Mode Connectivity and the Lottery Ticket Hypothesis" (ICML 2020)';

/**
 * A subnetwork is stable when its instability (test-error barrier) is below this (2 percentage
 * points, the paper's threshold).
 *
 * @example
 * ```ts
 * import { STABLE_BELOW } from '@sparse/lth';
 *
 * console.log(STABLE_BELOW); // 0.02
 * ```
 */
export const STABLE_BELOW = 0.02;

/**
 * A subnetwork is matching when its test accuracy is at most this far (1 point), or the dense
 * network's sample sd over seeds if larger, below the dense network's.
 *
 * @example
 * ```ts
 * import { MATCHING_TOLERANCE } from '@sparse/lth';
 *
 * console.log(MATCHING_TOLERANCE); // 0.01
 * ```
 */
export const MATCHING_TOLERANCE = 0.01;

/**
 * One level of one rewinding data set over seeds: the instability of each seed, the accuracy of
 * each seed (the mean of its two copies) and how it compares with the dense network (level 0 of
 * the same data set, trained the same way).
 *
 * @example
 * ```ts
 * import type { InstabilityLevel } from '@sparse/lth';
 *
 * declare const level: InstabilityLevel;
 * console.log(level.level, level.stability, level.matching, level.instability.mean);
 * ```
 */
export interface InstabilityLevel {
  readonly level: number;
  /** Fraction of prunable weights remaining (mean over seeds). */
  readonly remaining: number;
  /** Each seed's instability, in seed order. */
  readonly perSeed: readonly number[];
  readonly instability: SeedStats;
  /** Each seed's accuracy: the mean of its two copies' test accuracies. */
  readonly accuracy: SeedStats;
  /** `stable`: every seed below {@link STABLE_BELOW}; `unstable`: every seed at or above it; `mixed` otherwise. */
  readonly stability: 'stable' | 'unstable' | 'mixed';
  /** Accuracy minus the dense network's (means over seeds). */
  readonly gapToDense: number;
  /** Within max({@link MATCHING_TOLERANCE}, the dense network's sd) below the dense network (always true at level 0). */
  readonly matching: boolean;
}

/**
 * Per level (dense level 0 first) of one rewinding data set: instability and accuracy over seeds,
 * stability and matching (see {@link InstabilityLevel}).
 *
 * @example
 * ```ts
 * import { instabilityLevels, type InstabilitySummary } from '@sparse/lth';
 *
 * declare const rows: InstabilitySummary[];
 * for (const level of instabilityLevels(rows)) console.log(level.level, level.stability);
 * ```
 */
export function instabilityLevels(rows: readonly InstabilitySummary[]): InstabilityLevel[] {
  const levels = [...new Set(rows.map((row) => row.level))].sort((a, b) => a - b);
  const accuracyOf = (row: InstabilitySummary): number => row.copyTestAccuracies.reduce((a, b) => a + b, 0) / row.copyTestAccuracies.length;
  const at = (level: number) => rows.filter((row) => row.level === level).sort((a, b) => a.seed - b.seed);
  const dense = seedStats(at(0).map(accuracyOf));
  return levels.map((level) => {
    const group = at(level);
    const perSeed = group.map((row) => row.instability);
    const accuracy = seedStats(group.map(accuracyOf));
    const gapToDense = accuracy.mean - dense.mean;
    const stability = perSeed.every((value) => value < STABLE_BELOW) ? 'stable' : perSeed.every((value) => value >= STABLE_BELOW) ? 'unstable' : 'mixed';
    return {
      level,
      remaining: group.reduce((sum, row) => sum + row.remaining, 0) / group.length,
      perSeed,
      instability: seedStats(perSeed),
      accuracy,
      stability,
      gapToDense,
      matching: level === 0 || gapToDense >= -Math.max(MATCHING_TOLERANCE, dense.sd),
    };
  });
}

/**
 * One rewinding data set for the claims: its rewind step k and its instability rows.
 *
 * @example
 * ```ts
 * import type { RewindSet } from '@sparse/lth';
 *
 * const set: RewindSet = { rewindStep: 0, rows: [] };
 * ```
 */
export interface RewindSet {
  readonly rewindStep: number;
  readonly rows: readonly InstabilitySummary[];
}

/**
 * One pruned level compared between k = 0 and a k > 0 over seeds: instability (`above`: k = 0 is
 * higher, so rewinding lowered it beyond seed noise) and accuracy (`above`: k > 0 is higher).
 *
 * @example
 * ```ts
 * import type { RewindComparison } from '@sparse/lth';
 *
 * declare const compared: RewindComparison;
 * console.log(compared.level, compared.instability, compared.accuracy);
 * ```
 */
export interface RewindComparison {
  readonly level: number;
  readonly remaining: number;
  readonly k: number;
  readonly atZero: InstabilityLevel;
  readonly atK: InstabilityLevel;
  /** compareSeeds(instability at k = 0, at k): `above` when rewinding lowers it beyond seed noise. */
  readonly instability: Comparison;
  /** compareSeeds(accuracy at k, at k = 0): `above` when rewinding raises it beyond seed noise. */
  readonly accuracy: Comparison;
}

/**
 * Every pruned level present in both the k = 0 set and a k > 0 set, compared over seeds.
 *
 * @example
 * ```ts
 * import { rewindComparisons, type RewindSet } from '@sparse/lth';
 *
 * declare const zero: RewindSet;
 * declare const later: RewindSet;
 * console.log(rewindComparisons(zero, later).map((c) => c.instability));
 * ```
 */
export function rewindComparisons(zero: RewindSet, later: RewindSet): RewindComparison[] {
  const a = instabilityLevels(zero.rows);
  const b = instabilityLevels(later.rows);
  return a.flatMap((atZero) => {
    const atK = b.find((level) => level.level === atZero.level);
    if (atZero.level === 0 || atK === undefined) return [];
    const accuracies = (rows: readonly InstabilitySummary[]) => rows.filter((row) => row.level === atZero.level).sort((x, y) => x.seed - y.seed).map((row) => (row.copyTestAccuracies.reduce((s, v) => s + v, 0) / row.copyTestAccuracies.length));
    return [
      {
        level: atZero.level,
        remaining: atZero.remaining,
        k: later.rewindStep,
        atZero,
        atK,
        instability: compareSeeds(atZero.perSeed, atK.perSeed).comparison,
        accuracy: compareSeeds(accuracies(later.rows), accuracies(zero.rows)).comparison,
      },
    ];
  });
}

const pt = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(100 * value).toFixed(2)}`;
const stat = (stats: SeedStats): string => `${(100 * stats.mean).toFixed(2)} ± ${(100 * stats.sd).toFixed(2)}`;
const at = (levels: readonly { readonly remaining: number }[]): string => levels.map((level) => percentRemaining(level.remaining)).join(', ');

/** Stable at k = 0 at every pruned level. */
function stableAtZero(zero: RewindSet | undefined): LthClaim {
  const claim = 'IMP subnetworks of LeNet are stable to SGD noise at k = 0 (instability, the test-error barrier between two copies trained with different data orders, below 2 pt)';
  const all = zero === undefined ? [] : instabilityLevels(zero.rows);
  const levels = all.filter((level) => level.level > 0);
  if (levels.length === 0) return { claim, result: 'no pruned level analysed at k = 0', verdict: 'not tested (no k = 0 instability data)' };
  const dense = all.find((level) => level.level === 0);
  const denseText = dense === undefined ? '' : `; the dense network ${stat(dense.instability)} (${dense.perSeed.filter((value) => value < STABLE_BELOW).length} of ${dense.perSeed.length} seeds below 2 pt)`;
  const stable = levels.filter((level) => level.stability === 'stable');
  const unstable = levels.filter((level) => level.stability === 'unstable');
  const worst = levels.reduce((a, b) => (Math.max(...b.perSeed) > Math.max(...a.perSeed) ? b : a));
  const result = `instability (pt, mean ± sd over seeds): ${levels.map((level) => `${stat(level.instability)} at ${percentRemaining(level.remaining)}`).join(', ')}; highest seed ${(100 * Math.max(...worst.perSeed)).toFixed(2)} pt at ${percentRemaining(worst.remaining)}${denseText}`;
  const rest = `${unstable.length === 0 ? '' : `; every seed unstable at ${at(unstable)}`}${levels.length - stable.length - unstable.length === 0 ? '' : `; some seeds unstable at ${at(levels.filter((level) => level.stability === 'mixed'))}`}`;
  const verdict =
    stable.length === levels.length
      ? `shown at every analysed level (every seed below 2 pt down to ${percentRemaining(levels[levels.length - 1]?.remaining ?? 0)})`
      : stable.length === 0
        ? `not shown (no level with every seed below 2 pt${rest})`
        : `partly shown (every seed below 2 pt at ${at(stable)}${rest})`;
  return { claim, result, verdict };
}

/** Stable subnetworks are matching, over every data set. */
function stableAreMatching(sets: readonly RewindSet[]): LthClaim {
  const claim = 'Stable IMP subnetworks are matching: their test accuracy reaches the dense network\'s (here: at most max(1 pt, the dense sd over seeds) below it)';
  const stable = sets.flatMap((set) => instabilityLevels(set.rows).filter((level) => level.level > 0 && level.stability === 'stable').map((level) => ({ ...level, k: set.rewindStep })));
  const name = (level: (typeof stable)[number]) => `${percentRemaining(level.remaining)} (k = ${level.k})`;
  if (stable.length === 0) return { claim, result: 'no pruned level is stable for every seed', verdict: 'not tested (no stable subnetwork)' };
  const matching = stable.filter((level) => level.matching);
  const result = `subnetwork − dense accuracy at the stable levels: ${stable.map((level) => `${pt(level.gapToDense)} pt at ${name(level)}`).join(', ')}`;
  const verdict =
    matching.length === stable.length
      ? `shown (all ${stable.length} stable levels are matching)`
      : matching.length === 0
        ? `not shown (no stable level is matching)`
        : `partly shown (${matching.length} of ${stable.length} stable levels are matching; not at ${stable.filter((level) => !level.matching).map(name).join(', ')})`;
  return { claim, result, verdict };
}

/** Rewinding lowers instability where k = 0 is not stable. */
function rewindingStabilises(compared: readonly RewindComparison[], k: number): LthClaim {
  const claim = `Rewinding to k > 0 (here k = ${k}) makes IMP subnetworks that are unstable at k = 0 stable, or at least less unstable`;
  if (compared.length === 0) return { claim, result: 'no level analysed at both k = 0 and k > 0', verdict: 'not tested (no pair of rewinding data sets)' };
  const result = `instability k = 0 → k = ${k} (pt): ${compared.map((c) => `${stat(c.atZero.instability)} → ${stat(c.atK.instability)} at ${percentRemaining(c.remaining)}`).join(', ')}`;
  const lower = compared.filter((c) => c.instability === 'above');
  const higher = compared.filter((c) => c.instability === 'below');
  const notStable = compared.filter((c) => c.atZero.stability !== 'stable');
  const counts = `lower beyond seed noise at ${lower.length} of ${compared.length} levels${higher.length === 0 ? '' : `, higher beyond seed noise at ${at(higher)}`}`;
  if (notStable.length === 0) return { claim, result, verdict: `not tested (every level is already stable at k = 0, so rewinding has nothing to fix; ${counts})` };
  const fixed = notStable.filter((c) => c.instability === 'above');
  const verdict =
    fixed.length === notStable.length
      ? `shown (lower beyond seed noise at every level not stable at k = 0: ${at(notStable)}; ${fixed.filter((c) => c.atK.stability === 'stable').length} of them stable at k = ${k})`
      : fixed.length === 0
        ? `not shown (no level not stable at k = 0 gets lower beyond seed noise: ${at(notStable)})`
        : `partly shown (lower beyond seed noise at ${at(fixed)} of the levels not stable at k = 0: ${at(notStable)})`;
  return { claim, result, verdict };
}

/** Rewinding makes subnetworks matching where k = 0 does not. */
function rewindingMatches(compared: readonly RewindComparison[], k: number): LthClaim {
  const claim = `Rewinding to k > 0 (here k = ${k}) makes sparse IMP subnetworks that are not matching at k = 0 matching, or at least more accurate`;
  if (compared.length === 0) return { claim, result: 'no level analysed at both k = 0 and k > 0', verdict: 'not tested (no pair of rewinding data sets)' };
  const result = `accuracy − dense at k = 0 → k = ${k} (pt): ${compared.map((c) => `${pt(c.atZero.gapToDense)} → ${pt(c.atK.gapToDense)} at ${percentRemaining(c.remaining)}`).join(', ')}; accuracy at k = ${k} higher than at k = 0 beyond seed noise at ${compared.filter((c) => c.accuracy === 'above').length} of ${compared.length} levels`;
  const notMatching = compared.filter((c) => !c.atZero.matching);
  if (notMatching.length === 0) return { claim, result, verdict: 'not tested (every level is already matching at k = 0)' };
  const fixed = notMatching.filter((c) => c.atK.matching || c.accuracy === 'above');
  const verdict =
    fixed.length === notMatching.length
      ? `shown (at every level not matching at k = 0, ${at(notMatching)}, k = ${k} is matching or higher beyond seed noise)`
      : fixed.length === 0
        ? `not shown (no level not matching at k = 0 becomes matching or higher beyond seed noise: ${at(notMatching)})`
        : `partly shown (matching or higher beyond seed noise at ${at(fixed)} of the levels not matching at k = 0: ${at(notMatching)})`;
  return { claim, result, verdict };
}

/**
 * The claims of the rewinding page, each with its result and the verdict its seeds give: IMP
 * subnetworks are stable at k = 0; stable subnetworks are matching; for each k > 0, rewinding
 * stabilises the subnetworks that are not stable at k = 0, and makes matching those that are not
 * matching at k = 0 (not tested when k = 0 already is).
 *
 * @example
 * ```ts
 * import { rewindingClaims, type RewindSet } from '@sparse/lth';
 *
 * declare const sets: RewindSet[];
 * for (const claim of rewindingClaims(sets)) console.log(claim.verdict);
 * ```
 */
export function rewindingClaims(sets: readonly RewindSet[]): LthClaim[] {
  const zero = sets.find((set) => set.rewindStep === 0);
  const later = sets.filter((set) => set.rewindStep > 0).sort((a, b) => a.rewindStep - b.rewindStep);
  return [
    stableAtZero(zero),
    stableAreMatching(sets),
    ...later.flatMap((set) => {
      const compared = zero === undefined ? [] : rewindComparisons(zero, set);
      return [rewindingStabilises(compared, set.rewindStep), rewindingMatches(compared, set.rewindStep)];
    }),
  ];
}
