import { cpus, loadavg, platform, totalmem } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SparseError } from '@sparse/core';
import { writeFileAtomic } from '../io/atomic-write.js';
import { parseJsonLines } from '../io/json-lines.js';

/**
 * The file of a run directory that holds one {@link RunTiming} line per `sparse run` that finished in it.
 *
 * @example
 * ```ts
 * import { join } from 'node:path';
 * import { RUN_TIMING_FILE } from '@sparse/experiments';
 *
 * console.log(join('.runs/lenet-quick-0123456789ab', RUN_TIMING_FILE)); // .runs/lenet-quick-0123456789ab/timing.jsonl
 * ```
 */
export const RUN_TIMING_FILE = 'timing.jsonl';

/**
 * The machine a run or an import happened on.
 *
 * @example
 * ```ts
 * import { describeThisMachine } from '@sparse/experiments';
 *
 * const machine = describeThisMachine();
 * console.log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
 * ```
 */
export interface MachineDescription {
  /** The first CPU's model name. */
  readonly cpu: string;
  /** Logical cores. */
  readonly cores: number;
  /** Memory, rounded to whole GiB. */
  readonly memoryGiB: number;
  /** `process.platform`. */
  readonly platform: string;
  /** `process.version`. */
  readonly node: string;
}

/**
 * Describes the machine this process runs on.
 *
 * @example
 * ```ts
 * import { describeThisMachine } from '@sparse/experiments';
 *
 * console.log(describeThisMachine().cores);
 * ```
 */
export function describeThisMachine(): MachineDescription {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), platform: platform(), node: process.version };
}

/**
 * The load averages (1, 5 and 15 minutes), rounded to hundredths.
 *
 * @example
 * ```ts
 * import { currentLoad } from '@sparse/experiments';
 *
 * const [oneMinute] = currentLoad();
 * console.log(`load ${oneMinute}`);
 * ```
 */
export function currentLoad(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}

/**
 * How long one `sparse run` of a config took, and on what: one line of a run directory's
 * `timing.jsonl`. A run that was interrupted and resumed has a line for the invocation that
 * finished it, with `resumed: true`; its wall time is then not the whole experiment's.
 *
 * @example
 * ```ts
 * import type { RunTiming } from '@sparse/experiments';
 *
 * declare const timing: RunTiming;
 * console.log(`${(timing.wallSeconds / 60).toFixed(1)} min at load ${timing.loadBefore[0]}–${timing.loadAfter[0]}`);
 * ```
 */
export interface RunTiming {
  /** ISO time the command started. */
  readonly startedAt: string;
  /** ISO time the run finished. */
  readonly finishedAt: string;
  /** Wall time of the command, from reading the config to the written report. */
  readonly wallSeconds: number;
  /** Whether the run directory already held part (or all) of this run. */
  readonly resumed: boolean;
  /** Load averages when it started. */
  readonly loadBefore: readonly number[];
  /** Load averages when it finished. */
  readonly loadAfter: readonly number[];
  /** The machine it ran on. */
  readonly machine: MachineDescription;
}

/**
 * Appends one timing line to a run directory's `timing.jsonl` (the whole file is rewritten
 * atomically, so a crash never leaves half a line).
 *
 * @example
 * ```ts
 * import { currentLoad, describeThisMachine, recordRunTiming } from '@sparse/experiments';
 *
 * const started = new Date();
 * // ... the run ...
 * await recordRunTiming('.runs/lenet-quick-0123456789ab', {
 *   startedAt: started.toISOString(),
 *   finishedAt: new Date().toISOString(),
 *   wallSeconds: (Date.now() - started.getTime()) / 1000,
 *   resumed: false,
 *   loadBefore: currentLoad(),
 *   loadAfter: currentLoad(),
 *   machine: describeThisMachine(),
 * });
 * ```
 */
export async function recordRunTiming(runPath: string, timing: RunTiming): Promise<void> {
  const earlier = await readTimingText(runPath);
  const text = `${earlier}${earlier === '' || earlier.endsWith('\n') ? '' : '\n'}${JSON.stringify(timing)}\n`;
  await writeFileAtomic(join(runPath, RUN_TIMING_FILE), text);
}

/**
 * Reads a run directory's timing lines, oldest first; none when it has no `timing.jsonl` (a run
 * made before runs recorded their wall time).
 *
 * @throws SparseError `E_FORMAT` when a line (other than a torn last one) is not JSON; `E_IO` when the file cannot be read.
 *
 * @example
 * ```ts
 * import { readRunTimings } from '@sparse/experiments';
 *
 * const timings = await readRunTimings('.runs/lenet-quick-0123456789ab');
 * const fresh = timings.find((timing) => !timing.resumed);
 * if (fresh !== undefined) console.log(`${fresh.wallSeconds} s`);
 * ```
 */
export async function readRunTimings(runPath: string): Promise<RunTiming[]> {
  const text = await readTimingText(runPath);
  if (text === '') return [];
  return parseJsonLines(text, join(runPath, RUN_TIMING_FILE)).records as unknown as RunTiming[];
}

async function readTimingText(runPath: string): Promise<string> {
  try {
    return await readFile(join(runPath, RUN_TIMING_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new SparseError('E_IO', `${join(runPath, RUN_TIMING_FILE)} cannot be read: ${(error as Error).message}.`, { field: 'runPath', received: runPath }, { cause: error });
  }
}
