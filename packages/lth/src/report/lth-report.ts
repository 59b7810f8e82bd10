import { refName } from '@sparse/core';
import type { PlotSeries, Report, Table, TableCell } from '@sparse/experiments';
import type { LthExperimentConfig } from '../experiment/config.js';
import type { UnitSummary } from '../experiment/replicate-job.js';
import { summarizeLevels, type LevelStats, type Spread } from './summarize.js';

/** Each branch's line and marker, told apart in grey print too. */
const BRANCH_STYLES: Readonly<Record<string, Pick<PlotSeries, 'dash' | 'marker' | 'color'>>> = {
  ticket: { marker: 'circle', color: '#0072B2' },
  reinit: { dash: '7 4', marker: 'square', color: '#D55E00' },
  'random-prune': { dash: '2 3', marker: 'triangle', color: '#009E73' },
  'one-shot': { dash: '9 3 2 3', marker: 'diamond', color: '#CC79A7' },
};

const BRANCH_LABELS: Readonly<Record<string, string>> = {
  ticket: 'winning ticket',
  reinit: 'random re-init',
  'random-prune': 'random pruning',
  'one-shot': 'one-shot ticket',
};

function percent(value: number): string {
  return value >= 0.1 ? (100 * value).toFixed(1) : (100 * value).toFixed(2);
}

function accuracyCell(s: Spread | undefined): TableCell {
  if (s === undefined) return '';
  return s.n > 1 ? `${(100 * s.mean).toFixed(2)} (${(100 * s.min).toFixed(2)}–${(100 * s.max).toFixed(2)})` : (100 * s.mean).toFixed(2);
}

function iterationCell(s: Spread | undefined, atBudget: number): TableCell {
  if (s === undefined) return '';
  const text = s.n > 1 ? `${Math.round(s.mean)} (${s.min}–${s.max})` : String(s.mean);
  return atBudget > 0 ? `${text} †` : text;
}

/** How many seeds of a branch at a level early-stopped at the last iteration: the budget, not the validation loss, ended them. */
function seedsAtBudget(summaries: readonly UnitSummary[], branch: string, level: number): number {
  return summaries.filter((s) => s.branch === branch && s.level === level && s.earlyStopIteration >= s.iterations).length;
}

/** The explanation of † and of the ring on the plots. */
const BUDGET_NOTE = 'early stop = the last iteration: the training budget, not the validation loss, ended the run';

/**
 * The results table: one row per level, with the percent of weights remaining and, per branch,
 * test accuracy at the early-stopping iteration (mean and min–max over seeds, in %) and that
 * iteration, marked † where a seed's early stop is the last iteration (the training budget ended it).
 *
 * @example
 * ```ts
 * import { resultsTable, type UnitSummary } from '@sparse/lth';
 * import { formatTable } from '@sparse/experiments';
 *
 * declare const summaries: UnitSummary[];
 * console.log(formatTable(resultsTable(summaries)));
 * ```
 */
export function resultsTable(summaries: readonly UnitSummary[]): Table {
  const stats = summarizeLevels(summaries);
  const levels = [...new Set(stats.map((s) => s.level))].sort((a, b) => a - b);
  const branches = [...new Set(stats.map((s) => s.branch))];
  const find = (branch: string, level: number): LevelStats | undefined => stats.find((s) => s.branch === branch && s.level === level);
  const columns = [
    { key: 'level', header: 'level', align: 'right' as const },
    { key: 'remaining', header: 'weights remaining (%)', align: 'right' as const },
    ...branches.flatMap((branch) => [
      { key: `${branch}-acc`, header: `${BRANCH_LABELS[branch] ?? branch}: test acc % @ early stop`, align: 'right' as const },
      { key: `${branch}-it`, header: `${BRANCH_LABELS[branch] ?? branch}: early-stop it.`, align: 'right' as const },
    ]),
  ];
  const rows = levels.map((level) => {
    const any = stats.find((s) => s.level === level && s.branch === 'ticket') ?? stats.find((s) => s.level === level);
    const row: Record<string, TableCell> = { level, remaining: any === undefined ? '' : percent(any.remaining) };
    for (const branch of branches) {
      const s = find(branch, level);
      row[`${branch}-acc`] = accuracyCell(s?.accuracy);
      row[`${branch}-it`] = iterationCell(s?.earlyStop, seedsAtBudget(summaries, branch, level));
    }
    return row;
  });
  const flagged = stats.some((s) => seedsAtBudget(summaries, s.branch, s.level) > 0);
  return { title: `Test accuracy at the early-stopping iteration (mean, min–max over seeds)${flagged ? `; †: ${BUDGET_NOTE} for at least one seed` : ''}`, columns, rows };
}

