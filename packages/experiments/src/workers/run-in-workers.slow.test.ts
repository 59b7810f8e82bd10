import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSparseError, type SparseError } from '@sparse/core';
import { TOY_CONFIG, allUnitIds, replicateSeed, toyUnits } from '../../test/fixtures/toy-job.js';
import { poolJobs, registerSourceAliases, toyReplicateJob } from '../../test/support/paths.js';
import { readTree, treeDifferences } from '../../test/support/tree.js';
import { openRunDirectory } from '../run/run-directory.js';
import { finalizeRun, runUnits } from '../run/run-units.js';
import { runInWorkers, type RunInWorkersOptions, type WorkerProgress } from './run-in-workers.js';

const base = { module: poolJobs, preload: [registerSourceAliases] } as const;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sparse-workers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runInWorkers', () => {
  it('runs every job in a worker thread and returns results in payload order, with progress and messages', async () => {
    const events: WorkerProgress[] = [];
    const messages: unknown[] = [];
    const options: RunInWorkersOptions<number> = {
      ...base,
      exportName: 'square',
      payloads: [1, 2, 3, 4, 5],
      concurrency: 2,
      jobName: (value) => `value-${value}`,
      onProgress: (event) => events.push(event),
      onMessage: (event) => messages.push(event),
    };
    expect(await runInWorkers<number, number>(options)).toEqual([1, 4, 9, 16, 25]);
    for (let index = 0; index < 5; index += 1) {
      const mine = events.filter((event) => event.index === index).map((event) => [event.kind, event.done, event.total]);
      expect(mine).toEqual([
        ['started', 0, 1],
        ['progress', 1, 2],
        ['progress', 2, 2],
        ['completed', 1, 1],
      ]);
    }
    expect(messages).toContainEqual({ index: 2, name: 'value-3', data: { hello: 3 } });
  });

  it('uses at most `concurrency` worker threads', async () => {
    const threads = await runInWorkers<number, number>({ ...base, exportName: 'whichThread', payloads: [30, 30, 30, 30, 30, 30], concurrency: 2 });
    const distinct = new Set(threads);
    expect(distinct.size).toBeLessThanOrEqual(2);
    expect(distinct.has(threadId)).toBe(false);
    expect(await runInWorkers({ ...base, exportName: 'square', payloads: [] })).toEqual([]);
  });

  it('reports which job failed and why, and stops the others', async () => {
    const error = await rejection(runInWorkers({ ...base, exportName: 'failOnTwo', payloads: [0, 1, 2, 3, 4, 5], concurrency: 2, jobName: (value) => `seed-${value}` }));
    expect(isSparseError(error, 'E_ARGUMENT')).toBe(true);
    expect((error as Error).message).toBe('Worker job jobs[2] ("seed-2") failed: value 2 is not allowed');
    expect((error as SparseError).details).toEqual({ field: 'jobs[2]', received: 'seed-2' });
    expect(((error as Error).cause as Error).stack).toContain('pool-jobs.ts');
    expect(((error as Error).cause as Error).name).toBe('SparseError');
  });

  it('can be cancelled, terminating jobs that ignore the signal after the grace period', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user pressed ctrl-c')), 300);
    const started = performance.now();
    const error = await rejection(runInWorkers({ ...base, exportName: 'slow', payloads: [10_000, 10_000, 10_000], concurrency: 2, signal: controller.signal }));
    expect((error as Error).message).toBe('user pressed ctrl-c');
    const stubborn = new AbortController();
    setTimeout(() => stubborn.abort(new Error('stop')), 300);
    const error2 = await rejection(runInWorkers({ ...base, exportName: 'ignoreCancel', payloads: [10_000], signal: stubborn.signal, cancelGraceMs: 100 }));
    expect((error2 as Error).message).toBe('stop');
    expect(performance.now() - started).toBeLessThan(5000);
    const already = AbortSignal.abort(new Error('too late'));
    expect(((await rejection(runInWorkers({ ...base, exportName: 'square', payloads: [1], signal: already }))) as Error).message).toBe('too late');
  });

  it('explains a missing module or export and results that cannot be sent back', async () => {
    expect(isSparseError(await rejection(runInWorkers({ ...base, module: join(dir, 'missing.js'), payloads: [1] })), 'E_NOT_FOUND')).toBe(true);
    const noExport = await rejection(runInWorkers({ ...base, exportName: 'nope', payloads: [1] }));
    expect((noExport as Error).message).toMatch(/has no exported function "nope"; its exported functions: .*square/);
    const unclonable = await rejection(runInWorkers({ ...base, exportName: 'returnsFunction', payloads: [1] }));
    expect((unclonable as Error).message).toContain('cannot be sent to the main thread');
    expect(isSparseError(await rejection(runInWorkers({ ...base, exportName: 'square', payloads: [1], concurrency: 0 })), 'E_ARGUMENT')).toBe(true);
  });

  it('runs replicates of a resumable job in parallel with the same files as a sequential run', async () => {
    const sequential = await openRunDirectory({ root: join(dir, 'sequential'), name: 'toy', config: TOY_CONFIG });
    for (let replicate = 0; replicate < TOY_CONFIG.replicates; replicate += 1) {
      await runUnits({ run: sequential, units: toyUnits(sequential, TOY_CONFIG, replicate), runSeed: replicateSeed(TOY_CONFIG, replicate), finalize: false });
    }
    await finalizeRun(sequential, allUnitIds(TOY_CONFIG));
    await sequential.close();

    const parallel = await openRunDirectory({ root: join(dir, 'parallel'), name: 'toy', config: TOY_CONFIG });
    const executed = await runInWorkers<{ path: string; replicate: number }, string[]>({
      ...base,
      module: toyReplicateJob,
      exportName: 'toyReplicate',
      payloads: Array.from({ length: TOY_CONFIG.replicates }, (_, replicate) => ({ path: parallel.path, replicate })),
      concurrency: 2,
    });
    expect(executed.flat()).toEqual(allUnitIds(TOY_CONFIG));
    await finalizeRun(parallel, allUnitIds(TOY_CONFIG));
    await parallel.close();
    expect(treeDifferences(await readTree(sequential.path), await readTree(parallel.path))).toEqual([]);
  });
});
