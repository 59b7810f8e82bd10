import { availableParallelism } from 'node:os';
import type { ExperimentContext, ProgressStream } from '@sparse/experiments';
import type { PreparedRun, PreparedSweep } from './prepare-sweep.js';
import { SweepRecords, type RunStatus } from './sweep-records.js';
import { writeSweepReport } from './report/sweep-report.js';

/**
 * How a sweep ended: the sweep folder, its reports and every run's status.
 *
 * @example
 * ```ts
 * import type { SweepOutcome } from '@sparse/sweep';
 *
 * declare const outcome: SweepOutcome;
 * console.log(outcome.statuses.filter((run) => run.status === 'failed').length);
 * ```
 */
export interface SweepOutcome {
  /** The sweep folder. */
  readonly sweepPath: string;
  /** `report.html` in it. */
  readonly reportPath: string;
  /** `report.md` in it. */
  readonly markdownPath: string;
  /** Every run's status, in sweep order. */
  readonly statuses: readonly RunStatus[];
}

/**
 * Options of {@link runSweepLocally}.
 *
 * @example
 * ```ts
 * import type { RunSweepLocallyOptions } from '@sparse/sweep';
 *
 * const options: RunSweepLocallyOptions = { parallel: 2, log: (text) => process.stdout.write(text) };
 * ```
 */
export interface RunSweepLocallyOptions {
  /** Runs at a time (default: the machine's available parallelism, at most the number of runs). */
  readonly parallel?: number;
  /** Receives one line per run started, finished or failed. */
  readonly log?: (text: string) => void;
  /** Where the runs' progress bars go (default: nowhere). */
  readonly progress?: ProgressStream;
  /** Stops starting runs and cancels the running ones (they stay resumable). */
  readonly signal?: AbortSignal;
  /** Modules each worker thread imports first (tests load TypeScript sources this way). */
  readonly preload?: readonly (string | URL)[];
}

const SILENT: ProgressStream = { write: () => true, isTTY: false };

/**
 * Writes the sweep report from the records on disk and returns the outcome.
 *
 * @example
 * ```ts
 * import { SweepRecords, finishSweep, type PreparedSweep } from '@sparse/sweep';
 *
 * declare const sweep: PreparedSweep;
 * const outcome = await finishSweep(sweep, await SweepRecords.open(sweep));
 * ```
 */
export async function finishSweep(sweep: PreparedSweep, records: SweepRecords): Promise<SweepOutcome> {
  const statuses = await records.statuses();
  const { html, markdown } = await writeSweepReport({
    folder: records.path,
    runsRoot: sweep.runsRoot,
    name: sweep.loaded.sweep.name,
    spec: sweep.report,
    runs: sweep.runs.map((run, index) => ({ index: run.index, id: run.id, label: run.label, axes: run.axes, ...(run.seed === undefined ? {} : { seed: run.seed }), status: statuses[index] ?? { id: run.id, status: 'pending' } })),
  });
  return { sweepPath: records.path, reportPath: html, markdownPath: markdown, statuses };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs a prepared sweep on this machine: runs not done yet (failed ones again) go `parallel` at a
 * time, each through its kind's `run` into the run directory `sparse run` would use (each kind
 * uses its worker threads as it does for `sparse run`). A run that throws is recorded as failed
 * with its error and the others go on. Ends by writing the sweep report.
 *
 * @example
 * ```ts
 * import { loadSweepFile, prepareSweep, runSweepLocally } from '@sparse/sweep';
 *
 * const sweep = await prepareSweep({ loaded: await loadSweepFile('examples/sweeps/lth-rates-quick.json', process.cwd()), cwd: process.cwd(), runsRoot: '.runs' });
 * const outcome = await runSweepLocally(sweep, { parallel: 2 });
 * console.log(outcome.reportPath);
 * ```
 */
export async function runSweepLocally(sweep: PreparedSweep, options: RunSweepLocallyOptions = {}): Promise<SweepOutcome> {
  const log = options.log ?? (() => undefined);
  const records = await SweepRecords.open(sweep);
  const before = await records.statuses();
  const todo = sweep.runs.filter((_, index) => before[index]?.status !== 'done');
  const total = sweep.runs.length;
  let done = total - todo.length;
  log(`Sweep ${sweep.loaded.sweep.name}: ${total} runs, ${done} already done; running ${todo.length} on this machine.\n`);
  const parallel = Math.max(1, Math.min(options.parallel ?? availableParallelism(), todo.length));
  let next = 0;
  async function one(run: PreparedRun): Promise<void> {
    const context: ExperimentContext = {
      runtime: run.prepared.runtime,
      plugins: run.prepared.plugins,
      configPath: sweep.loaded.baseSource,
      cwd: sweep.cwd,
      runsRoot: sweep.runsRoot,
      log: () => undefined,
      progress: options.progress ?? SILENT,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.preload === undefined ? {} : { preload: options.preload }),
    };
    const started = performance.now();
    try {
      await run.prepared.kind.run(run.config, context);
      await records.record({ id: run.id, status: 'done' });
      done += 1;
      log(`[${done}/${total}] done ${run.id} (${run.label}) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      if (options.signal?.aborted === true) throw error;
      await records.record({ id: run.id, status: 'failed', error: errorText(error) });
      log(`failed ${run.id} (${run.label}): ${errorText(error)}\n`);
    }
  }
  async function lane(): Promise<void> {
    while (next < todo.length && options.signal?.aborted !== true) {
      const run = todo[next];
      next += 1;
      if (run !== undefined) await one(run);
    }
  }
  await Promise.all(Array.from({ length: parallel }, () => lane()));
  return finishSweep(sweep, records);
}
