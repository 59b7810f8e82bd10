import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  renderHtmlReport,
  writeFileAtomic,
  writeMarkdownReport,
  type PlotSeries,
  type Report,
  type ReportBlock,
  type TableCell,
} from '@sparse/experiments';
import type { AxisValue } from '../expand.js';
import { getFieldPath } from '../field-path.js';
import type { SweepReportSpec } from '../sweep-config.js';
import type { RunStatus } from '../sweep-records.js';

/**
 * What {@link buildSweepReport} needs of a run: its place, grid values, status and the
 * `summary.json` of its run directory (when done).
 *
 * @example
 * ```ts
 * import type { SweepReportRun } from '@sparse/sweep';
 *
 * const run: SweepReportRun = { index: 0, id: 'x-1', label: 'scorer=random', axes: [{ path: 'scorer', value: 'random' }], status: { id: 'x-1', status: 'pending' } };
 * ```
 */
export interface SweepReportRun {
  readonly index: number;
  readonly id: string;
  readonly label: string;
  readonly axes: readonly AxisValue[];
  readonly seed?: number;
  readonly status: RunStatus;
  /** The run's `summary.json`, when it has one. */
  readonly summary?: unknown;
}

function cell(value: unknown): TableCell {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function records(summary: unknown, spec: SweepReportSpec): Record<string, unknown>[] {
  const rows = getFieldPath(summary, spec.rows);
  if (!Array.isArray(rows)) return [];
  return rows.filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null
    && Object.entries(spec.where).every(([key, value]) => (row as Record<string, unknown>)[key] === value));
}

function plotSeries(runs: readonly SweepReportRun[], spec: SweepReportSpec, x: string, y: string): PlotSeries[] {
  const groups = new Map<string, Map<number, number[]>>();
  for (const run of runs) {
    if (run.status.status !== 'done') continue;
    const name = run.axes.length === 0 ? 'base' : run.axes.map((axis) => `${axis.path}=${typeof axis.value === 'string' ? axis.value : JSON.stringify(axis.value)}`).join(', ');
    const points = groups.get(name) ?? new Map<number, number[]>();
    groups.set(name, points);
    for (const row of records(run.summary, spec)) {
      const xv = getFieldPath(row, x);
      const yv = getFieldPath(row, y);
      if (typeof xv !== 'number' || typeof yv !== 'number' || !Number.isFinite(xv) || !Number.isFinite(yv)) continue;
      points.set(xv, [...(points.get(xv) ?? []), yv]);
    }
  }
  return [...groups].filter(([, points]) => points.size > 0).map(([name, points]) => ({
    name,
    points: [...points].sort(([a], [b]) => a - b).map(([xv, ys]) => ({ x: xv, y: ys.reduce((sum, value) => sum + value, 0) / ys.length, yMin: Math.min(...ys), yMax: Math.max(...ys) })),
  }));
}

/**
 * The sweep report: one table of every run (grid values, seed, status, the headline metrics of
 * its last kept summary record, its run directory), a plot of `y` against `x` with one series per
 * combination of grid values (mean over seeds, min–max band), and the error of each failed run.
 * Nothing in it depends on where or when runs ran, so a local and a queued sweep write the same
 * report.
 *
 * @example
 * ```ts
 * import { buildSweepReport, renderMarkdownReport } from '@sparse/sweep';
 *
 * const report = buildSweepReport('rates', [], { rows: 'summaries', where: {}, metrics: [], xScale: 'log' });
 * console.log(report.title); // Sweep rates
 * ```
 */
