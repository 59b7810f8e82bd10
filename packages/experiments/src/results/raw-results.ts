import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SparseError } from '@sparse/core';
import { parseJsonLines } from '../io/json-lines.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { JsonObject } from '../json.js';
import { currentLoad, describeThisMachine, readRunTimings, type MachineDescription, type RunTiming } from '../run/run-timing.js';

/**
 * Where a committed set of raw results came from: the command that made it, the config (as the
 * run directory stored it) and its hash, the machine, and when it was imported.
 *
 * @example
 * ```ts
 * import type { ResultsProvenance } from '@sparse/experiments';
 *
 * declare const provenance: ResultsProvenance;
 * console.log(`${provenance.command} on ${provenance.machine.cpu} (${provenance.machine.cores} cores)`);
 * ```
 */
export interface ResultsProvenance {
  /** The data set's name (`dst-full`): its files are `<name>.jsonl` and `<name>.provenance.json`. */
  readonly name: string;
  /** The command that ran the experiment. */
  readonly command: string;
  /** The config file, relative to the repository. */
  readonly configFile: string;
  /** The run directory's name, `<config name>-<config hash>`. */
  readonly runDirectory: string;
  /** The config as the run directory stored it (canonical). */
  readonly config: JsonObject;
  /** The machine it ran on (recorded at import, which follows the run on the same machine). */
  readonly machine: MachineDescription;
  /** Load averages (1, 5, 15 minutes) at import. */
  readonly loadAverage: readonly number[];
  /** ISO date of the import. */
  readonly importedAt: string;
  /** Training (after the validation split and `trainSize`) and test images the run used, read from the data set at import. */
  readonly counts?: { readonly train: number; readonly test: number };
  /** The run directory's `timing.jsonl` lines (wall time, load, machine of each `sparse run` that finished it); absent for runs made before runs recorded them. */
  readonly timing?: readonly RunTiming[];
}

/**
 * Copies a finished run's raw results (`results.jsonl`, one compact line per unit) into
 * `outDir/<name>.jsonl` and writes `outDir/<name>.provenance.json` beside it, both atomically.
 *
 * @throws SparseError `E_NOT_FOUND` when the run directory has no `results.jsonl` (not finished) or no `config.json`.
 *
 * @example
 * ```ts
 * import { importRunResults } from '@sparse/experiments';
 *
 * await importRunResults({
 *   runPath: '.runs/dst-full-0123456789ab',
 *   name: 'dst-full',
 *   command: 'pnpm sparse run examples/sparse-training/dst-full.json',
 *   configFile: 'examples/sparse-training/dst-full.json',
 *   outDir: 'docs/results/data',
 * });
 * ```
 */
export async function importRunResults(options: {
  readonly runPath: string;
  readonly name: string;
  readonly command: string;
  readonly configFile: string;
  readonly outDir: string;
  readonly counts?: { readonly train: number; readonly test: number };
}): Promise<ResultsProvenance> {
  const read = async (file: string): Promise<string> => {
    try {
      return await readFile(join(options.runPath, file), 'utf8');
    } catch (error) {
      throw new SparseError('E_NOT_FOUND', `${join(options.runPath, file)} cannot be read: ${(error as Error).message}. Import a finished run directory.`, { field: 'runPath', received: options.runPath }, { cause: error });
    }
  };
  const rows = await read('results.jsonl');
  const config = JSON.parse(await read('config.json')) as JsonObject;
  const timing = await readRunTimings(options.runPath);
  const provenance: ResultsProvenance = {
    name: options.name,
    command: options.command,
    configFile: options.configFile,
    runDirectory: basename(options.runPath.replace(/\/+$/, '')),
    config,
    machine: describeThisMachine(),
    loadAverage: currentLoad(),
    importedAt: new Date().toISOString(),
    ...(options.counts === undefined ? {} : { counts: options.counts }),
    ...(timing.length === 0 ? {} : { timing }),
  };
  await mkdir(options.outDir, { recursive: true });
  await writeFileAtomic(join(options.outDir, `${options.name}.jsonl`), rows.endsWith('\n') ? rows : `${rows}\n`);
  await writeFileAtomic(join(options.outDir, `${options.name}.provenance.json`), `${JSON.stringify(provenance, null, 2)}\n`);
  return provenance;
}

/**
 * Reads a committed data set: its rows (`<name>.jsonl`) and provenance.
 *
 * @throws SparseError `E_NOT_FOUND` when either file is missing.
 *
 * @example
 * ```ts
 * import { readResultsData } from '@sparse/experiments';
 *
 * const { rows, provenance } = await readResultsData('docs/results/data', 'dst-full');
 * console.log(rows.length, provenance.runDirectory);
 * ```
 */
export async function readResultsData<Row = JsonObject>(dir: string, name: string): Promise<{ readonly rows: Row[]; readonly provenance: ResultsProvenance }> {
  const read = async (file: string): Promise<string> => {
    try {
      return await readFile(join(dir, file), 'utf8');
    } catch (error) {
      throw new SparseError('E_NOT_FOUND', `${join(dir, file)} cannot be read: ${(error as Error).message}.`, { field: 'dir', received: dir }, { cause: error });
    }
  };
  const rows = parseJsonLines(await read(`${name}.jsonl`), `${name}.jsonl`).records as unknown as Row[];
  const provenance = JSON.parse(await read(`${name}.provenance.json`)) as ResultsProvenance;
  return { rows, provenance };
}
