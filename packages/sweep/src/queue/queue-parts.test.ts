import { describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { parseQueueUrl } from './redis-url.js';
import { unitJobOptions } from './unit-job.js';
import { WorkerTally } from './worker-tally.js';

describe('parseQueueUrl', () => {
  it('reads host, port and database', () => {
    expect(parseQueueUrl('redis://10.0.0.5:6380/3')).toMatchObject({ host: '10.0.0.5', port: 6380, db: 3 });
    expect(parseQueueUrl('redis://localhost')).toMatchObject({ port: 6379, db: 0 });
  });

  it('refuses other schemes, paths and non-URLs with the form allowed', () => {
    for (const bad of ['http://h:1/0', 'redis://h:1/queue', 'localhost:6379']) {
      try {
        parseQueueUrl(bad);
        expect.unreachable(bad);
      } catch (error) {
        expect(isSparseError(error, 'E_ARGUMENT')).toBe(true);
        expect((error as Error).message).toMatch(/redis:\/\/HOST:PORT\/N/);
      }
    }
  });
});

describe('unit jobs', () => {
  it('use the run directory as job id, with attempts and exponential backoff, kept until collected', () => {
    expect(unitJobOptions('toy-0123456789ab', 4, 500)).toEqual({ jobId: 'toy-0123456789ab', attempts: 4, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: false, removeOnFail: false });
  });
});

describe('WorkerTally', () => {
  it('counts units done, running and failed per worker', () => {
    const tally = new WorkerTally();
    tally.finished('a', 'done');
    tally.finished('a', 'done');
    tally.finished('b', 'failed');
    expect(tally.line(new Map([['u1', 'b'], ['u2', 'c']]), { done: 2, failed: 1, total: 6 })).toBe(
      '2/6 done, 2 running, 1 failed | a: 2 done, 0 running, 0 failed | b: 0 done, 1 running, 1 failed | c: 0 done, 1 running, 0 failed',
    );
  });
});
