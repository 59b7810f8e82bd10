import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '@sparse/experiments';
import type { PreparedSweep } from './prepare-sweep.js';

/**
 * Where a run of a sweep stands: `done` (its run directory is complete), `failed` (with the
 * error of its last attempt) or `pending` (not run yet, or running).
 *
 * @example
 * ```ts
 * import type { RunStatus } from '@sparse/sweep';
 *
 * const status: RunStatus = { id: 'lenet-4e2179dd905a', status: 'failed', error: 'out of memory' };
 * ```
 */
export interface RunStatus {
  /** The run directory name. */
  readonly id: string;
  /** Where it stands. */
  readonly status: 'done' | 'failed' | 'pending';
  /** The last attempt's error, for a failed run. */
  readonly error?: string;
}

/**
 * The sweep's own folder, `<runs>/<name>.sweep-<hash>`: `sweep.json` (the runs and their grid
 * values), `status/<run>.json` (one record per finished or failed run, written after the run
 * directory is complete) and the sweep reports. The run directories themselves are the truth a
 * restarted sweep resumes from: a run counts as done when its record says so and its directory
 * exists.
 *
 * @example
 * ```ts
 * import { SweepRecords, type PreparedSweep } from '@sparse/sweep';
 *
 * declare const sweep: PreparedSweep;
 * const records = await SweepRecords.open(sweep);
 * console.log((await records.statuses()).filter((run) => run.status === 'done').length);
 * ```
 */
export class SweepRecords {
  /** The sweep folder (absolute). */
  readonly path: string;
  readonly #sweep: PreparedSweep;

  private constructor(sweep: PreparedSweep) {
    this.#sweep = sweep;
    this.path = join(sweep.runsRoot, sweep.id);
  }

  /** Creates the sweep folder and writes `sweep.json` (the same bytes every time for one sweep). */
  static async open(sweep: PreparedSweep): Promise<SweepRecords> {
    const records = new SweepRecords(sweep);
    await mkdir(join(records.path, 'status'), { recursive: true });
    await writeJsonAtomic(join(records.path, 'sweep.json'), {
      format: 'sparse-sweep',
      version: 1,
      name: sweep.loaded.sweep.name,
      report: sweep.report,
      runs: sweep.runs.map((run) => ({ index: run.index, id: run.id, label: run.label, axes: run.axes, ...(run.seed === undefined ? {} : { seed: run.seed }) })),
    } as never);
    return records;
  }

  /** Records a run as done (after its run directory is complete) or failed. */
  async record(status: RunStatus): Promise<void> {
    await writeJsonAtomic(join(this.path, 'status', `${status.id}.json`), { id: status.id, status: status.status, ...(status.error === undefined ? {} : { error: status.error }) } as never);
  }

  /** Every run's status, in sweep order; a `done` record whose run directory is gone is `pending`. */
  async statuses(): Promise<RunStatus[]> {
    return Promise.all(this.#sweep.runs.map(async (run) => {
      const text = await readFile(join(this.path, 'status', `${run.id}.json`), 'utf8').catch(() => undefined);
      const parsed = text === undefined ? undefined : (JSON.parse(text) as Partial<RunStatus>);
      if (parsed?.status === 'done') {
        const present = await access(join(this.#sweep.runsRoot, run.id, 'run.json')).then(() => true, () => false);
        return present ? { id: run.id, status: 'done' } : { id: run.id, status: 'pending' };
      }
      if (parsed?.status === 'failed') return { id: run.id, status: 'failed', error: String(parsed.error ?? 'unknown error') };
      return { id: run.id, status: 'pending' };
    }));
  }
}