export function buildSweepReport(name: string, runs: readonly SweepReportRun[], spec: SweepReportSpec): Report {
  const done = runs.filter((run) => run.status.status === 'done').length;
  const failed = runs.filter((run) => run.status.status === 'failed');
  const paths = [...new Set(runs.flatMap((run) => run.axes.map((axis) => axis.path)))];
  const seeded = runs.some((run) => run.seed !== undefined);
  const rows = runs.map((run) => {
    const row: Record<string, TableCell> = { index: run.index + 1 };
    for (const axis of run.axes) row[`axis:${axis.path}`] = cell(axis.value);
    if (seeded) row['seed'] = run.seed;
    row['status'] = run.status.status;
    const last = records(run.summary, spec).at(-1);
    for (const metric of spec.metrics) row[`metric:${metric}`] = cell(last === undefined ? undefined : getFieldPath(last, metric));
    row['run'] = run.id;
    return row;
  });
  const table: ReportBlock = {
    kind: 'table',
    table: {
      columns: [
        { key: 'index', header: '#' },
        ...paths.map((path) => ({ key: `axis:${path}`, header: path })),
        ...(seeded ? [{ key: 'seed', header: 'seed' }] : []),
        { key: 'status', header: 'status', align: 'left' as const },
        ...spec.metrics.map((metric) => ({ key: `metric:${metric}`, header: metric, digits: 4 })),
        { key: 'run', header: 'run directory', align: 'left' as const },
      ],
      rows,
    },
  };
  const sections: Report['sections'][number][] = [{ heading: 'Runs', blocks: [table] }];
  if (spec.x !== undefined && spec.y !== undefined) {
    const series = plotSeries(runs, spec, spec.x, spec.y);
    sections.push({
      heading: `${spec.y} vs. ${spec.x}`,
      blocks: series.length === 0
        ? [{ kind: 'text', text: 'No finished run has results to plot yet.' }]
        : [{ kind: 'plot', title: `${spec.y} vs ${spec.x}`, plot: { series, xLabel: spec.x, yLabel: spec.y, xScale: spec.xScale, reverseX: spec.xScale === 'log', markers: true, spread: 'band' }, caption: 'One line per combination of grid values: mean over seeds, band from min to max.' }],
    });
  }
  if (failed.length > 0) {
    sections.push({ heading: 'Failed runs', blocks: failed.map((run) => ({ kind: 'text' as const, text: `${run.index + 1} (${run.label}, ${run.id}): ${run.status.error ?? 'unknown error'}` })) });
  }
  return { title: `Sweep ${name}`, subtitle: `${runs.length} runs: ${done} done, ${failed.length} failed, ${runs.length - done - failed.length} pending.`, sections };
}

/**
 * Options of {@link writeSweepReport}.
 *
 * @example
 * ```ts
 * import type { WriteSweepReportOptions } from '@sparse/sweep';
 *
 * const options: WriteSweepReportOptions = { folder: '.runs/rates.sweep-abc', runsRoot: '.runs', name: 'rates', runs: [], spec: { rows: 'summaries', where: {}, metrics: [], xScale: 'log' } };
 * ```
 */
export interface WriteSweepReportOptions {
  /** The sweep folder the reports go to. */
  readonly folder: string;
  /** The folder holding the run directories. */
  readonly runsRoot: string;
  readonly name: string;
  /** The runs without their summaries (read here from each done run's `summary.json`). */
  readonly runs: readonly Omit<SweepReportRun, 'summary'>[];
  readonly spec: SweepReportSpec;
}

/**
 * Writes `report.html` and `report.md` (with its SVG plots) into the sweep folder, reading each
 * done run's `summary.json` one at a time. Returns the two report paths.
 *
 * @example
 * ```ts
 * import { writeSweepReport, type WriteSweepReportOptions } from '@sparse/sweep';
 *
 * declare const options: WriteSweepReportOptions;
 * const { html } = await writeSweepReport(options);
 * ```
 */
export async function writeSweepReport(options: WriteSweepReportOptions): Promise<{ readonly html: string; readonly markdown: string }> {
  const runs: SweepReportRun[] = [];
  for (const run of options.runs) {
    if (run.status.status !== 'done') {
      runs.push(run);
      continue;
    }
    const text = await readFile(join(options.runsRoot, run.id, 'summary.json'), 'utf8').catch(() => undefined);
    let summary: unknown;
    try {
      summary = text === undefined ? undefined : (JSON.parse(text) as unknown);
    } catch {
      summary = undefined;
    }
    // Keep only the records the report shows, so memory does not grow with the runs' summaries.
    runs.push(summary === undefined ? run : { ...run, summary: { rows: records(summary, options.spec) } });
  }
  const report = buildSweepReport(options.name, runs, { ...options.spec, rows: 'rows', where: {} });
  const html = join(options.folder, 'report.html');
  const markdown = join(options.folder, 'report.md');
  await writeFileAtomic(html, renderHtmlReport(report));
  await writeMarkdownReport(markdown, report);
  return { html, markdown };
}
