import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Redis } from 'ioredis';
import { echoValue, SparseError } from '@sparse/core';

/**
 * Bytes per Redis value a run directory's files are cut into (1 MiB).
 *
 * @example
 * ```ts
 * import { RESULT_CHUNK_BYTES } from '@sparse/sweep';
 *
 * console.log(RESULT_CHUNK_BYTES); // 1048576
 * ```
 */
export const RESULT_CHUNK_BYTES = 1 << 20;

const WINDOW_BYTES = 4 * RESULT_CHUNK_BYTES;

/**
 * Seconds result chunks live in Redis when no coordinator collects them (7 days).
 *
 * @example
 * ```ts
 * import { RESULT_TTL_SECONDS } from '@sparse/sweep';
 *
 * console.log(RESULT_TTL_SECONDS / 86400); // 7
 * ```
 */
export const RESULT_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Where a run directory's files wait in Redis: chunk `n` of the upload is the key `${key}:${n}`;
 * files in sorted path order, each `chunks` chunks long.
 *
 * @example
 * ```ts
 * import type { ResultManifest } from '@sparse/sweep';
 *
 * const manifest: ResultManifest = { key: 'sparse-result:x:1', folders: [], files: [{ path: 'run.json', size: 80, sha256: '…', chunks: 1 }] };
 * ```
 */
export interface ResultManifest {
  readonly key: string;
  /** Every folder (sorted), so empty ones arrive too. */
  readonly folders: readonly string[];
  readonly files: readonly { readonly path: string; readonly size: number; readonly sha256: string; readonly chunks: number }[];
}

const SKIP = /(^|\/)(run\.lock|[^/]*\.sparse-tmp)$/;

async function listFiles(root: string, folders: string[]): Promise<string[]> {
  const out: string[] = [];
  async function walk(folder: string): Promise<void> {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        folders.push(relative(root, path).split(sep).join('/'));
        await walk(path);
      }
      else if (entry.isFile()) {
        const rel = relative(root, path).split(sep).join('/');
        if (!SKIP.test(rel)) out.push(rel);
      }
    }
  }
  await walk(root);
  return out.sort();
}

/**
 * Copies a run directory's files into Redis, in chunks of at most {@link RESULT_CHUNK_BYTES}, sent in
 * pipelines of at most 4 MiB
 * (memory stays at that whatever the size of masks and checkpoints), each key with a TTL.
 *
 * @example
 * ```ts
 * import { uploadRunDirectory } from '@sparse/sweep';
 * import type { Redis } from 'ioredis';
 *
 * declare const redis: Redis;
 * const manifest = await uploadRunDirectory(redis, '/tmp/runs/tiny-4e2179dd905a', 'sparse-result:tiny:1');
 * ```
 */
export async function uploadRunDirectory(redis: Redis, folder: string, key: string, chunkBytes = RESULT_CHUNK_BYTES): Promise<ResultManifest> {
  const files: ResultManifest['files'][number][] = [];
  let next = 0;
  const folders: string[] = [];
  // Chunks go in pipelines of at most WINDOW_BYTES: one round trip for many small files, and
  // memory bounded by the window whatever the size of the run directory.
  let pipeline = redis.pipeline();
  let queued = 0;
  const flush = async (): Promise<void> => {
    if (queued === 0) return;
    const results = (await pipeline.exec()) ?? [];
    const failure = results.find(([error]) => error !== null);
    if (failure !== undefined) throw failure[0] as Error;
    pipeline = redis.pipeline();
    queued = 0;
  };
  for (const path of await listFiles(folder, folders)) {
    const hash = createHash('sha256');
    let size = 0;
    let chunks = 0;
    const full = join(folder, path);
    // Most files of a run are small: one read instead of a stream.
    const small = (await stat(full)).size <= chunkBytes;
    const source: AsyncIterable<unknown> | Buffer[] = small ? [await readFile(full)].filter((buffer) => buffer.length > 0) : createReadStream(full, { highWaterMark: chunkBytes });
    for await (const chunk of source) {
      const buffer = chunk as Buffer;
      hash.update(buffer);
      size += buffer.length;
      pipeline.set(`${key}:${next}`, buffer, 'EX', RESULT_TTL_SECONDS);
      queued += buffer.length + 1;
      next += 1;
      chunks += 1;
      if (queued >= WINDOW_BYTES) await flush();
    }
    files.push({ path, size, sha256: hash.digest('hex'), chunks });
  }
  await flush();
  return { key, folders: folders.sort(), files };
}

/**
 * Writes the files of an upload into `target` (which must not exist yet) through a temporary
 * sibling folder renamed into place once every file is complete and its SHA-256 checked: a crash
 * leaves no half-assembled run directory. Reads chunks in pipelines of at most 4 MiB. An existing `target` (an
 * unfinished run) is replaced.
 *
 * @throws SparseError `E_IO` when a chunk is missing (expired or lost with Redis) or a file does
 * not match its hash.
 *
 * @example
 * ```ts
 * import { assembleRunDirectory, type ResultManifest } from '@sparse/sweep';
 * import type { Redis } from 'ioredis';
 *
 * declare const redis: Redis;
 * declare const manifest: ResultManifest;
 * await assembleRunDirectory(redis, manifest, '.runs/tiny-4e2179dd905a');
 * ```
 */
