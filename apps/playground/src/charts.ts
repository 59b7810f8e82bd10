/**
 * The two live plots, drawn with the same SVG plotter as the run's report (`linePlot` of
 * `@sparse/experiments`): test accuracy at early stop vs. weights remaining per branch (mean over
 * seeds, the spread shaded), and the validation loss of the round being trained.
 */
import { linePlot, type PlotSeries } from '@sparse/experiments';
import type { EvalRecord, UnitSummary } from '@sparse/lth';

const BRANCHES: readonly { readonly branch: string; readonly name: string; readonly color: string; readonly dashed?: boolean }[] = [
  { branch: 'ticket', name: 'winning ticket', color: '#0072B2' },
  { branch: 'reinit', name: 'random re-init', color: '#D55E00', dashed: true },
  { branch: 'random-prune', name: 'random pruning', color: '#007A5E', dashed: true },
];

/** One plotted point: a branch's mean over seeds at one level. */
export interface PlottedPoint {
  readonly branch: string;
  readonly level: number;
  /** Percent of weights remaining. */
  readonly remaining: number;
  /** Mean test accuracy at the early-stopping iteration over the seeds done. */
  readonly accuracy: number;
  readonly seeds: number;
}

/** The points of the accuracy plot: per branch and level, the mean over the seeds finished. */
export function plottedPoints(summaries: readonly UnitSummary[]): PlottedPoint[] {
  const groups = new Map<string, UnitSummary[]>();
  for (const s of summaries) {
    if (!BRANCHES.some((b) => b.branch === s.branch)) continue;
    const key = `${s.branch}/${s.level}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as UnitSummary;
    return {
      branch: first.branch,
      level: first.level,
      remaining: 100 * first.remaining,
      accuracy: group.reduce((sum, s) => sum + s.testAccuracyAtEarlyStop, 0) / group.length,
      seeds: group.length,
    };
  });
}

/** The accuracy vs. weights remaining plot (SVG text). */
export function accuracyPlot(summaries: readonly UnitSummary[]): string {
  const series: PlotSeries[] = BRANCHES.map(({ branch, name, color, dashed }) => {
    const points = [...new Set(summaries.filter((s) => s.branch === branch).map((s) => s.level))].sort((a, b) => a - b).map((level) => {
      const at = summaries.filter((s) => s.branch === branch && s.level === level);
      const values = at.map((s) => s.testAccuracyAtEarlyStop);
      const y = values.reduce((a, b) => a + b, 0) / values.length;
      return { x: 100 * (at[0] as UnitSummary).remaining, y, ...(values.length > 1 ? { yMin: Math.min(...values), yMax: Math.max(...values) } : {}) };
    });
    // The ticket's level 0 is the dense network every baseline starts from.
    const dense = summaries.filter((s) => s.branch === 'ticket' && s.level === 0);
    const start = branch !== 'ticket' && dense.length > 0 && points.length > 0 ? [{ x: 100, y: dense.reduce((a, s) => a + s.testAccuracyAtEarlyStop, 0) / dense.length }] : [];
    return { name, color, ...(dashed === true ? { dashed } : {}), points: [...start, ...points] };
  }).filter((s) => s.points.length > 0);
  if (series.length === 0) return '';
  return linePlot({ series, xLabel: 'weights remaining (%)', yLabel: 'test accuracy', title: 'at the early-stopping iteration, mean over seeds', xScale: 'log', reverseX: true, width: 640, height: 380 });
}

/** The validation loss of one round so far (SVG text). */
export function lossPlot(title: string, records: readonly EvalRecord[]): string {
  if (records.length === 0) return '';
  return linePlot({
    series: [{ name: 'validation loss', color: '#6A3D9A', points: records.map((r) => ({ x: r.iteration, y: r.validationLoss })) }],
    title,
    xLabel: 'iteration',
    yLabel: 'validation loss',
    width: 640,
    height: 300,
  });
}
