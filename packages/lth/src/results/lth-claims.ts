import { compareSeeds, type Comparison, type SeedStats } from '@sparse/experiments';
import type { UnitSummary } from '../experiment/replicate-job.js';

/**
 * The paper every claim of the lottery-ticket pages comes from.
 *
 * @example
 * ```ts
 * import { LTH_PAPER } from '@sparse/lth';
 *
 * console.log(LTH_PAPER);
 * ```
 */
export const LTH_PAPER = 'Frankle & Carbin 2019, "The Lottery Ticket Hypothesis" (ICLR 2019)';

/**
 * One pruned level compared over seeds: the ticket against the dense network, random
 * re-initialisation and random pruning (where they ran), on test accuracy at early stop and on the
 * early-stopping iteration (earlier is faster).
 *
 * @example
 * ```ts
 * import { levelComparisons, type UnitSummary } from '@sparse/lth';
 *
 * declare const rows: UnitSummary[];
 * for (const level of levelComparisons(rows)) console.log(level.level, level.vsReinit?.comparison);
 * ```
 */
export interface LevelComparison {
  readonly level: number;
  /** Fraction of prunable weights remaining (mean over the ticket's seeds). */
  readonly remaining: number;
  /** Ticket accuracy against the dense network's (`above`: the ticket is higher beyond seed noise). */
  readonly vsDense: Compared;
  /** Ticket accuracy against random re-initialisation at this level. */
  readonly vsReinit?: Compared;
  /** Ticket accuracy against random pruning at this level. */
  readonly vsRandomPrune?: Compared;
  /** Early-stop iteration of the dense network against the ticket's (`above`: the ticket stops earlier beyond seed noise). */
  readonly fasterThanDense: Compared;
  /** Early-stop iteration of random re-initialisation against the ticket's (`above`: the ticket stops earlier). */
  readonly fasterThanReinit?: Compared;
}

/**
 * Two sides compared over seeds (`compareSeeds` (@sparse/experiments)): the comparison, the gap of the means and
 * each side's statistics.
 *
 * @example
 * ```ts
 * import type { Compared } from '@sparse/lth';
 *
 * declare const compared: Compared;
 * console.log(compared.comparison, compared.gap, compared.a.sd, compared.b.sd);
 * ```
 */
export interface Compared {
  readonly comparison: Comparison;
  readonly gap: number;
  readonly a: SeedStats;
  readonly b: SeedStats;
}

const pick = (rows: readonly UnitSummary[], branch: string, level: number): UnitSummary[] => rows.filter((row) => row.branch === branch && row.level === level);
const accuracies = (rows: readonly UnitSummary[]): number[] => rows.map((row) => row.testAccuracyAtEarlyStop);
const stops = (rows: readonly UnitSummary[]): number[] => rows.map((row) => row.earlyStopIteration);

/**
 * Every pruned level of the ticket compared with the dense network (the ticket at level 0) and with
 * the baselines that ran at that level, in level order. Differences are "beyond seed noise" by
 * `compareSeeds` (@sparse/experiments): the gap of the means exceeds both sample standard deviations and every
 * seed of the higher side reaches the other side's mean.
 *
 * @example
 * ```ts
 * import { levelComparisons, type UnitSummary } from '@sparse/lth';
 *
 * declare const rows: UnitSummary[];
 * console.log(levelComparisons(rows).filter((level) => level.vsReinit?.comparison === 'above').length);
 * ```
 */
export function levelComparisons(rows: readonly UnitSummary[]): LevelComparison[] {
  const dense = pick(rows, 'ticket', 0);
  const levels = [...new Set(rows.filter((row) => row.branch === 'ticket' && row.level > 0).map((row) => row.level))].sort((a, b) => a - b);
  return levels.map((level) => {
    const ticket = pick(rows, 'ticket', level);
    const reinit = pick(rows, 'reinit', level);
    const random = pick(rows, 'random-prune', level);
    return {
      level,
      remaining: ticket.reduce((sum, row) => sum + row.remaining, 0) / ticket.length,
      vsDense: compareSeeds(accuracies(ticket), accuracies(dense)),
      fasterThanDense: compareSeeds(stops(dense), stops(ticket)),
      ...(reinit.length === 0 ? {} : { vsReinit: compareSeeds(accuracies(ticket), accuracies(reinit)), fasterThanReinit: compareSeeds(stops(reinit), stops(ticket)) }),
      ...(random.length === 0 ? {} : { vsRandomPrune: compareSeeds(accuracies(ticket), accuracies(random)) }),
    };
  });
}

