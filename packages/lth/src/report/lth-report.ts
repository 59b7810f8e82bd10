import { refName } from '@sparse/core';
import type { PlotSeries, Report, Table, TableCell } from '@sparse/experiments';
import type { LthExperimentConfig } from '../experiment/config.js';
import type { UnitSummary } from '../experiment/replicate-job.js';
import { summarizeLevels, type LevelStats, type Spread } from './summarize.js';

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

function iterationCell(s: Spread | undefined): TableCell {
  if (s === undefined) return '';
  return s.n > 1 ? `${Math.round(s.mean)} (${s.min}–${s.max})` : String(s.mean);
}

/**
 * The results table: one row per level, with the percent of weights remaining and, per branch,
 * test accuracy at the early-stopping iteration (mean and min–max over seeds, in %) and that
 * iteration.
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
    { key: 'remaining', header: 'Pm %', align: 'right' as const },
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
      row[`${branch}-it`] = iterationCell(s?.earlyStop);
    }
    return row;
  });
  return { title: 'Test accuracy at the early-stopping iteration (mean, min–max over seeds)', columns, rows };
}

function seriesOf(stats: readonly LevelStats[], pick: (s: LevelStats) => Spread, scale: number): PlotSeries[] {
  const branches = [...new Set(stats.map((s) => s.branch))];
  const out: PlotSeries[] = branches.map((branch) => ({
    name: BRANCH_LABELS[branch] ?? branch,
    dashed: branch !== 'ticket',
    points: stats
      .filter((s) => s.branch === branch && !(branch === 'ticket' && s.level === 0))
      .map((s) => ({ x: 100 * s.remaining, y: scale * pick(s).mean, yMin: scale * pick(s).min, yMax: scale * pick(s).max })),
  }));
  const dense = stats.find((s) => s.branch === 'ticket' && s.level === 0);
  if (dense !== undefined) {
    const xs = stats.map((s) => 100 * s.remaining);
    const value = pick(dense);
    out.push({
      name: 'dense (100%)',
      color: '#000000',
      dashed: true,
      points: [Math.max(...xs), Math.min(...xs)].map((x) => ({ x, y: scale * value.mean, yMin: scale * value.min, yMax: scale * value.max })),
    });
  }
  return out.filter((s) => s.points.length > 0);
}

/**
 * Checks of the paper's claims on a finished experiment, in words: whether the ticket beats
 * random re-initialisation at every common level on every seed (from `fromRemaining` down), and
 * the lowest Pm at which the ticket's mean accuracy is still at or above the dense network's.
 *
 * @example
 * ```ts
 * import { lthFindings, type UnitSummary } from '@sparse/lth';
 *
 * declare const summaries: UnitSummary[];
 * for (const line of lthFindings(summaries)) console.log(line);
 * ```
 */
export function lthFindings(summaries: readonly UnitSummary[], fromRemaining = 0.22): string[] {
  const stats = summarizeLevels(summaries);
  const dense = stats.find((s) => s.branch === 'ticket' && s.level === 0);
  const tickets = stats.filter((s) => s.branch === 'ticket' && s.level > 0);
  const lines: string[] = [];
  const compared = tickets.filter((t) => t.remaining <= fromRemaining && stats.some((s) => s.branch === 'reinit' && s.level === t.level));
  if (compared.length > 0) {
    const losses: string[] = [];
    for (const t of compared) {
      const r = stats.find((s) => s.branch === 'reinit' && s.level === t.level) as LevelStats;
      for (const [seed, acc] of t.bySeed) {
        const other = r.bySeed.get(seed);
        if (other !== undefined && !(acc > other)) losses.push(`seed ${seed} at ${percent(t.remaining)}% (${(100 * acc).toFixed(2)} vs ${(100 * other).toFixed(2)})`);
      }
    }
    lines.push(
      losses.length === 0
        ? `The winning ticket beats random re-initialisation at every level from ${percent(compared[0]?.remaining ?? 0)}% down to ${percent(compared[compared.length - 1]?.remaining ?? 0)}% on every seed.`
        : `The winning ticket does not beat random re-initialisation everywhere from ${percent(fromRemaining)}% down: ${losses.join('; ')}.`,
    );
    const gaps = compared.map((t) => t.accuracy.mean - ((stats.find((s) => s.branch === 'reinit' && s.level === t.level) as LevelStats).accuracy.mean));
    lines.push(`Mean gap ticket − re-init over those levels: ${(100 * (gaps.reduce((a, b) => a + b, 0) / gaps.length)).toFixed(2)} points (smallest ${(100 * Math.min(...gaps)).toFixed(2)}, largest ${(100 * Math.max(...gaps)).toFixed(2)}).`);
  }
  if (dense !== undefined && tickets.length > 0) {
    const below = tickets.filter((t) => t.accuracy.mean < dense.accuracy.mean);
    const denseText = `${(100 * dense.accuracy.mean).toFixed(2)}%`;
    lines.push(
      below.length === 0
        ? `The ticket's mean accuracy is at or above the dense network's (${denseText}) at every level, down to ${percent(tickets[tickets.length - 1]?.remaining ?? 0)}% of the weights remaining.`
        : `The ticket's mean accuracy is below the dense network's (${denseText}) at ${below.map((t) => `${percent(t.remaining)}% (${(100 * t.accuracy.mean).toFixed(2)})`).join(', ')}; at or above it at every other level.`,
    );
  }
  return lines;
}

/**
 * The experiment report: the results table, accuracy at early stop and the early-stopping
 * iteration against the percent of weights remaining (log x axis, reversed: dense on the left),
 * series winning ticket, random re-init, random pruning (and one-shot), with the dense network as
 * a reference line; mean with min–max bands over seeds. Render with `renderHtmlReport` or
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
  const plot = (pick: (s: LevelStats) => Spread, scale: number, yLabel: string) => ({
    series: seriesOf(stats, pick, scale),
    xLabel: 'percent of weights remaining (log scale)',
    yLabel,
    xScale: 'log' as const,
    reverseX: true,
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
          { kind: 'plot', title: 'Test accuracy at early stop', plot: plot((s) => s.accuracy, 100, 'test accuracy at early stop (%)'), caption: 'Mean over seeds; band: min–max.' },
          { kind: 'plot', title: 'Early-stopping iteration', plot: plot((s) => s.earlyStop, 1, 'iteration of minimum validation loss'), caption: 'Mean over seeds; band: min–max.' },
        ],
      },
      { heading: 'Results', blocks: [{ kind: 'table', table: resultsTable(summaries) }] },
    ],
  };
}