export async function assembleRunDirectory(redis: Redis, manifest: ResultManifest, target: string): Promise<void> {
  const staging = join(dirname(target), `.${target.slice(dirname(target).length + 1)}.${process.pid}.assemble.sparse-tmp`);
  await rm(staging, { recursive: true, force: true });
  const plain = (path: string): boolean => path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
  let handle: FileHandle | undefined;
  try {
    await mkdir(staging, { recursive: true });
    for (const folder of manifest.folders) {
      if (!plain(folder)) throw new SparseError('E_FORMAT', `A unit result names the folder ${echoValue(folder)}, which is not a plain relative path.`, { field: 'path', received: folder });
      await mkdir(join(staging, ...folder.split('/')), { recursive: true });
    }
    // Every chunk in upload order, fetched in pipelines of at most WINDOW_BYTES (one round trip
    // for many small files; memory bounded by the window).
    const chunks = manifest.files.flatMap((file, fileIndex) => Array.from({ length: file.chunks }, (_, index) => ({ fileIndex, bytes: Math.min(RESULT_CHUNK_BYTES, file.size - index * RESULT_CHUNK_BYTES) })));
    let next = 0;
    let fileIndex = 0;
    let written = 0;
    let hash = createHash('sha256');
    const paths: string[] = [];
    const finishFile = async (): Promise<void> => {
      const file = manifest.files[fileIndex];
      if (file === undefined) return;
      if (file.chunks !== 1) {
        handle ??= await openFile(file.path);
        await handle.close();
        handle = undefined;
      }
      const digest = hash.digest('hex');
      if (written !== file.size || digest !== file.sha256) {
        throw new SparseError('E_IO', `The result file ${file.path} arrived with ${written} bytes and SHA-256 ${digest.slice(0, 12)}, expected ${file.size} and ${file.sha256.slice(0, 12)}.`, { field: 'result', received: file.path });
      }
      fileIndex += 1;
      written = 0;
      hash = createHash('sha256');
    };
    const place = async (path: string): Promise<string> => {
      if (!plain(path)) throw new SparseError('E_FORMAT', `A unit result names the file ${echoValue(path)}, which is not a plain relative path.`, { field: 'path', received: path });
      const full = join(staging, ...path.split('/'));
      paths.push(full);
      await mkdir(dirname(full), { recursive: true });
      return full;
    };
    const openFile = async (path: string): Promise<FileHandle> => open(await place(path), 'w');
    while (next < chunks.length) {
      let bytes = 0;
      let end = next;
      while (end < chunks.length && (end === next || bytes + (chunks[end]?.bytes ?? 0) <= WINDOW_BYTES)) bytes += chunks[end++]?.bytes ?? 0;
      const pipeline = redis.pipeline();
      for (let index = next; index < end; index += 1) pipeline.getBuffer(`${manifest.key}:${index}`);
      const results = (await pipeline.exec()) ?? [];
      for (let index = next; index < end; index += 1) {
        const [error, value] = results[index - next] ?? [new Error('no reply'), null];
        if (error !== null) throw error;
        const owner = chunks[index]?.fileIndex ?? 0;
        while (fileIndex < owner) await finishFile();
        const file = manifest.files[fileIndex];
        if (value === null || file === undefined) throw new SparseError('E_IO', `The result chunk ${manifest.key}:${index} (of ${file?.path ?? '?'}) is gone from Redis (expired, or lost in a Redis restart); the unit will run again.`, { field: 'result', received: `${manifest.key}:${index}` });
        const buffer = value as Buffer;
        hash.update(buffer);
        written += buffer.length;
        if (file.chunks === 1) await writeFile(await place(file.path), buffer);
        else {
          handle ??= await openFile(file.path);
          await handle.write(buffer);
        }
      }
      next = end;
    }
    while (fileIndex < manifest.files.length) await finishFile();
    // Durable before the rename: every file synced (in parallel, so the journal batches them).
    for (let start = 0; start < paths.length; start += 32) {
      await Promise.all(paths.slice(start, start + 32).map(async (path) => {
        const file = await open(path, 'r+');
        try {
          await file.sync();
        } finally {
          await file.close();
        }
      }));
    }
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Deletes an upload's chunks from Redis (after assembly).
 *
 * @example
 * ```ts
 * import { deleteUpload, type ResultManifest } from '@sparse/sweep';
 * import type { Redis } from 'ioredis';
 *
 * declare const redis: Redis;
 * declare const manifest: ResultManifest;
 * await deleteUpload(redis, manifest);
 * ```
 */
export async function deleteUpload(redis: Redis, manifest: ResultManifest): Promise<void> {
  const total = manifest.files.reduce((sum, file) => sum + file.chunks, 0);
  for (let start = 0; start < total; start += 500) {
    const keys = Array.from({ length: Math.min(500, total - start) }, (_, index) => `${manifest.key}:${start + index}`);
    await redis.del(...keys);
  }
}
