import { open, rename, rm, readdir, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { SparseError, isSparseError } from '@sparse/core';

let counter = 0;

/** Suffix of every temporary file this package writes; {@link removeTemporaryFiles} looks for it. */
const TEMP_SUFFIX = '.sparse-tmp';

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function ioError(path: string, error: unknown): SparseError {
  if (isSparseError(error)) return error;
  const code = (error as { code?: unknown }).code;
  const why = code === 'ENOENT' ? `the folder ${dirname(path)} does not exist` : code === 'EACCES' || code === 'EPERM' ? `no permission to write in ${dirname(path)}` : code === 'ENOSPC' ? 'the disk is full' : reason(error);
  return new SparseError('E_IO', `Cannot write ${path}: ${why}.`, { field: 'path', received: path }, { cause: error });
}

/**
 * Flushes a folder's entry table so that a rename inside it survives a power loss. Best effort:
 * some platforms (Windows) cannot open folders, which is fine there.
 *
 * @example
 * ```ts
 * import { syncDirectory } from '@sparse/experiments';
 *
 * await syncDirectory('runs/lenet-0123456789ab');
 * ```
 */
export async function syncDirectory(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // Not supported here (EISDIR, EPERM, EINVAL on some systems): the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/**
 * Options of {@link writeFileAtomic}.
 *
 * @example
 * ```ts
 * import type { AtomicWriteOptions } from '@sparse/experiments';
 *
 * const options: AtomicWriteOptions = { createFolder: true };
 * ```
 */
export interface AtomicWriteOptions {
  /** Create the parent folder (recursively) when missing. Default `false`. */
  readonly createFolder?: boolean;
  /** `fsync` the file and its folder (default `true`); turn off only for scratch data. */
  readonly durable?: boolean;
}

/**
 * Writes a whole file atomically: the bytes go to a temporary file in the same folder, which is
 * flushed (`fsync`), closed and renamed over `path`; then the folder is flushed. Readers and a crash
 * at any moment see either the old file or the new one, never a mix. On failure the temporary
 * file is removed and `SparseError('E_IO')` is thrown.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from '@sparse/experiments';
 *
 * await writeFileAtomic('runs/lenet-0123456789ab/config.json', '{"seed":1}\n');
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const folder = dirname(path);
  const durable = options.durable ?? true;
  counter += 1;
  const temporary = join(folder, `.${basename(path)}.${process.pid}-${threadId}-${counter}${TEMP_SUFFIX}`);
  try {
    if (options.createFolder === true) await mkdir(folder, { recursive: true });
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(data);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw ioError(path, error);
  }
  if (durable) await syncDirectory(folder);
}

/**
 * Writes `value` as indented JSON with a final newline, atomically (see {@link writeFileAtomic}).
 *
 * @example
 * ```ts
 * import { writeJsonAtomic } from '@sparse/experiments';
 *
 * await writeJsonAtomic('out/result.json', { accuracy: 0.98 });
 * ```
 */
export async function writeJsonAtomic(path: string, value: unknown, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

/**
 * Deletes the temporary files that {@link writeFileAtomic} leaves behind when its process is
 * killed between creating and renaming them, in `folder` and below. Only safe while no other
 * writer is active in that folder (a run directory does it when it takes its lock). Returns how
 * many files were removed.
 *
 * @example
 * ```ts
 * import { removeTemporaryFiles } from '@sparse/experiments';
 *
 * const removed = await removeTemporaryFiles('runs/lenet-0123456789ab');
 * ```
 */
export async function removeTemporaryFiles(folder: string): Promise<number> {
  let removed = 0;
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) removed += await removeTemporaryFiles(path);
    else if (entry.name.startsWith('.') && entry.name.endsWith(TEMP_SUFFIX)) {
      await rm(path, { force: true });
      removed += 1;
    }
  }
  return removed;
}
