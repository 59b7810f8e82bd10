import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSparseError } from '@sparse/core';
import { CheckpointStore } from './checkpoint-store.js';
import type { TensorRecord } from './tensor-record.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sparse-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const f32 = (...values: number[]): TensorRecord => ({ dtype: 'float32', shape: [values.length], data: new Float32Array(values) });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('CheckpointStore', () => {
  it('round-trips state, tensors (float32, int32) and blobs', async () => {
    const store = new CheckpointStore(dir);
    const info = await store.save('level-01/epoch-002', {
      state: { epoch: 2, rng: [1, 2] },
      tensors: { 'dense_1/kernel': { dtype: 'float32', shape: [2, 2], data: new Float32Array([1.5, -0, Number.NaN, 3e-39]) }, counts: { dtype: 'int32', shape: [3], data: new Int32Array([-1, 0, 2 ** 31 - 1]) } },
      blobs: { raw: new Uint8Array([0, 255, 7]) },
    });
    expect(info).toEqual({ key: 'level-01/epoch-002', seq: 1, state: { epoch: 2, rng: [1, 2] }, tensorNames: ['dense_1/kernel', 'counts'], blobNames: ['raw'] });
    const loaded = await store.load('level-01/epoch-002');
    const kernel = loaded.tensors.get('dense_1/kernel');
    expect(kernel?.shape).toEqual([2, 2]);
    expect(Array.from(new Uint8Array(kernel?.data.buffer ?? new ArrayBuffer(0)))).toEqual(Array.from(new Uint8Array(new Float32Array([1.5, -0, Number.NaN, 3e-39]).buffer)));
    expect(loaded.tensors.get('counts')?.data).toEqual(new Int32Array([-1, 0, 2 ** 31 - 1]));
    expect(loaded.blobs.get('raw')).toEqual(new Uint8Array([0, 255, 7]));
  });

  it('stores data as little-endian float32 in content-addressed files', async () => {
    const store = new CheckpointStore(dir);
    await store.save('a', { tensors: { one: f32(1) } });
    const [file] = await readdir(join(dir, 'data'));
    expect(Array.from(await readFile(join(dir, 'data', file ?? '')))).toEqual([0, 0, 128, 63]);
  });

  it('finds the latest complete checkpoint; re-saving a key keeps its place', async () => {
    const store = new CheckpointStore(dir);
    expect(await store.latest()).toBeUndefined();
    await store.save('epoch-1', { state: 1 });
    await store.save('epoch-2', { state: 2 });
    expect((await store.latest())?.key).toBe('epoch-2');
    await store.save('epoch-1', { state: 1 });
    expect((await store.list()).map((info) => [info.key, info.seq])).toEqual([
      ['epoch-1', 1],
      ['epoch-2', 2],
    ]);
    await store.save('epoch-3', { state: 3 });
    expect((await store.latest())?.state).toBe(3);
    expect(await store.has('epoch-3')).toBe(true);
  });

  it('ignores a checkpoint whose manifest was never written (crash after the data)', async () => {
    const store = new CheckpointStore(dir);
    await store.save('epoch-1', { tensors: { w: f32(1, 2) } });
    await store.save('epoch-2', { tensors: { w: f32(3, 4) } });
    // Simulate a crash of the third save after its data files but before its manifest.
    await store.save('epoch-3', { tensors: { w: f32(5, 6) } });
    await rm(join(dir, 'manifests', 'epoch-3.json'));
    const latest = await store.latest();
    expect(latest?.key).toBe('epoch-2');
    expect(Array.from(latest?.tensors.get('w')?.data ?? [])).toEqual([3, 4]);
    expect(await store.collectGarbage()).toBe(1);
    await store.remove('epoch-1');
    expect(await store.collectGarbage()).toBe(1);
    expect((await store.list()).map((info) => info.key)).toEqual(['epoch-2']);
  });

  it('detects damaged or missing data', async () => {
    const store = new CheckpointStore(dir);
    await store.save('a', { tensors: { w: f32(1, 2, 3) } });
    const [file] = await readdir(join(dir, 'data'));
    const path = join(dir, 'data', file ?? '');
    await writeFile(path, new Uint8Array(12));
    const damaged = await rejection(store.load('a'));
    expect(isSparseError(damaged, 'E_FORMAT')).toBe(true);
    expect((damaged as Error).message).toContain('damaged');
    await rm(path);
    expect(isSparseError(await rejection(store.latest()), 'E_FORMAT')).toBe(true);
  });

  it('validates keys and tensors, and says which checkpoints exist', async () => {
    const store = new CheckpointStore(dir);
    await store.save('ok', {});
    for (const key of ['', '../x', 'a//b', '/a', 'a b']) expect(isSparseError(await rejection(store.save(key, {})), 'E_ARGUMENT')).toBe(true);
    const shape = await rejection(store.save('bad', { tensors: { w: { dtype: 'float32', shape: [2, 2], data: new Float32Array(3) } } }));
    expect((shape as Error).message).toContain('shape [2, 2] has 4 elements but the data holds 3');
    const missing = await rejection(store.load('nope'));
    expect(isSparseError(missing, 'E_NOT_FOUND')).toBe(true);
    expect((missing as Error).message).toContain('saved: ok');
  });
});
