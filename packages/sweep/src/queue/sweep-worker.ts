import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import {
  prepareExperiment,
  runDirectoryName,
  type BuiltInPlugin,
  type ExperimentContext,
  type PluginSpec,
} from '@sparse/experiments';
import { connectRedis, type QueueAddress } from './redis-url.js';
import { uploadRunDirectory } from './result-transfer.js';
import { UNIT_QUEUE, type UnitJobData, type UnitJobResult } from './unit-job.js';

/**
 * Options of {@link startSweepWorker}.
 *
 * @example
 * ```ts
 * import { parseQueueUrl, type SweepWorkerOptions } from '@sparse/sweep';
 *
 * const options: SweepWorkerOptions = { address: parseQueueUrl('redis://127.0.0.1:6379/0') };
 * ```
 */
export interface SweepWorkerOptions {
  readonly address: QueueAddress;
  /** The worker's name in progress lines (default `<host>-<pid>`). */
  readonly name?: string;
  /** Where units run before their files are sent (default `<tmp>/sparse-worker`). */
  readonly scratch?: string;
  /** Plugins every config gets (the command's). */
  readonly builtIns?: readonly BuiltInPlugin[];
  /** More plugins (`--plugin SPEC`). */
  readonly extraPlugins?: readonly PluginSpec[];
  /**
   * Milliseconds a unit's lock lasts without renewal (default 30 000): a killed worker's unit goes
   * back to the queue after about this long (BullMQ's stalled-job check).
   */
  readonly lockMs?: number;
  /** Receives one line per unit started, done or failed. */
  readonly log?: (text: string) => void;
  /** Modules each worker thread imports first (tests load TypeScript sources this way). */
  readonly preload?: readonly (string | URL)[];
}

/**
 * A running sweep worker.
 *
 * @example
 * ```ts
 * import type { SweepWorkerHandle } from '@sparse/sweep';
 *
 * declare const worker: SweepWorkerHandle;
 * await worker.close(); // after the unit in hand
 * ```
 */
export interface SweepWorkerHandle {
  readonly name: string;
  /** Stops taking units, waits for the one in hand, disconnects. */
  close(): Promise<void>;
}

const SILENT = { write: () => true, isTTY: false };

/**
 * Starts a BullMQ worker on the units queue: one unit at a time, each checked again against its
 * kind, run with the kind's `run` in a scratch runs root, then its run directory's files sent to
 * Redis in chunks for the coordinator to assemble. BullMQ renews the unit's lock while it runs; a
 * killed worker's unit is found stalled by the other workers and run again. Errors are retried
 * with the job's attempts and backoff; a config a worker cannot reproduce (another code version:
 * different run directory name) is not retried.
 *
 * @example
 * ```ts
 * import { parseQueueUrl, startSweepWorker } from '@sparse/sweep';
 *
 * const worker = startSweepWorker({ address: parseQueueUrl('redis://127.0.0.1:6379/0'), log: (text) => process.stdout.write(text) });
 * process.on('SIGTERM', () => void worker.close());
 * ```
 */
export function startSweepWorker(options: SweepWorkerOptions): SweepWorkerHandle {
  const name = options.name ?? `${hostname()}-${process.pid}`;
  const log = options.log ?? (() => undefined);
  const scratch = resolve(options.scratch ?? join(tmpdir(), 'sparse-worker'), 'runs');
  const lockMs = options.lockMs ?? 30_000;
  const blobs = connectRedis(options.address);
  const connection = connectRedis(options.address);
  const processor = async (job: Job<UnitJobData, UnitJobResult>): Promise<UnitJobResult> => {
    const { data } = job;
    log(`${name}: start ${data.id} (${data.sweep}: ${data.label}), attempt ${job.attemptsMade + 1}\n`);
    await job.updateProgress({ worker: name });
    const started = performance.now();
    const prepared = await prepareExperiment({
      raw: data.config,
      source: data.source,
      cwd: data.cwd,
      ...(options.builtIns === undefined ? {} : { builtIns: options.builtIns }),
      ...(options.extraPlugins === undefined ? {} : { extraPlugins: options.extraPlugins }),
    });
    const id = runDirectoryName(String(prepared.config['name']), prepared.config);
    if (id !== data.id) throw new UnrecoverableError(`This worker makes the run directory ${id} of unit ${data.id}: it runs another version of @sparse or other plugins than the coordinator.`);
    const context: ExperimentContext = {
      runtime: prepared.runtime,
      plugins: prepared.plugins,
      configPath: data.source,
      cwd: data.cwd,
      runsRoot: scratch,
      log: () => undefined,
      progress: SILENT,
      ...(options.preload === undefined ? {} : { preload: options.preload }),
    };
    await prepared.kind.check?.(prepared.config, context);
    await prepared.kind.run(prepared.config, context);
    const runMs = performance.now() - started;
    const uploadStart = performance.now();
    const manifest = await uploadRunDirectory(blobs, join(scratch, id), `sparse-result:${id}:${randomUUID()}`);
    const uploadMs = performance.now() - uploadStart;
    await rm(join(scratch, id), { recursive: true, force: true });
    return { id, worker: name, manifest, runMs, uploadMs };
  };
  const worker = new Worker<UnitJobData, UnitJobResult>(UNIT_QUEUE, processor, {
    connection,
    name,
    concurrency: 1,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 3,
  });
  worker.on('completed', (job, result) => log(`${name}: done ${job.data.id} (run ${(result.runMs / 1000).toFixed(1)} s, upload ${result.uploadMs.toFixed(0)} ms)\n`));
  worker.on('failed', (job, error) => log(`${name}: failed ${job?.data.id ?? '?'} (attempt ${job?.attemptsMade ?? '?'}): ${error.message}\n`));
  let lastError = 0;
  worker.on('error', (error) => {
    // Connection errors repeat while Redis is away: one line every 10 s.
    if (Date.now() - lastError < 10_000) return;
    lastError = Date.now();
    log(`${name}: ${error.message}\n`);
  });
  return {
    name,
    async close(): Promise<void> {
      await worker.close();
      connection.disconnect();
      blobs.disconnect();
    },
  };
}
