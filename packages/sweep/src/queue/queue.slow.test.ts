/**
 * The queue with a real redis-server (second tier): a unit that always throws is reported while
 * the others finish, and a Redis restart in the middle of a sweep (SIGKILL, no persistence: Redis
 * comes back empty) loses no finished unit, and the sweep still ends equal, file for file, to the
 * same sweep run locally. Workers run in this process here; kill-worker.slow.test.ts kills worker
 * processes.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTree, treeDifferences } from '../../test/support/tree.js';
import { RedisServer, redisServerBinary } from '../../test/support/redis.js';
import { loadSweepFile } from '../sweep-config.js';
import { prepareSweep, type PreparedSweep } from '../prepare-sweep.js';
import { runSweepLocally } from '../run-local.js';
import { runSweepOnQueue } from './coordinator.js';
import { connectRedis, parseQueueUrl } from './redis-url.js';
import { assembleRunDirectory, deleteUpload, uploadRunDirectory } from './result-transfer.js';
import { startSweepWorker } from './sweep-worker.js';

const binary = redisServerBinary();
const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
let dir: string;
let redis: RedisServer;

async function prepare(name: string, sweep: Record<string, unknown>, runs: string): Promise<PreparedSweep> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(sweep));
  return prepareSweep({ loaded: await loadSweepFile(path, dir), cwd: dir, runsRoot: join(dir, runs) });
}

const base = { kind: 'toy', name: 'toy', plugins: ['./toy-kind.mjs'], backend: 'cpu', seed: 0, value: 1 };

describe.skipIf(binary === undefined)(binary === undefined ? 'sweeps on BullMQ (skipped: redis-server is not installed; apt-get install redis-server)' : 'sweeps on BullMQ with a real redis-server', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sparse-queue-'));
    await copyFile(join(fixtures, 'toy-kind.mjs'), join(dir, 'toy-kind.mjs'));
    redis = await RedisServer.start(binary ?? 'redis-server');
  });
  afterAll(async () => {
    await redis?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a unit that fails every attempt with its error, and finishes the rest', async () => {
    const sweep = await prepare('failing', { name: 'failing', base: { ...base, name: 'fails' }, grid: { value: [1, 2, 3], fail: [false, true] } }, 'failing-runs');
    const workerLines: string[] = [];
    const workers = ['a', 'b'].map((name) => startSweepWorker({ address: parseQueueUrl(redis.url), name, scratch: join(dir, `scratch-${name}`), log: (text) => workerLines.push(text) }));
    const lines: string[] = [];
    try {
      const { outcome } = await runSweepOnQueue(sweep, { address: parseQueueUrl(redis.url), attempts: 2, backoffMs: 50, pollMs: 200, log: (text) => lines.push(text) });
      expect(outcome.statuses.map((run) => run.status)).toEqual(['done', 'failed', 'done', 'failed', 'done', 'failed']);
      expect(outcome.statuses[1]?.error).toBe('toy unit fails (value 1) fails on purpose');
      // Each failing unit was tried twice (attempts), by either worker.
      expect(workerLines.filter((line) => / failed fails-/.test(line))).toHaveLength(6);
      expect(lines.join('')).toMatch(/failed fails-\w+ \(value=1 fail=true\) after 2 attempts: toy unit fails \(value 1\) fails on purpose/);
      expect(lines.at(-1)).toMatch(/^3\/6 done, 0 running, 3 failed \| a: \d done, 0 running, \d failed \| b: \d done, 0 running, \d failed\n$/);
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
    }
  });

  it('resumes when the coordinator is stopped and started again: nothing runs twice, units finished meanwhile are collected', async () => {
    const sweep = { name: 'stop', base: { ...base, name: 'stop', sleepMs: 300 }, grid: { value: [1, 2, 3] }, seeds: [0, 1] };
    const local = await prepare('stop', sweep, 'stop-local');
    await runSweepLocally(local, { parallel: 2 });
    const queued = await prepare('stop', sweep, 'stop-queue');
    const workerLines: string[] = [];
    const worker = startSweepWorker({ address: parseQueueUrl(redis.url), name: 'w', scratch: join(dir, 'scratch-stop'), log: (text) => workerLines.push(text) });
    try {
      const controller = new AbortController();
      const first: string[] = [];
      const firstRun = await runSweepOnQueue(queued, {
        address: parseQueueUrl(redis.url),
        pollMs: 100,
        signal: controller.signal,
        log: (text) => {
          first.push(text);
          if (/^\[2\/6\] done/.test(text)) controller.abort();
        },
      });
      expect(firstRun.outcome.statuses.filter((run) => run.status === 'done')).toHaveLength(2);
      expect(first.at(-1)).toMatch(/stopped: 4 units stay queued/);
      // The worker goes on while no coordinator watches; then a new coordinator collects everything.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const second: string[] = [];
      const { outcome } = await runSweepOnQueue(queued, { address: parseQueueUrl(redis.url), pollMs: 100, log: (text) => second.push(text) });
      expect(second[0]).toMatch(/6 runs, 2 already done; 4 units/);
      expect(outcome.statuses.every((run) => run.status === 'done')).toBe(true);
      const starts = workerLines.filter((line) => / start /.test(line)).map((line) => /start (\S+)/.exec(line)?.[1]);
      expect(new Set(starts).size).toBe(6);
      expect(starts).toHaveLength(6);
    } finally {
      await worker.close();
    }
    expect(treeDifferences(await readTree(join(dir, 'stop-local')), await readTree(join(dir, 'stop-queue')))).toEqual([]);
  });

  it('loses no finished unit when Redis restarts empty mid-sweep, and ends equal to the local sweep', async () => {
    const sweep = { name: 'restart', base: { ...base, name: 'restart', sleepMs: 400, bytes: 2_500_000 }, grid: { value: [1, 2, 3, 4] }, seeds: [0, 1] };
    const local = await prepare('restart', sweep, 'local-runs');
    await runSweepLocally(local, { parallel: 2 });
    const queued = await prepare('restart', sweep, 'queue-runs');
    const workerLines: string[] = [];
    const worker = startSweepWorker({ address: parseQueueUrl(redis.url), name: 'w', scratch: join(dir, 'scratch-w'), lockMs: 2000, log: (text) => workerLines.push(text) });
    const lines: string[] = [];
    let doneBeforeRestart: string[] = [];
    let startsBeforeRestart = 0;
    const restarted = new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const done = lines.filter((line) => /^\[\d+\/8\] done/.test(line));
        if (done.length < 2) return;
        clearInterval(timer);
        doneBeforeRestart = done.map((line) => /done (\S+)/.exec(line)?.[1] ?? '');
        startsBeforeRestart = workerLines.length;
        redis.kill().then(() => new Promise((wait) => setTimeout(wait, 300))).then(() => redis.restart()).then(resolve, reject);
      }, 20);
    });
    try {
      const [{ outcome }] = await Promise.all([
        runSweepOnQueue(queued, { address: parseQueueUrl(redis.url), attempts: 3, backoffMs: 100, pollMs: 200, log: (text) => lines.push(text) }),
        restarted,
      ]);
      expect(outcome.statuses.every((run) => run.status === 'done')).toBe(true);
      const startedAfter = workerLines.slice(startsBeforeRestart).filter((line) => / start /.test(line)).map((line) => /start (\S+)/.exec(line)?.[1] ?? '');
      expect(doneBeforeRestart.length).toBeGreaterThanOrEqual(2);
      expect(startedAfter.filter((id) => doneBeforeRestart.includes(id))).toEqual([]);
      expect(lines.join('')).toMatch(/re-enqueued restart-\w+: Redis no longer had it/);
    } finally {
      await worker.close();
    }
    const expected = await readTree(join(dir, 'local-runs'));
    const actual = await readTree(join(dir, 'queue-runs'));
    expect(expected.size).toBeGreaterThan(8 * 5);
    expect(treeDifferences(expected, actual)).toEqual([]);
  });
});

describe.skipIf(binary === undefined)(binary === undefined ? 'result transfer (skipped: redis-server is not installed; apt-get install redis-server)' : 'result transfer through a real redis-server', () => {
  let server: RedisServer;
  let folder: string;
  beforeAll(async () => {
    server = await RedisServer.start(binary ?? 'redis-server');
    folder = await mkdtemp(join(tmpdir(), 'sparse-transfer-'));
  });
  afterAll(async () => {
    await server?.kill();
    await rm(folder, { recursive: true, force: true });
  });

  it('moves a run directory in chunks, empty files and folders included, and refuses a missing chunk', async () => {
    const source = join(folder, 'source');
    await mkdir(join(source, 'checkpoints'), { recursive: true });
    await mkdir(join(source, 'masks'), { recursive: true });
    await writeFile(join(source, 'masks', 'big.bin'), Buffer.alloc(2_500_001, 7));
    await writeFile(join(source, 'empty.txt'), '');
    await writeFile(join(source, 'run.json'), '{"a":1}\n');
    await writeFile(join(source, 'run.lock'), 'not sent');
    const client = connectRedis(parseQueueUrl(server.url));
    try {
      const manifest = await uploadRunDirectory(client, source, 'sparse-result:test:1', 1 << 20);
      expect(manifest.folders).toEqual(['checkpoints', 'masks']);
      expect(manifest.files.map((file) => [file.path, file.chunks])).toEqual([['empty.txt', 0], ['masks/big.bin', 3], ['run.json', 1]]);
      await assembleRunDirectory(client, manifest, join(folder, 'copy'));
      const expected = await readTree(source);
      expected.delete('run.lock');
      expect(treeDifferences(expected, await readTree(join(folder, 'copy')))).toEqual([]);
      await client.del('sparse-result:test:1:2');
      await expect(assembleRunDirectory(client, manifest, join(folder, 'broken'))).rejects.toThrow(/sparse-result:test:1:2 \(of masks\/big.bin\) is gone from Redis/);
      expect((await readdir(folder)).sort()).toEqual(['copy', 'source']);
      await deleteUpload(client, manifest);
      expect(await client.exists('sparse-result:test:1:0', 'sparse-result:test:1:3')).toBe(0);
    } finally {
      client.disconnect();
    }
  });
});
