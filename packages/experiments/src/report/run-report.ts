import { readFile } from 'node:fs/promises';
import { SparseError } from '@sparse/core';
import { z } from 'zod';
import { validateConfig } from '../config/validate.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic-write.js';
import type { JsonObject, JsonPrimitive, JsonValue } from '../json.js';
import { attachRunDirectory, type RunDirectory } from '../run/run-directory.js';
import { readRunMetrics } from '../run/run-units.js';
import { renderHtmlReport } from './html-report.js';
import type { PlotSeries } from './line-plot.js';
import type { Report, ReportBlock, ReportSection } from './report.js';
import type { Table, TableCell } from './table.js';

/**
 * Which metric records a plot or table uses: every listed field must equal the value (or one of
 * the values in a list).
 *
 * @example
 * ```ts
 * import type { MetricFilter } from '@sparse/experiments';
 *
 * const where: MetricFilter = { kind: 'level-end', method: ['winning-ticket', 'random-reinit'] };
 * ```
 */
export type MetricFilter = Readonly<Record<string, JsonPrimitive | readonly JsonPrimitive[]>>;

/**
 * A plot of metric records: `y` against `x`, one line per value of `series`, averaged over
 * records with the same series and x (e.g. over seeds), with the min–max spread.
 *
 * @example
 * ```ts
 * import type { MetricPlotSpec } from '@sparse/experiments';
 *
 * const lth: MetricPlotSpec = {
 *   title: 'Test accuracy vs. weights remaining',
 *   where: { kind: 'level-end' },
 *   x: 'remaining', y: 'testAccuracy', series: 'method',
 *   xScale: 'log', reverseX: true, xLabel: 'weights remaining (%)', yLabel: 'test accuracy',
 * };
 * ```
 */
export interface MetricPlotSpec {
  readonly title: string;
  readonly where?: MetricFilter;
  /** Field plotted on the x axis (numeric). */
  readonly x: string;
  /** Field plotted on the y axis (numeric). */
  readonly y: string;
  /** Field whose value names the series; default: one series named after `y`. */
  readonly series?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly xScale?: 'linear' | 'log';
  readonly yScale?: 'linear' | 'log';
  readonly reverseX?: boolean;
  /** How the spread over records with the same x is drawn; default `'band'`. */
  readonly spread?: 'band' | 'bars' | 'none';
  readonly caption?: string;
}

/**
 * A table of metric records: one row per distinct `groupBy` values, each column reduced over
 * the group (mean by default), optionally with min/max columns (`range`) and a count (`count`).
 *
 * @example
 * ```ts
 * import type { MetricTableSpec } from '@sparse/experiments';
 *
 * const table: MetricTableSpec = { title: 'Final accuracy', groupBy: ['method', 'level'], columns: ['testAccuracy'], range: true, count: true };
 * ```
 */
export interface MetricTableSpec {
  readonly title: string;
  readonly where?: MetricFilter;
  readonly groupBy: readonly string[];
  readonly columns: readonly string[];
  readonly reduce?: 'mean' | 'min' | 'max' | 'last';
  readonly range?: boolean;
  readonly count?: boolean;
}

/**
 * What a run's report shows, stored as `report-spec.json` in the run directory by the experiment
 * (see {@link writeReportSpec}) so that `sparse report RUN_DIR` can rebuild the report later.
 *
 * @example
 * ```ts
 * import type { ReportSpec } from '@sparse/experiments';
 *
 * const spec: ReportSpec = { title: 'LTH', plots: [{ title: 'Loss', x: 'step', y: 'loss', series: 'unit' }] };
 * ```
 */
export interface ReportSpec {
  readonly title?: string;
  /** Paragraphs shown first. */
  readonly text?: readonly string[];
  readonly plots?: readonly MetricPlotSpec[];
  readonly tables?: readonly MetricTableSpec[];
}

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const filter = z.record(z.string(), z.union([scalar, z.array(scalar)])).optional();

