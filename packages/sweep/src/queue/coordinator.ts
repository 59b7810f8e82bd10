import { join } from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { PreparedRun, PreparedSweep } from '../prepare-sweep.js';
import { finishSweep, type SweepOutcome } from '../run-local.js';
import { SweepRecords } from '../sweep-records.js';
import { WorkerTally } from './worker-tally.js';
import { connectRedis, type QueueAddress } from './redis-url.js';
import { assembleRunDirectory, deleteUpload } from './result-transfer.js';
import { UNIT_QUEUE, unitJobOptions, type UnitJobData, type UnitJobResult } from './unit-job.js';

/**
 * Options of {@link runSweepOnQueue}.
 *
 * @example
 * ```ts
 * import { parseQueueUrl, type RunSweepOnQueueOptions } from '@sparse/sweep';
 *
 * const options: RunSweepOnQueueOptions = { address: parseQueueUrl('redis://127.0.0.1:6379/0'), attempts: 3 };
 * ```
 */
export interface RunSweepOnQueueOptions {
  readonly address: QueueAddress;
  /** Tries per unit before it is reported failed (default 3). */
  readonly attempts?: number;
  /** First retry delay in ms, doubled each retry (default 2000). */
  readonly backoffMs?: number;
  /** Longest wait between two looks at the queue when no event arrives (default 1000 ms). */
  readonly pollMs?: number;
  /** Receives enqueue, done, failed and per-worker progress lines. */
  readonly log?: (text: string) => void;
  /** Stops waiting (queued units stay queued; run the sweep again to resume). */
  readonly signal?: AbortSignal;
}

/**
 * Timings of the queue's own work, for the overhead figures.
 *
 * @example
 * ```ts
 * import type { QueueTimings } from '@sparse/sweep';
 *
 * declare const timings: QueueTimings;
 * console.log(timings.enqueueMs, timings.units.length);
 * ```
 */
export interface QueueTimings {
  /** Milliseconds to enqueue every unit. */
  readonly enqueueMs: number;
  /** Per assembled unit: the worker's run and upload times and the coordinator's assembly time. */
  readonly units: readonly { readonly id: string; readonly runMs: number; readonly uploadMs: number; readonly assembleMs: number }[];
}

function unitData(sweep: PreparedSweep, run: PreparedRun): UnitJobData {
  return { sweep: sweep.loaded.sweep.name, id: run.id, label: run.label, config: run.config, source: sweep.loaded.baseSource, cwd: sweep.cwd };
}

/**
 * Runs a prepared sweep through BullMQ: enqueues every run not done yet as a unit whose job id is
 * its run directory name (enqueuing again is a no-op, so a restarted coordinator adds nothing
 * twice), then watches the queue (QueueEvents, and a look every `pollMs`) until every unit is
 * done or failed: a completed unit's files are assembled from Redis into its run directory,
 * recorded, and its job and chunks deleted; a unit that failed every attempt is recorded with its
 * error while the others go on; a unit Redis lost (a restart without persistence) is enqueued
 * again. Progress lines give units done / running / failed per worker. Ends with the sweep report.
 *
 * @example
 * ```ts
 * import { loadSweepFile, parseQueueUrl, prepareSweep, runSweepOnQueue } from '@sparse/sweep';
 *
 * const sweep = await prepareSweep({ loaded: await loadSweepFile('examples/sweeps/lth-rates-quick.json', process.cwd()), cwd: process.cwd(), runsRoot: '.runs' });
 * const { outcome } = await runSweepOnQueue(sweep, { address: parseQueueUrl('redis://127.0.0.1:6379/0') });
 * console.log(outcome.reportPath);
 * ```
 */
