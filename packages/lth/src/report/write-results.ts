import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SparseError } from '@sparse/core';
import { attachRunDirectory, writeMarkdownReport } from '@sparse/experiments';
import type { LthExperimentConfig } from '../experiment/config.js';
import type { UnitSummary } from '../experiment/replicate-job.js';
import { buildLthReport } from './lth-report.js';

async function unitRecords(folder: string): Promise<UnitSummary[]> {
  const out: UnitSummary[] = [];
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await unitRecords(path)));
    else if (entry.name.endsWith('.json') && !entry.name.startsWith('.')) {
      const text = await readFile(path, 'utf8').catch(() => undefined);
      let record: { format?: string; output?: UnitSummary } | undefined;
      try {
        record = text === undefined ? undefined : (JSON.parse(text) as typeof record);
      } catch {
        record = undefined; // a unit being written right now; the next read sees it
      }
      if (record?.format === 'sparse-unit' && record.output !== undefined && record.output.branch !== 'instability') out.push(record.output);
    }
  }
  return out;
}

/**
 * Reads the training runs' summaries of a lottery-ticket run directory (instability units left
 * out): from `results.json` when the run finished, else (with `partial`) from the completion
 * records of the units done so far.
 *
 * @throws SparseError `E_NOT_FOUND` when the run has not finished and `partial` is not set.
 *
 * @example
 * ```ts
 * import { readLthSummaries } from '@sparse/lth';
 *
 * const { summaries, finished } = await readLthSummaries('.runs/lenet-fashion-mnist-full-af80039a98df', { partial: true });
 * ```
 */
export async function readLthSummaries(runPath: string, options: { readonly partial?: boolean } = {}): Promise<{ summaries: UnitSummary[]; finished: boolean }> {
  const run = await attachRunDirectory(runPath);
  const results = await readFile(run.file('results.json'), 'utf8').catch(() => undefined);
  if (results !== undefined) {
    const parsed = JSON.parse(results) as { units: { output: UnitSummary }[] };
    return { summaries: parsed.units.map((unit) => unit.output).filter((output) => output.branch !== 'instability'), finished: true };
  }
  if (options.partial !== true) {
    throw new SparseError('E_NOT_FOUND', `${run.path} has no results.json: the run has not finished. Resume it, or pass partial to report the units done so far.`, { field: 'runPath', received: runPath });
  }
  const summaries = (await unitRecords(run.file('units'))).sort((a, b) => a.seed - b.seed || a.level - b.level || a.branch.localeCompare(b.branch));
  return { summaries, finished: false };
}

/**
 * Writes the Markdown results page of a lottery-ticket run and its SVG plots next to it: setup,
 * findings, accuracy at early stop and early-stopping iteration vs. percent of weights remaining,
 * and the results table. `sparse run` writes it as `results.md` in the run directory (also with
 * `partial`, for a run still going); the pages under `docs/results/lth-*.md` come instead from
 * committed raw results (`renderLthPage`, `pnpm results:lth`). The run's `config.json` is
 * read as written by the `lth` kind (already validated), so runs made with plugins need none loaded.
 *
 * @returns the paths written.
 *
 * @example
 * ```ts
 * import { writeLthResults } from '@sparse/lth';
 *
 * await writeLthResults('.runs/lenet-fashion-mnist-full-af80039a98df', '/tmp/lth-partial.md', { partial: true });
 * ```
 */
export async function writeLthResults(runPath: string, outPath: string, options: { readonly partial?: boolean; readonly notes?: readonly string[] } = {}): Promise<string[]> {
  const run = await attachRunDirectory(runPath);
  const config = run.config as unknown as LthExperimentConfig;
  const { summaries, finished } = await readLthSummaries(runPath, options);
  const seeds = [...new Set(summaries.map((s) => s.seed))].length;
  const notes = [
    ...(finished ? [] : [`Partial results: ${summaries.length} of the planned training runs had finished when this page was written; the run is resumable.`]),
    `Run directory: ${run.name}-${run.hash.slice(0, 12)} (config hash ${run.hash.slice(0, 12)}), ${summaries.length} training runs over ${seeds} seed(s); raw results: results.jsonl in the run directory (written when the run finishes). Pages under docs/results come from committed raw results: pnpm results:lth import <run directory> --name NAME --config CONFIG_FILE, then pnpm results:lth render.`,
    ...(options.notes ?? []),
  ];
  return writeMarkdownReport(outPath, buildLthReport(config, summaries, notes));
}