const plotSpec = z.strictObject({
  title: z.string().min(1),
  where: filter,
  x: z.string().min(1),
  y: z.string().min(1),
  series: z.string().min(1).optional(),
  xLabel: z.string().optional(),
  yLabel: z.string().optional(),
  xScale: z.enum(['linear', 'log']).optional(),
  yScale: z.enum(['linear', 'log']).optional(),
  reverseX: z.boolean().optional(),
  spread: z.enum(['band', 'bars', 'none']).optional(),
  caption: z.string().optional(),
});

const tableSpec = z.strictObject({
  title: z.string().min(1),
  where: filter,
  groupBy: z.array(z.string().min(1)),
  columns: z.array(z.string().min(1)).min(1),
  reduce: z.enum(['mean', 'min', 'max', 'last']).optional(),
  range: z.boolean().optional(),
  count: z.boolean().optional(),
});

/**
 * The schema of a {@link ReportSpec} (`report-spec.json` in a run directory).
 *
 * @example
 * ```ts
 * import { reportSpecSchema, validateConfig } from '@sparse/experiments';
 *
 * const spec = validateConfig(reportSpecSchema, { plots: [{ title: 'Loss', x: 'step', y: 'loss' }] });
 * ```
 */
export const reportSpecSchema = z.strictObject({
  title: z.string().optional(),
  text: z.array(z.string()).optional(),
  plots: z.array(plotSpec).optional(),
  tables: z.array(tableSpec).optional(),
}) as unknown as z.ZodType<ReportSpec>;

function matches(record: JsonObject, where: MetricFilter | undefined): boolean {
  if (where === undefined) return true;
  return Object.entries(where).every(([key, wanted]) => {
    const value = record[key];
    return Array.isArray(wanted) ? (wanted as readonly JsonValue[]).includes(value ?? null) : value === wanted;
  });
}

function label(value: JsonValue | undefined): string {
  return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Turns metric records into plot series as a {@link MetricPlotSpec} says: records matching
 * `where` with numeric `x` and `y` are grouped by `series` and `x`; each point is the mean, with
 * `yMin`/`yMax` when the group has more than one record (unless `spread` is `'none'`). Series
 * and points keep the order in which they first appear.
 *
 * @example
 * ```ts
 * import { metricSeries } from '@sparse/experiments';
 *
 * const series = metricSeries(
 *   [{ seed: 0, x: 1, y: 2 }, { seed: 1, x: 1, y: 4 }],
 *   { title: 'y', x: 'x', y: 'y' },
 * );
 * // [{ name: 'y', points: [{ x: 1, y: 3, yMin: 2, yMax: 4 }] }]
 * ```
 */
export function metricSeries(records: readonly JsonObject[], spec: MetricPlotSpec): PlotSeries[] {
  const groups = new Map<string, Map<number, number[]>>();
  for (const record of records) {
    if (!matches(record, spec.where)) continue;
    const x = record[spec.x];
    const y = record[spec.y];
    if (typeof x !== 'number' || typeof y !== 'number') continue;
    const name = spec.series === undefined ? spec.y : label(record[spec.series]);
    const byX = groups.get(name) ?? new Map<number, number[]>();
    groups.set(name, byX);
    const ys = byX.get(x) ?? [];
    byX.set(x, ys);
    ys.push(y);
  }
  return [...groups].map(([name, byX]) => ({
    name,
    points: [...byX].map(([x, ys]) => {
      const mean = ys.reduce((sum, value) => sum + value, 0) / ys.length;
      return ys.length > 1 && spec.spread !== 'none' ? { x, y: mean, yMin: Math.min(...ys), yMax: Math.max(...ys) } : { x, y: mean };
    }),
  }));
}

/**
 * Reduces metric records to a table as a {@link MetricTableSpec} says (for the terminal table
 * at the end of a run and for reports).
 *
 * @example
 * ```ts
 * import { formatTable, summarizeMetrics } from '@sparse/experiments';
 *
 * const table = summarizeMetrics(
 *   [{ method: 'lth', acc: 0.9 }, { method: 'lth', acc: 0.92 }],
 *   { title: 'Accuracy', groupBy: ['method'], columns: ['acc'], count: true },
 * );
 * console.log(formatTable(table)); // one row: lth, 0.91, 2
 * ```
 */
export function summarizeMetrics(records: readonly JsonObject[], spec: MetricTableSpec): Table {
  const groups = new Map<string, { keys: JsonObject; values: Map<string, number[]> }>();
  for (const record of records) {
    if (!matches(record, spec.where)) continue;
    const keys: Record<string, JsonValue> = {};
    for (const field of spec.groupBy) keys[field] = record[field] ?? null;
    const id = JSON.stringify(spec.groupBy.map((field) => keys[field]));
    const group = groups.get(id) ?? { keys, values: new Map<string, number[]>() };
    groups.set(id, group);
    for (const column of spec.columns) {
      const value = record[column];
      if (typeof value !== 'number') continue;
      const list = group.values.get(column) ?? [];
      group.values.set(column, list);
      list.push(value);
    }
  }
  const reduce = spec.reduce ?? 'mean';
  const columns: string[] = [...spec.groupBy];
  for (const column of spec.columns) {
    columns.push(column);
    if (spec.range === true) columns.push(`${column} min`, `${column} max`);
  }
  if (spec.count === true) columns.push('n');
  const rows = [...groups.values()].map((group) => {
    const row: Record<string, TableCell> = {};
    for (const field of spec.groupBy) {
      const value = group.keys[field];
      row[field] = value === null || value === undefined || typeof value === 'object' ? (value === null || value === undefined ? '' : JSON.stringify(value)) : value;
    }
    let n = 0;
    for (const column of spec.columns) {
      const values = group.values.get(column) ?? [];
      n = Math.max(n, values.length);
      if (values.length === 0) continue;
      row[column] = reduce === 'mean' ? values.reduce((sum, value) => sum + value, 0) / values.length : reduce === 'min' ? Math.min(...values) : reduce === 'max' ? Math.max(...values) : values[values.length - 1];
      if (spec.range === true) {
        row[`${column} min`] = Math.min(...values);
        row[`${column} max`] = Math.max(...values);
      }
    }
    if (spec.count === true) row['n'] = n;
    return row;
  });
  return { title: spec.title, columns, rows };
}

function flatten(value: JsonValue, prefix: string, out: Record<string, TableCell>[]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) out.push({ field: prefix, value: '{}' });
    for (const [key, inner] of entries) flatten(inner, prefix === '' ? key : `${prefix}.${key}`, out);
    return;
  }
  out.push({ field: prefix === '' ? '(root)' : prefix, value: Array.isArray(value) ? JSON.stringify(value) : (value as JsonPrimitive) });
}

