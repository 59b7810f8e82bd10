import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { SparseError, configErrorFromIssues, optionIssuesFromZod } from '@sparse/core';
import { readConfigFile } from '@sparse/experiments';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const PATH = /^[A-Za-z_$][A-Za-z0-9_$-]*(\.([A-Za-z_$][A-Za-z0-9_$-]*|[0-9]+))*$/;

/**
 * The most runs one sweep may expand to.
 *
 * @example
 * ```ts
 * import { MAX_SWEEP_RUNS } from '@sparse/sweep';
 *
 * console.log(MAX_SWEEP_RUNS); // 10000
 * ```
 */
export const MAX_SWEEP_RUNS = 10_000;

const jsonValue: z.ZodType<unknown> = z.json();

/**
 * What the sweep report shows of each run: which records of the run's `summary.json` are its
 * results (`rows`, a field path to an array of objects, filtered by `where`), which of their fields
 * are the headline metrics of the table (the last matching record's), and which two fields the plot
 * draws (one series per combination of grid values, mean over seeds). The `lth` kind has defaults.
 *
 * @example
 * ```ts
 * import { sweepReportSchema } from '@sparse/sweep';
 *
 * sweepReportSchema.parse({ rows: 'summaries', where: { branch: 'ticket' }, metrics: ['testAccuracyAtEarlyStop'], x: 'remaining', y: 'testAccuracyAtEarlyStop' });
 * ```
 */
export const sweepReportSchema = z.strictObject({
  rows: z.string().regex(PATH).default('summaries').meta({ description: 'Field path in summary.json to the array of result records.' }),
  where: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).default({}).meta({ description: 'Keep the records whose fields equal these values.' }),
  metrics: z.array(z.string().regex(PATH)).max(20).default([]).meta({ description: 'Headline metrics: fields of the last kept record shown per run.' }),
  x: z.string().regex(PATH).optional().meta({ description: 'The plot\'s x field (e.g. remaining).' }),
  y: z.string().regex(PATH).optional().meta({ description: 'The plot\'s y field (e.g. testAccuracyAtEarlyStop).' }),
  xScale: z.union([z.literal('linear'), z.literal('log')]).default('log').meta({ description: 'The plot\'s x scale.' }),
});

/**
 * A sweep file: a base experiment config of any kind (inline, or a path relative to the sweep
 * file), a `grid` of field paths (`"rates.default"`, `"model.layerSizes.1"`) to the values each
 * takes, and optional `seeds` (each run gets one). Runs are the product of the grid's axes (in the
 * order written) and the seeds; `seedField` names the config field seeds go to (default: `seeds`
 * as a one-element list when the base has `seeds`, else `seed`).
 *
 * @example
 * ```ts
 * import { sweepConfigSchema } from '@sparse/sweep';
 *
 * const sweep = sweepConfigSchema.parse({ name: 'rates', base: '../lth/lenet-fashion-mnist-quick.json', grid: { 'rates.default': [0.2, 0.5] }, seeds: [0, 1] });
 * console.log(Object.keys(sweep.grid)); // ['rates.default']
 * ```
 */
export const sweepConfigSchema = z.strictObject({
  $schema: z.string().max(4096).optional(),
  name: z.string().regex(NAME, 'use 1 to 100 letters, digits, ., _ or -, starting with a letter or digit').meta({ description: 'The sweep\'s name (its report folder is <runs>/<name>.sweep-<hash>).' }),
  base: z.union([z.string().min(1).max(4096), z.looseObject({ kind: z.string().min(1) })]).meta({ description: 'The base experiment config, or its path relative to the sweep file.' }),
  grid: z.record(z.string().regex(PATH, 'use a dot-separated field path such as "rates.default" or "model.layerSizes.1"'), z.array(jsonValue).min(1).max(1000)).default({}),
  seeds: z.array(z.number().int().min(0).max(2 ** 32 - 1)).min(1).max(1000).optional(),
  seedField: z.string().regex(PATH).optional(),
  report: sweepReportSchema.optional(),
});