/**
 * A fraction of weights remaining as the pages print it: one decimal from 10% up, two below.
 *
 * @example
 * ```ts
 * import { percentRemaining } from '@sparse/lth';
 *
 * console.log(percentRemaining(0.0359), percentRemaining(0.8)); // 3.59% 80.0%
 * ```
 */
export function percentRemaining(fraction: number): string {
  return fraction >= 0.1 ? `${(100 * fraction).toFixed(1)}%` : `${(100 * fraction).toFixed(2)}%`;
}

const pt = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(100 * value).toFixed(2)}`;
const acc = (stats: SeedStats): string => `${(100 * stats.mean).toFixed(2)} ± ${(100 * stats.sd).toFixed(2)}`;
const its = (stats: SeedStats): string => `${Math.round(stats.mean)} ± ${Math.round(stats.sd)}`;
const at = (levels: readonly LevelComparison[]): string => levels.map((level) => percentRemaining(level.remaining)).join(', ');

/** `from a down to b` for a run of levels, or `at a` for one. */
function span(levels: readonly LevelComparison[]): string {
  const first = levels[0];
  const last = levels[levels.length - 1];
  if (first === undefined || last === undefined) return 'at no level';
  return levels.length === 1 ? `at ${percentRemaining(first.remaining)}` : `from ${percentRemaining(first.remaining)} down to ${percentRemaining(last.remaining)}`;
}

/** Whether `subset` is the last levels of `all` without a gap (the sparsest end). */
function isSparsestRun(subset: readonly LevelComparison[], all: readonly LevelComparison[]): boolean {
  return subset.length > 0 && subset.every((level, i) => level === all[all.length - subset.length + i]);
}

/**
 * One claim of the paper as one lottery-ticket page tests it: the claim, our measured result with
 * its spread over seeds, and the verdict the numbers give (`shown…`, `partly shown…`,
 * `consistent…`, `not shown…`, `not tested…`).
 *
 * @example
 * ```ts
 * import type { LthClaim } from '@sparse/lth';
 *
 * declare const claim: LthClaim;
 * console.log(`${claim.claim}: ${claim.verdict}`);
 * ```
 */
export interface LthClaim {
  readonly claim: string;
  readonly result: string;
  readonly verdict: string;
}

/** The ticket beats random re-initialisation: at which levels, beyond seed noise. */
function ticketBeatsReinit(levels: readonly LevelComparison[]): LthClaim {
  const claim = 'A winning ticket (IMP, reset to θ0) reaches higher test accuracy than the same sparse network randomly re-initialised';
  const compared = levels.filter((level) => level.vsReinit !== undefined);
  if (compared.length === 0) return { claim, result: 'no level has both branches', verdict: 'not tested (the run has no random re-init branch)' };
  const above = compared.filter((level) => level.vsReinit?.comparison === 'above');
  const below = compared.filter((level) => level.vsReinit?.comparison === 'below');
  const within = compared.filter((level) => level.vsReinit?.comparison === 'within-noise');
  const ends = [compared[0], compared[compared.length - 1]].filter((level, i, all) => level !== undefined && all.indexOf(level) === i) as LevelComparison[];
  const result =
    `beyond seed noise at ${above.length} of ${compared.length} levels; ticket − re-init ` +
    ends.map((level) => `${pt(level.vsReinit?.gap ?? 0)} pt at ${percentRemaining(level.remaining)} (${acc(level.vsReinit?.a as SeedStats)} vs ${acc(level.vsReinit?.b as SeedStats)})`).join(', ');
  const rest = `${within.length === 0 ? '' : `; within seed noise at ${at(within)}`}${below.length === 0 ? '' : `; re-init higher beyond seed noise at ${at(below)}`}`;
  let verdict: string;
  if (above.length === 0) verdict = `not shown (no level beyond seed noise${rest})`;
  else if (above.length === compared.length) verdict = `shown at every pruned level (${span(compared)})`;
  else if (below.length === 0 && isSparsestRun(above, compared)) verdict = `shown ${span(above)}${rest}`;
  else verdict = `partly shown (beyond seed noise at ${at(above)}${rest})`;
  return { claim, result, verdict };
}

/**
 * The ticket is at least as accurate as the dense network, and down to which level: shown where
 * it is above the dense network beyond seed noise over one unbroken run of levels, with no level
 * below it before that run ends; partly shown when the levels above are scattered; consistent when
 * every level is within seed noise; not shown when none is above.
 */
function ticketMatchesDense(levels: readonly LevelComparison[]): LthClaim {
  const claim = 'A winning ticket reaches at least the dense network\'s test accuracy with a small fraction of its weights';
  const first = levels[0];
  if (first === undefined) return { claim, result: 'no pruned level', verdict: 'not tested (the run has no pruned level)' };
  const dense = first.vsDense.b;
  const firstBelow = levels.findIndex((level) => level.vsDense.comparison === 'below');
  const reach = firstBelow === -1 ? levels : levels.slice(0, firstBelow);
  const above = levels.filter((level) => level.vsDense.comparison === 'above');
  const within = levels.filter((level) => level.vsDense.comparison === 'within-noise');
  const below = levels.filter((level) => level.vsDense.comparison === 'below');
  const best = levels.reduce((a, b) => (b.vsDense.a.mean > a.vsDense.a.mean ? b : a));
  const deepest = reach[reach.length - 1];
  const result =
    `dense ${acc(dense)}; ticket ${deepest === undefined ? 'below it beyond seed noise from the first level' : `${acc(deepest.vsDense.a)} at ${percentRemaining(deepest.remaining)}, the sparsest level before any level below it`}; ` +
    `best ${acc(best.vsDense.a)} at ${percentRemaining(best.remaining)}; above beyond seed noise at ${above.length} of ${levels.length} levels`;
  const rest = `${within.length === 0 ? '' : `; within seed noise at ${at(within)}`}${below.length === 0 ? '' : `; below it beyond seed noise at ${at(below)}`}`;
  const start = above[0] === undefined ? -1 : levels.indexOf(above[0]);
  const unbroken = start !== -1 && above.every((level, i) => level === levels[start + i]);
  const beforeEnd = (level: LevelComparison): boolean => levels.indexOf(level) < start + above.length;
  let verdict: string;
  if (above.length === 0) verdict = below.length === 0 ? `consistent (within seed noise of the dense network at every level down to ${percentRemaining(levels[levels.length - 1]?.remaining ?? 0)})` : `not shown (never above the dense network beyond seed noise${rest})`;
  else if (unbroken && !below.some(beforeEnd)) verdict = `shown ${span(above)} (above the dense network beyond seed noise at every level of that range${rest})`;
  else verdict = `partly shown (above the dense network beyond seed noise at ${at(above)}${rest})`;
  return { claim, result, verdict };
}

/** Beats random pruning at the same sparsity, where that branch ran. */
function ticketBeatsRandomPrune(levels: readonly LevelComparison[]): LthClaim | undefined {
  const compared = levels.filter((level) => level.vsRandomPrune !== undefined);
  if (compared.length === 0) return undefined;
  const claim = 'A winning ticket reaches higher test accuracy than a randomly pruned network of the same sparsity (same θ0)';
  const above = compared.filter((level) => level.vsRandomPrune?.comparison === 'above');
  const result = compared.map((level) => `${pt(level.vsRandomPrune?.gap ?? 0)} pt at ${percentRemaining(level.remaining)} (${acc(level.vsRandomPrune?.a as SeedStats)} vs ${acc(level.vsRandomPrune?.b as SeedStats)})`).join(', ');
  const verdict =
    above.length === compared.length
      ? `shown at every level with random pruning (${at(compared)})`
      : above.length === 0
        ? `not shown (within seed noise or below at ${at(compared)})`
        : `partly shown (beyond seed noise at ${at(above)}, not at ${at(compared.filter((level) => !above.includes(level)))})`;
  return { claim, result, verdict };
}

/**
 * How many runs early-stopped at the last evaluation (iteration = the round's iterations): the
 * budget, not the validation loss, ended them, so their early-stop iteration is a lower bound.
 *
 * @example
 * ```ts
 * import { budgetCapped, type UnitSummary } from '@sparse/lth';
 *
 * declare const rows: UnitSummary[];
 * const { capped, total, byBranch } = budgetCapped(rows);
 * console.log(`${capped} of ${total}`, byBranch);
 * ```
 */
export function budgetCapped(rows: readonly UnitSummary[]): { readonly capped: number; readonly total: number; readonly byBranch: ReadonlyMap<string, { readonly capped: number; readonly total: number }> } {
  const byBranch = new Map<string, { capped: number; total: number }>();
  let capped = 0;
  for (const row of rows) {
    const hit = row.earlyStopIteration >= row.iterations;
    if (hit) capped += 1;
    const entry = byBranch.get(row.branch) ?? { capped: 0, total: 0 };
    byBranch.set(row.branch, { capped: entry.capped + (hit ? 1 : 0), total: entry.total + 1 });
  }
  return { capped, total: rows.length, byBranch };
}

/** The share of runs whose early stop is in the last tenth of the round (near the cap). */
function lateShare(rows: readonly UnitSummary[]): number {
  return rows.filter((row) => row.earlyStopIteration >= 0.9 * row.iterations).length;
}

/** Tickets learn faster: an earlier early-stop iteration than the dense network and than re-init. */
function ticketsLearnFaster(rows: readonly UnitSummary[], levels: readonly LevelComparison[]): LthClaim {
  const claim = 'Winning tickets learn faster: they early-stop (minimum validation loss) at an earlier iteration than the dense network and than random re-initialisation';
  if (levels.length === 0) return { claim, result: 'no pruned level', verdict: 'not tested (the run has no pruned level)' };
  const iterations = rows[0]?.iterations ?? 0;
  const { capped, total } = budgetCapped(rows);
  const late = lateShare(rows);
  const vsDense = levels.filter((level) => level.fasterThanDense.comparison === 'above');
  const withReinit = levels.filter((level) => level.fasterThanReinit !== undefined);
  const vsReinit = withReinit.filter((level) => level.fasterThanReinit?.comparison === 'above');
  const dense = levels[0]?.fasterThanDense.a as SeedStats;
  const ticketMean = levels.reduce((sum, level) => sum + level.fasterThanDense.b.mean, 0) / levels.length;
  const reinitMean = withReinit.length === 0 ? undefined : withReinit.reduce((sum, level) => sum + (level.fasterThanReinit?.a.mean ?? 0), 0) / withReinit.length;
  const budget = `${capped} of ${total} runs (${((100 * capped) / total).toFixed(0)}%) early-stopped at the last evaluation (iteration ${iterations}) and ${late} (${((100 * late) / total).toFixed(0)}%) in the last tenth of the round`;
  const result =
    `early-stop iteration: dense ${its(dense)}, ticket ${Math.round(ticketMean)} (mean over levels)${reinitMean === undefined ? '' : `, re-init ${Math.round(reinitMean)}`}; ` +
    `ticket earlier beyond seed noise than dense at ${vsDense.length} of ${levels.length} levels${withReinit.length === 0 ? '' : `, than re-init at ${vsReinit.length} of ${withReinit.length}`}; ${budget}`;
  const cap =
    capped === 0
      ? `no run stopped at the last evaluation, iteration ${iterations}`
      : `${capped} of ${total} runs stopped at the last evaluation, iteration ${iterations}: the budget caps the early-stop iteration, so later stops count as ${iterations}`;
  const allDense = vsDense.length === levels.length;
  const allReinit = withReinit.length === 0 || vsReinit.length === withReinit.length;
  let verdict: string;
  if (allDense && allReinit) verdict = `shown at every level (${cap})`;
  else if (vsDense.length === 0 && vsReinit.length === 0) verdict = `not shown (no level beyond seed noise; ${cap})`;
  else verdict = `partly shown (earlier than the dense network beyond seed noise at ${vsDense.length === 0 ? 'no level' : at(vsDense)}${withReinit.length === 0 ? '' : `, than re-init at ${vsReinit.length === 0 ? 'no level' : at(vsReinit)}`}; ${cap})`;
  return { claim, result, verdict };
}

/**
 * The paper's claims the lottery-ticket pages test, each with the result and the verdict computed
 * from the rows: the ticket beats random re-initialisation (at which levels, beyond seed noise);
 * the ticket reaches the dense network's accuracy (down to which level); the ticket beats random
 * pruning (where it ran); tickets learn faster (an earlier early-stop iteration than dense and
 * re-init, with the share of runs the budget capped).
 *
 * @example
 * ```ts
 * import { lthClaims, type UnitSummary } from '@sparse/lth';
 *
 * declare const rows: UnitSummary[];
 * for (const claim of lthClaims(rows)) console.log(claim.verdict);
 * ```
 */
export function lthClaims(rows: readonly UnitSummary[]): LthClaim[] {
  const levels = levelComparisons(rows);
  const random = ticketBeatsRandomPrune(levels);
  return [ticketBeatsReinit(levels), ticketMatchesDense(levels), ...(random === undefined ? [] : [random]), ticketsLearnFaster(rows, levels)];
}