export async function runSweepOnQueue(sweep: PreparedSweep, options: RunSweepOnQueueOptions): Promise<{ outcome: SweepOutcome; timings: QueueTimings }> {
  const log = options.log ?? (() => undefined);
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 2000;
  const pollMs = options.pollMs ?? 1000;
  const records = await SweepRecords.open(sweep);
  const before = await records.statuses();
  const pending = new Map(sweep.runs.filter((_, index) => before[index]?.status !== 'done').map((run) => [run.id, run]));
  const total = sweep.runs.length;
  log(`Sweep ${sweep.loaded.sweep.name}: ${total} runs, ${total - pending.size} already done; ${pending.size} units to ${options.address.host}:${options.address.port}/${options.address.db} (queue ${UNIT_QUEUE}).\n`);
  const connection = connectRedis(options.address);
  const eventsConnection = connectRedis(options.address);
  const blobs = connectRedis(options.address);
  const queue = new Queue<UnitJobData, UnitJobResult>(UNIT_QUEUE, { connection });
  const events = new QueueEvents(UNIT_QUEUE, { connection: eventsConnection });
  let wake: (() => void) | undefined;
  const poke = (): void => wake?.();
  for (const event of ['completed', 'failed', 'active', 'stalled', 'waiting'] as const) events.on(event, poke);
  // While Redis is away, BullMQ reports connection errors; say so once every 10 s, then wait.
  let lastError = 0;
  const onError = (error: Error): void => {
    if (Date.now() - lastError < 10_000) return;
    lastError = Date.now();
    log(`Redis: ${error.message}; waiting for it to come back\n`);
  };
  queue.on('error', onError);
  events.on('error', onError);
  options.signal?.addEventListener('abort', poke);
  const tally = new WorkerTally();
  const units: { id: string; runMs: number; uploadMs: number; assembleMs: number }[] = [];
  let done = total - pending.size;
  let failed = 0;
  try {
    const enqueueStart = performance.now();
    const fresh: PreparedRun[] = [];
    for (const run of pending.values()) {
      const job = await queue.getJob(run.id);
      if (job === undefined) fresh.push(run);
      else if ((await job.getState()) === 'failed') await job.retry('failed');
    }
    await queue.addBulk(fresh.map((run) => ({ name: 'unit', data: unitData(sweep, run), opts: unitJobOptions(run.id, attempts, backoffMs) })));
    const enqueueMs = performance.now() - enqueueStart;
    let lastLine = '';
    while (pending.size > 0 && options.signal?.aborted !== true) {
      const running = new Map<string, string>();
      for (const run of [...pending.values()]) {
        const job = (await queue.getJob(run.id)) as Job<UnitJobData, UnitJobResult> | undefined;
        if (job === undefined) {
          log(`re-enqueued ${run.id}: Redis no longer had it (restarted without persistence?)\n`);
          await queue.add('unit', unitData(sweep, run), unitJobOptions(run.id, attempts, backoffMs));
          continue;
        }
        const state = await job.getState();
        // The job was read before its state: when it has just finished, read it again so its
        // result, attempts and reason are the final ones (not those of a retry still pending).
        const final = state === 'completed' || state === 'failed' ? (((await queue.getJob(run.id)) as Job<UnitJobData, UnitJobResult> | undefined) ?? job) : job;
        if (state === 'completed') {
          const result = final.returnvalue;
          const start = performance.now();
          try {
            await assembleRunDirectory(blobs, result.manifest, join(sweep.runsRoot, run.id));
          } catch (error) {
            log(`${error instanceof Error ? error.message : String(error)}\n`);
            await job.remove();
            continue;
          }
          await records.record({ id: run.id, status: 'done' });
          units.push({ id: run.id, runMs: result.runMs, uploadMs: result.uploadMs, assembleMs: performance.now() - start });
          await deleteUpload(blobs, result.manifest);
          await job.remove();
          pending.delete(run.id);
          done += 1;
          tally.finished(result.worker, 'done');
          log(`[${done}/${total}] done ${run.id} (${run.label}) by ${result.worker}\n`);
        } else if (state === 'failed') {
          const reason = final.failedReason === '' ? 'unknown error' : final.failedReason;
          await records.record({ id: run.id, status: 'failed', error: reason });
          await final.remove();
          pending.delete(run.id);
          failed += 1;
          tally.finished(final.processedBy ?? 'unknown', 'failed');
          log(`failed ${run.id} (${run.label}) after ${final.attemptsMade} attempts: ${reason}\n`);
        } else if (state === 'active') {
          const progress = job.progress as { worker?: unknown } | undefined;
          running.set(run.id, job.processedBy ?? (typeof progress?.worker === 'string' ? progress.worker : 'unknown'));
        }
      }
      const line = tally.line(running, { done, failed, total });
      if (line !== lastLine) {
        log(`${line}\n`);
        lastLine = line;
      }
      if (pending.size === 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    if (options.signal?.aborted === true) log(`stopped: ${pending.size} units stay queued; run the same sweep again to collect them.\n`);
    return { outcome: await finishSweep(sweep, records), timings: { enqueueMs, units } };
  } finally {
    await events.close();
    await queue.close();
    connection.disconnect();
    eventsConnection.disconnect();
    blobs.disconnect();
  }
}