function seriesOf(stats: readonly LevelStats[], summaries: readonly UnitSummary[], pick: (s: LevelStats) => Spread, scale: number): PlotSeries[] {
  const branches = [...new Set(stats.map((s) => s.branch))];
  const out: PlotSeries[] = [];
  const dense = stats.find((s) => s.branch === 'ticket' && s.level === 0);
  if (dense !== undefined) {
    // a thin reference line without a band, drawn first: it must not hide the curves
    const xs = stats.map((s) => 100 * s.remaining);
    const value = pick(dense);
    const range = value.n > 1 ? `, seeds ${formatValue(scale * value.min)}–${formatValue(scale * value.max)}` : '';
    out.push({
      name: `dense network (100%${range})`,
      color: '#555555',
      dash: '3 3',
      marker: 'none',
      lineWidth: 1.5,
      points: [Math.max(...xs), Math.min(...xs)].map((x) => ({ x, y: scale * value.mean })),
    });
  }
  for (const branch of branches) {
    out.push({
      name: BRANCH_LABELS[branch] ?? branch,
      ...(BRANCH_STYLES[branch] ?? {}),
      points: stats
        .filter((s) => s.branch === branch && !(branch === 'ticket' && s.level === 0))
        .map((s) => {
          const atBudget = seedsAtBudget(summaries, branch, s.level);
          const note = atBudget === 0 ? {} : { note: `${atBudget} of ${pick(s).n} seed(s): ${BUDGET_NOTE}` };
          return { x: 100 * s.remaining, y: scale * pick(s).mean, yMin: scale * pick(s).min, yMax: scale * pick(s).max, ...note };
        }),
    });
  }
  return out.filter((s) => s.points.length > 0);
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/**
 * Checks of the paper's claims on a finished experiment, in words, each with the range of levels it
 * covers, computed from the data: whether the ticket beats random re-initialisation at every level
 * where both were trained (from `fromRemaining` down, when given) on every seed, the mean gap, the
 * lowest percent of weights remaining at which the ticket's mean accuracy is still at or above the
 * dense network's, and which runs early-stopped at the last iteration (the training budget).
 *
 * @example
 * ```ts
 * import { lthFindings, type UnitSummary } from '@sparse/lth';
 *
 * declare const summaries: UnitSummary[];
 * for (const line of lthFindings(summaries)) console.log(line);
 * ```
 */
export function lthFindings(summaries: readonly UnitSummary[], fromRemaining?: number): string[] {
  const stats = summarizeLevels(summaries);
  const dense = stats.find((s) => s.branch === 'ticket' && s.level === 0);
  const tickets = stats.filter((s) => s.branch === 'ticket' && s.level > 0);
  const lines: string[] = [];
  const reinitAt = (level: number): LevelStats | undefined => stats.find((s) => s.branch === 'reinit' && s.level === level);
  const compared = tickets.filter((t) => (fromRemaining === undefined || t.remaining <= fromRemaining) && reinitAt(t.level) !== undefined);
  if (compared.length > 0) {
    const first = compared[0] as LevelStats;
    const last = compared[compared.length - 1] as LevelStats;
    const range =
      compared.length === 1
        ? `at ${percent(first.remaining)}% of the weights remaining (level ${first.level}, the only level with both)`
        : `from ${percent(first.remaining)}% down to ${percent(last.remaining)}% of the weights remaining (levels ${first.level}–${last.level}, ${compared.length} levels${fromRemaining === undefined ? ': every pruned level where both were trained' : `: those at or below ${percent(fromRemaining)}%`})`;
    const losses: string[] = [];
    for (const t of compared) {
      const r = reinitAt(t.level) as LevelStats;
      for (const [seed, acc] of t.bySeed) {
        const other = r.bySeed.get(seed);
        if (other !== undefined && !(acc > other)) losses.push(`seed ${seed} at ${percent(t.remaining)}% (${(100 * acc).toFixed(2)} vs ${(100 * other).toFixed(2)})`);
      }
    }
    lines.push(
      losses.length === 0
        ? `The winning ticket beats random re-initialisation on every seed ${range}.`
        : `The winning ticket does not beat random re-initialisation everywhere ${range}: ${losses.join('; ')}.`,
    );
    const gaps = compared.map((t) => t.accuracy.mean - (reinitAt(t.level) as LevelStats).accuracy.mean);
    lines.push(`Mean gap ticket − re-init over those levels: ${(100 * (gaps.reduce((a, b) => a + b, 0) / gaps.length)).toFixed(2)} points (smallest ${(100 * Math.min(...gaps)).toFixed(2)}, largest ${(100 * Math.max(...gaps)).toFixed(2)}).`);
  }
  if (dense !== undefined && tickets.length > 0) {
    const below = tickets.filter((t) => t.accuracy.mean < dense.accuracy.mean);
    const denseText = `${(100 * dense.accuracy.mean).toFixed(2)}%`;
    lines.push(
      below.length === 0
        ? `The ticket's mean accuracy is at or above the dense network's (${denseText}) at every level, from ${percent(tickets[0]?.remaining ?? 0)}% down to ${percent(tickets[tickets.length - 1]?.remaining ?? 0)}% of the weights remaining.`
        : `The ticket's mean accuracy is below the dense network's (${denseText}) at ${below.map((t) => `${percent(t.remaining)}% (${(100 * t.accuracy.mean).toFixed(2)})`).join(', ')} of the weights remaining; at or above it at every other level.`,
    );
  }
  const atBudget = stats.filter((s) => seedsAtBudget(summaries, s.branch, s.level) > 0);
  if (atBudget.length > 0) {
    const iterations = summaries[0]?.iterations ?? 0;
    const byBranch = [...new Set(atBudget.map((s) => s.branch))].map((branch) => {
      const levels = atBudget.filter((s) => s.branch === branch);
      const all = levels.every((s) => seedsAtBudget(summaries, branch, s.level) === s.accuracy.n);
      const at = levels.map((s) => `${percent(s.remaining)}%${all ? '' : ` (${seedsAtBudget(summaries, branch, s.level)} of ${s.accuracy.n} seeds)`}`).join(', ');
      return `${BRANCH_LABELS[branch] ?? branch} at ${at}${all && levels[0] !== undefined && levels[0].accuracy.n > 1 ? ' (every seed)' : ''}`;
    });
    lines.push(
      `Early stopping hit the training budget (the last iteration, ${iterations}) for the ${byBranch.join('; ')}: those networks were still improving, so their early-stopping iteration is a lower bound (ringed on the plots, † in the table).`,
    );
  }
  return lines;
}

/**
 * The experiment report: the findings, accuracy at early stop and the early-stopping iteration
 * against the percent of weights remaining (log x axis, reversed: dense on the left, a tick at
 * each pruning level), series winning ticket, random re-init, random pruning (and one-shot), each
 * with its own dash pattern and marker shape (apart in grey print too), the dense network as a
 * thin reference line; mean with min–max bands over seeds; a ring where a seed early-stopped at
 * the last iteration (the budget); the results table. Render with `renderHtmlReport` or
 * `writeMarkdownReport` of `@sparse/experiments`.
 *
 * @example
 * ```ts
 * import { buildLthReport, type LthExperimentConfig, type UnitSummary } from '@sparse/lth';
 * import { renderHtmlReport } from '@sparse/experiments';
 *
 * declare const config: LthExperimentConfig;
 * declare const summaries: UnitSummary[];
 * const html = renderHtmlReport(buildLthReport(config, summaries));
 * ```
 */
export function buildLthReport(config: LthExperimentConfig, summaries: readonly UnitSummary[], notes: readonly string[] = []): Report {
  const stats = summarizeLevels(summaries);
  const iterations = summaries[0]?.iterations ?? 0;
  const seeds = [...new Set(summaries.map((s) => s.seed))];
  const dataset = config.dataset === 'bundled' ? 'the bundled Fashion-MNIST subset' : `Fashion-MNIST from ${JSON.stringify((config.dataset as { dir: string }).dir)}`;
  const engine = config.engine === undefined ? '' : `, engine ${refName(config.engine)}`;
  const setup = `MLP ${config.model.layerSizes.join('-')} on ${dataset} (${config.validationSize} validation examples held out); Adam ${config.optimizer.learningRate}${engine}, batch ${config.batchSize}, ${iterations} iterations per round; ${config.rounds} rounds of ${config.mode === 'mir-l' ? 'MIR-L global percentile' : config.scope} ${refName(config.scorer)} pruning at ${config.rates.default}${config.rates.output === undefined ? '' : ` (output layer ${config.rates.output})`} of the remaining weights; reset to ${config.rewindStep === 0 ? 'θ0' : `θ${config.rewindStep}`}; seeds ${seeds.join(', ')}; backend ${config.backend}.`;
  const levelTicks = [...new Set(stats.map((s) => Number((100 * s.remaining).toPrecision(3))))].sort((a, b) => b - a);
  const plot = (pick: (s: LevelStats) => Spread, scale: number, yLabel: string) => ({
    series: seriesOf(stats, summaries, pick, scale),
    xLabel: '% of weights remaining (log scale; a tick at each pruning level)',
    yLabel,
    xScale: 'log' as const,
    reverseX: true,
    xTicks: levelTicks,
    xTickFormat: (value: number) => String(Number(value.toPrecision(3))),
    noteLegend: 'early stop at the last iteration (budget)',
  });
  return {
    title: `Lottery tickets: ${config.name}`,
    subtitle: setup,
    sections: [
      {
        heading: 'Findings',
        blocks: [...lthFindings(summaries), ...notes].map((text) => ({ kind: 'text' as const, text })),
      },
      {
        heading: 'Accuracy and early stopping vs. weights remaining',
        blocks: [
          { kind: 'plot', title: 'Test accuracy at early stop', plot: plot((s) => s.accuracy, 100, 'test accuracy at early stop (%)'), caption: `Mean over seeds; band: min–max over seeds. The dashed grey line is the dense network. x: the percentage of the prunable weights still in the network, pruned from left to right.` },
          { kind: 'plot', title: 'Early-stopping iteration', plot: plot((s) => s.earlyStop, 1, 'iteration of minimum validation loss'), caption: `Mean over seeds; band: min–max over seeds. A ring marks a level where a seed's early stop is the last iteration (${iterations}): the training budget, not the validation loss, ended it.` },
        ],
      },
      { heading: 'Results', blocks: [{ kind: 'table', table: resultsTable(summaries) }] },
    ],
  };
}