const X_CANDIDATES = ['step', 'epoch', 'iteration', 'level'];

function defaultSpec(records: readonly JsonObject[]): ReportSpec {
  const numeric = new Set<string>();
  for (const record of records) for (const [key, value] of Object.entries(record)) if (typeof value === 'number') numeric.add(key);
  const x = X_CANDIDATES.find((candidate) => numeric.has(candidate));
  const ys = [...numeric].filter((key) => key !== x).slice(0, 12);
  return {
    plots: x === undefined ? [] : ys.map((y) => ({ title: `${y} by ${x}`, x, y, series: 'unit', xLabel: x, yLabel: y })),
    tables: ys.length === 0 ? [] : [{ title: 'Last value per unit', groupBy: ['unit'], columns: ys, reduce: 'last' as const }],
  };
}

/**
 * Reads the report spec a run stored (`report-spec.json`), validated; `undefined` when there is
 * none.
 *
 * @example
 * ```ts
 * import { attachRunDirectory, readReportSpec } from '@sparse/experiments';
 *
 * const spec = await readReportSpec(await attachRunDirectory('runs/demo-0123456789ab'));
 * ```
 */
export async function readReportSpec(run: RunDirectory): Promise<ReportSpec | undefined> {
  const path = run.file('report-spec.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new SparseError('E_IO', `Cannot read ${path}.`, { field: 'path', received: path }, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SparseError('E_CONFIG', `${path} is not valid JSON.`, { field: 'path', received: path }, { cause: error });
  }
  return validateConfig(reportSpecSchema, raw, path);
}