/**
 * A parsed sweep file (defaults filled in).
 *
 * @example
 * ```ts
 * import type { SweepConfig } from '@sparse/sweep';
 *
 * const sweep: SweepConfig = { name: 's', base: { kind: 'lth' }, grid: {} };
 * ```
 */
export type SweepConfig = z.output<typeof sweepConfigSchema>;

/**
 * The report settings of a sweep (defaults filled in).
 *
 * @example
 * ```ts
 * import type { SweepReportSpec } from '@sparse/sweep';
 *
 * const spec: SweepReportSpec = { rows: 'summaries', where: {}, metrics: [], xScale: 'log' };
 * ```
 */
export type SweepReportSpec = z.output<typeof sweepReportSchema>;

/**
 * A sweep file as read: the parsed sweep, its base config object and the file each came from.
 *
 * @example
 * ```ts
 * import type { LoadedSweep } from '@sparse/sweep';
 *
 * declare const loaded: LoadedSweep;
 * console.log(loaded.sweep.name, loaded.baseSource);
 * ```
 */
export interface LoadedSweep {
  /** The sweep file, parsed. */
  readonly sweep: SweepConfig;
  /** The base experiment config (read from its file when `base` is a path). */
  readonly base: Readonly<Record<string, unknown>>;
  /** The file the base config's relative paths (plugins, data) are resolved against. */
  readonly baseSource: string;
  /** The sweep file (absolute), when there is one. */
  readonly source?: string;
}

/**
 * Checks a sweep object against {@link sweepConfigSchema}, and reads its base config when `base`
 * is a path (relative to `source`'s folder, or `cwd`).
 *
 * @throws SparseError `E_CONFIG` naming the field, `E_IO` for an unreadable base config.
 *
 * @example
 * ```ts
 * import { parseSweep } from '@sparse/sweep';
 *
 * const loaded = await parseSweep({ name: 's', base: { kind: 'lth', name: 'x' }, grid: { scorer: ['magnitude', 'random'] } }, process.cwd());
 * console.log(loaded.base['kind']); // 'lth'
 * ```
 */
export async function parseSweep(raw: unknown, cwd: string, source?: string): Promise<LoadedSweep> {
  const result = sweepConfigSchema.safeParse(raw);
  if (!result.success) throw configErrorFromIssues(optionIssuesFromZod(result.error.issues, raw, [], sweepConfigSchema), source);
  const sweep = result.data;
  const folder = source === undefined ? cwd : dirname(source);
  if (typeof sweep.base === 'string') {
    const baseSource = resolve(folder, sweep.base);
    let base: unknown;
    try {
      base = await readConfigFile(baseSource);
    } catch (error) {
      throw new SparseError('E_CONFIG', `base: cannot read the base config ${baseSource}: ${error instanceof Error ? error.message : String(error)}`, { field: 'base', received: sweep.base }, { cause: error });
    }
    if (typeof base !== 'object' || base === null || Array.isArray(base)) {
      throw new SparseError('E_CONFIG', `base: ${baseSource} does not hold a config object.`, { field: 'base', received: sweep.base });
    }
    return { sweep, base: base as Record<string, unknown>, baseSource, ...(source === undefined ? {} : { source }) };
  }
  return { sweep, base: sweep.base, baseSource: source ?? resolve(cwd, 'sweep.json'), ...(source === undefined ? {} : { source }) };
}

/**
 * Reads a sweep file (JSON, a UTF-8 BOM allowed) and its base config.
 *
 * @throws SparseError `E_IO` (unreadable), `E_CONFIG` (a field).
 *
 * @example
 * ```ts
 * import { loadSweepFile } from '@sparse/sweep';
 *
 * const loaded = await loadSweepFile('examples/sweeps/lth-rates-quick.json', process.cwd());
 * console.log(loaded.sweep.name);
 * ```
 */
export async function loadSweepFile(path: string, cwd: string): Promise<LoadedSweep> {
  const source = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    throw new SparseError('E_IO', `Cannot read the sweep file ${source}: ${error instanceof Error ? error.message : String(error)}.`, { field: 'path', received: path }, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    throw new SparseError('E_CONFIG', `The sweep file ${source} is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`, { field: 'path', received: path }, { cause: error });
  }
  return parseSweep(raw, cwd, source);
}
