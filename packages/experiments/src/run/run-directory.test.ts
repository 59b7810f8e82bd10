import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { configHash } from '../hash/config-hash.js';
import { attachRunDirectory, openRunDirectory, runDirectoryName } from './run-directory.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sparse-run-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('run directories', () => {
  it('are named by the experiment and the config hash, whatever the key order', () => {
    expect(runDirectoryName('lenet', { b: 1, a: 2 })).toBe(`lenet-${configHash({ a: 2, b: 1 }).slice(0, 12)}`);
    expect(runDirectoryName('lenet', { a: 2, b: 1 })).toBe(runDirectoryName('lenet', { b: 1, a: 2 }));
    expect(() => runDirectoryName('../x', {})).toThrow(/cannot name a folder/);
  });

  it('hold the canonical config and resume when reopened with the same config', async () => {
    const first = await openRunDirectory({ root, name: 'demo', config: { seed: 1, lr: 0.1 } });
    expect(first.resumed).toBe(false);
    expect(first.path).toBe(join(root, runDirectoryName('demo', { seed: 1, lr: 0.1 })));
    expect(await readFile(first.file('config.json'), 'utf8')).toBe('{\n  "lr": 0.1,\n  "seed": 1\n}\n');
    await first.close();
    const again = await openRunDirectory({ root, name: 'demo', config: { lr: 0.1, seed: 1 } });
    expect(again.resumed).toBe(true);
    expect(again.config).toEqual({ lr: 0.1, seed: 1 });
    await again.close();
    expect((await readdir(again.path)).sort()).toEqual(['config.json', 'run.json']);
  });

  it('refuse a directory that holds a different config', async () => {
    const run = await openRunDirectory({ root, name: 'demo', config: { seed: 1 } });
    await run.close();
    await writeFile(run.file('config.json'), '{"seed": 2}\n');
    const error = await rejection(openRunDirectory({ root, name: 'demo', config: { seed: 1 } }));
    expect(isSparseError(error, 'E_CONFIG')).toBe(true);
    expect((error as Error).message).toContain('holds a different config');
    expect(await readdir(run.path)).not.toContain('run.lock');
  });

  it('are locked against a second opener, and take over a lock left by a dead process', async () => {
    const run = await openRunDirectory({ root, name: 'demo', config: { seed: 1 } });
    const busy = await rejection(openRunDirectory({ root, name: 'demo', config: { seed: 1 } }));
    expect(isSparseError(busy, 'E_IO')).toBe(true);
    expect((busy as Error).message).toContain(`in use by process ${process.pid}`);
    await run.close();
    // A lock whose process is gone (no pid can be this large on Linux or macOS).
    await writeFile(run.file('run.lock'), JSON.stringify({ pid: 2 ** 30, host: hostname(), started: 'then' }));
    await writeFile(run.file('.metrics.jsonl.1-0-1.sparse-tmp'), 'half');
    const taken = await openRunDirectory({ root, name: 'demo', config: { seed: 1 } });
    expect(JSON.parse(await readFile(taken.file('run.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    expect(await readdir(taken.path)).not.toContain('.metrics.jsonl.1-0-1.sparse-tmp');
    await taken.close();
    expect(await readdir(taken.path)).not.toContain('run.lock');
  });

  it('can be attached without a lock, and check the stored config', async () => {
    const run = await openRunDirectory({ root, name: 'demo', config: { seed: 3 } });
    const attached = await attachRunDirectory(run.path);
    expect([attached.name, attached.hash, attached.config]).toEqual(['demo', run.hash, { seed: 3 }]);
    expect(attached.store('masks/replicate-0').folder).toBe(join(run.path, 'masks', 'replicate-0'));
    expect(() => attached.store('../x')).toThrow(/Invalid store folder/);
    await run.close();
    await writeFile(run.file('config.json'), '{"seed": 4}');
    expect(isSparseError(await rejection(attachRunDirectory(run.path)), 'E_FORMAT')).toBe(true);
    expect(isSparseError(await rejection(attachRunDirectory(root)), 'E_NOT_FOUND')).toBe(true);
  });
});