/**
 * Stores a run's report spec as `report-spec.json` (validated first, written atomically), so
 * that reports rebuilt later show the same plots and tables.
 *
 * @example
 * ```ts
 * import { openRunDirectory, writeReportSpec } from '@sparse/experiments';
 *
 * const run = await openRunDirectory({ root: 'runs', name: 'demo', config: { seed: 1 } });
 * await writeReportSpec(run, { plots: [{ title: 'Loss', x: 'step', y: 'loss', series: 'unit' }] });
 * await run.close();
 * ```
 */
export async function writeReportSpec(run: RunDirectory, spec: ReportSpec): Promise<void> {
  await writeJsonAtomic(run.file('report-spec.json'), validateConfig(reportSpecSchema, spec, 'report spec'));
}

/**
 * Builds the {@link Report} of a run from its files: the stored spec (or `spec`, or a default:
 * each numeric metric against `step`/`epoch`/`iteration`/`level` per unit, and the last values
 * per unit), the metrics in `metrics.jsonl`, and the config as a table.
 *
 * @example
 * ```ts
 * import { buildRunReport, renderHtmlReport } from '@sparse/experiments';
 *
 * const report = await buildRunReport('runs/demo-0123456789ab');
 * const html = renderHtmlReport(report);
 * ```
 */
export async function buildRunReport(run: RunDirectory | string, spec?: ReportSpec): Promise<Report> {
  const directory = typeof run === 'string' ? await attachRunDirectory(run) : run;
  const records = await readRunMetrics(directory);
  const chosen = spec === undefined ? ((await readReportSpec(directory)) ?? defaultSpec(records)) : validateConfig(reportSpecSchema, spec, 'report spec');
  const sections: ReportSection[] = [];
  const intro: ReportBlock[] = (chosen.text ?? []).map((text) => ({ kind: 'text', text }));
  if (records.length === 0) intro.push({ kind: 'text', text: 'No metrics yet: metrics.jsonl is missing or empty (the run has not finished).' });
  if (intro.length > 0) sections.push({ heading: 'Summary', blocks: intro });
  const plots = chosen.plots ?? [];
  if (plots.length > 0) {
    sections.push({
      heading: 'Plots',
      blocks: plots.map((plot) => ({
        kind: 'plot',
        title: plot.title,
        ...(plot.caption === undefined ? {} : { caption: plot.caption }),
        plot: {
          series: metricSeries(records, plot),
          xLabel: plot.xLabel ?? plot.x,
          yLabel: plot.yLabel ?? plot.y,
          ...(plot.xScale === undefined ? {} : { xScale: plot.xScale }),
          ...(plot.yScale === undefined ? {} : { yScale: plot.yScale }),
          ...(plot.reverseX === undefined ? {} : { reverseX: plot.reverseX }),
          ...(plot.spread === 'bars' ? { spread: 'bars' as const } : {}),
        },
      })),
    });
  }
  const tables = chosen.tables ?? [];
  if (tables.length > 0) sections.push({ heading: 'Tables', blocks: tables.map((table) => ({ kind: 'table', table: summarizeMetrics(records, table) })) });
  const configRows: Record<string, TableCell>[] = [];
  flatten(directory.config, '', configRows);
  sections.push({ heading: 'Config', blocks: [{ kind: 'table', table: { columns: ['field', 'value'], rows: configRows } }] });
  return { title: chosen.title ?? directory.name, subtitle: `Run ${directory.path} · config hash ${directory.hash.slice(0, 12)} · ${records.length} metric records`, sections };
}

/**
 * Writes a run's self-contained HTML report (see {@link buildRunReport} and
 * {@link renderHtmlReport}) to `out` (default `<run>/report.html`), atomically, and returns its
 * path. This is what `sparse report RUN_DIR` runs.
 *
 * @example
 * ```ts
 * import { writeRunReport } from '@sparse/experiments';
 *
 * const path = await writeRunReport('runs/demo-0123456789ab');
 * console.log(`report written to ${path}`);
 * ```
 */
export async function writeRunReport(run: RunDirectory | string, options: { readonly out?: string; readonly spec?: ReportSpec } = {}): Promise<string> {
  const directory = typeof run === 'string' ? await attachRunDirectory(run) : run;
  const report = await buildRunReport(directory, options.spec);
  const out = options.out ?? directory.file('report.html');
  await writeFileAtomic(out, renderHtmlReport(report));
  return out;
}
