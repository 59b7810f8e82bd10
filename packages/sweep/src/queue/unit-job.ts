import type { ResultManifest } from './result-transfer.js';

/**
 * The BullMQ queue every sweep's units go to (any worker runs any sweep's unit).
 *
 * @example
 * ```ts
 * import { UNIT_QUEUE } from '@sparse/sweep';
 *
 * console.log(UNIT_QUEUE); // sparse-units
 * ```
 */
export const UNIT_QUEUE = 'sparse-units';

/**
 * A unit of a queued sweep: one run (one replicate: one expanded config with one seed). The job
 * id is the run directory name (`<name>-<config hash>`), so enqueuing a unit twice is a no-op.
 *
 * @example
 * ```ts
 * import type { UnitJobData } from '@sparse/sweep';
 *
 * const data: UnitJobData = { sweep: 'rates', id: 'tiny-4e2179dd905a', label: 'seed=0', config: { kind: 'lth' }, source: '/work/sweep.json', cwd: '/work' };
 * ```
 */
export interface UnitJobData {
  /** The sweep that enqueued it (for logs). */
  readonly sweep: string;
  /** The run directory name; also the job id. */
  readonly id: string;
  /** The grid values and seed. */
  readonly label: string;
  /** The validated config, checked again by the worker. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The base config's file: relative plugin and data paths resolve against its folder. */
  readonly source: string;
  /** The coordinator's working directory. */
  readonly cwd: string;
}

/**
 * What a worker returns for a unit: where its run directory's files wait in Redis, and timings.
 *
 * @example
 * ```ts
 * import type { UnitJobResult } from '@sparse/sweep';
 *
 * declare const result: UnitJobResult;
 * console.log(result.worker, result.manifest.files.length, result.runMs);
 * ```
 */
export interface UnitJobResult {
  readonly id: string;
  /** The worker's name. */
  readonly worker: string;
  readonly manifest: ResultManifest;
  /** Milliseconds the run took on the worker. */
  readonly runMs: number;
  /** Milliseconds the upload of its files took. */
  readonly uploadMs: number;
}

/**
 * How a unit's job is retried: `attempts` tries with exponential backoff from `backoffMs`; jobs stay
 * in Redis until the coordinator has assembled (or recorded the failure of) their run.
 *
 * @example
 * ```ts
 * import { unitJobOptions } from '@sparse/sweep';
 *
 * console.log(unitJobOptions('tiny-4e2179dd905a', 3, 1000).attempts); // 3
 * ```
 */
export function unitJobOptions(id: string, attempts: number, backoffMs: number): { jobId: string; attempts: number; backoff: { type: 'exponential'; delay: number }; removeOnComplete: false; removeOnFail: false } {
  return { jobId: id, attempts, backoff: { type: 'exponential', delay: backoffMs }, removeOnComplete: false, removeOnFail: false };
}
