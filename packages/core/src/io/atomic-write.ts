import type { FileHandle } from 'node:fs/promises';
import { SparseError, isSparseError } from '../errors.js';
import { nodeFileSystem } from './node-builtins.js';

let counter = 0;

/** Suffix of every temporary file {@link writeFileAtomic} writes; {@link removeTemporaryFiles} looks for it. */
const TEMP_SUFFIX = '.sparse-tmp';

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A path or an error message as echoed in a message: cut past 200 characters (a path given by a user may be megabytes). */
function short(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}… (${line.length} characters)` : line;
}

function ioError(fullPath: string, fullFolder: string, error: unknown, folderExists: boolean): SparseError {
  if (isSparseError(error)) return error;
  const path = short(fullPath);
  const folder = short(fullFolder);
  const code = (error as { code?: unknown }).code;
  const why =
    code === 'ENOENT'
      ? folderExists
        ? `the folder ${folder} exists but is not writable (new files cannot be created there)`
        : `the folder ${folder} does not exist`
      : code === 'EACCES' || code === 'EPERM'
        ? `no permission to write in ${folder}`
        : code === 'ENOSPC'
          ? 'the disk is full'
          : short(reason(error));
  return new SparseError('E_IO', `Cannot write ${path}: ${why}.`, { field: 'path', received: fullPath }, { cause: error });
}

/**
 * Flushes a folder's entry table so that a rename inside it survives a power loss. Best effort:
 * some platforms cannot open folders, and the rename is still atomic there.
 *
 * @example
 * ```ts
 * import { syncDirectory } from '@sparse/core';
 *
 * await syncDirectory('runs/lenet-0123456789ab');
 * ```
 */
export async function syncDirectory(folder: string): Promise<void> {
  const { fs } = nodeFileSystem(`sync ${folder}`);
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(folder, 'r');
    await handle.sync();
  } catch {
    // Not supported here (EISDIR, EPERM, EINVAL on some systems).
  } finally {
    await handle?.close();
  }
}

/**
 * Options of {@link writeFileAtomic}.
 *
 * @example
 * ```ts
 * import type { AtomicWriteOptions } from '@sparse/core';
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
 * What {@link writeFileAtomic} writes: the whole content, or a function that fills the open
 * temporary file itself (for streaming large files tensor by tensor with {@link writeAll}).
 *
 * @example
 * ```ts
 * import type { AtomicContent } from '@sparse/core';
 *
 * const content: AtomicContent = '{"seed":1}\n';
 * ```
 */
export type AtomicContent = string | Uint8Array | ((handle: FileHandle) => Promise<void>);

/**
 * Writes a file atomically: the content goes to a temporary file in the same folder, which is
 * flushed, closed and renamed over `path`; then the folder is flushed. Readers, and a crash at any
 * moment, see either the old file or the new one, never a mix. On failure the temporary file is
 * removed, `path` is left as it was, and a `SparseError('E_IO')` says why.
 *
 * @example
 * ```ts
 * import { writeFileAtomic, writeAll } from '@sparse/core';
 *
 * await writeFileAtomic('out/config.json', '{"seed":1}\n', { createFolder: true });
 * await writeFileAtomic('out/data.bin', async (handle) => {
 *   await writeAll(handle, new Uint8Array([1, 2, 3]), 0);
 * });
 * ```
 */
export async function writeFileAtomic(path: string, content: AtomicContent, options: AtomicWriteOptions = {}): Promise<void> {
  const { fs, path: paths, threadId } = nodeFileSystem(`write ${path}`);
  const folder = paths.dirname(path);
  const durable = options.durable ?? true;
  counter += 1;
  const temporary = paths.join(folder, `.${paths.basename(path)}.${process.pid}-${threadId}-${counter}${TEMP_SUFFIX}`);
  try {
    if (options.createFolder === true) await fs.mkdir(folder, { recursive: true });
    const handle = await fs.open(temporary, 'wx');
    try {
      if (typeof content === 'function') await content(handle);
      else await handle.writeFile(content);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    // ENOENT from creating a file in a folder that exists: /proc, a read-only pseudo file system.
    const folderExists = await fs.stat(folder).then((info) => info.isDirectory(), () => false);
    throw ioError(path, folder, error, folderExists);
  }
  if (durable) await syncDirectory(folder);
}

/**
 * Writes `value` as indented JSON with a final newline, atomically (see {@link writeFileAtomic}).
 *
 * @example
 * ```ts
 * import { writeJsonAtomic } from '@sparse/core';
 *
 * await writeJsonAtomic('out/result.json', { accuracy: 0.98 });
 * ```
 */
export async function writeJsonAtomic(path: string, value: unknown, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

/**
 * Writes all of `bytes` into an open file at `position`, looping over short writes.
 *
 * @example
 * ```ts
 * import { writeAll, writeFileAtomic } from '@sparse/core';
 *
 * await writeFileAtomic('out/two-parts.bin', async (handle) => {
 *   await writeAll(handle, new Uint8Array([1, 2]), 0);
 *   await writeAll(handle, new Uint8Array([3, 4]), 2);
 * });
 * ```
 */
export async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) {
    const result = await handle.write(bytes, written, bytes.byteLength - written, position + written);
    written += result.bytesWritten;
  }
}

/**
 * Deletes the temporary files {@link writeFileAtomic} leaves behind when its process is killed
 * between creating and renaming them, in `folder` and below. Only safe while no other writer is
 * active there. Returns how many files were removed.
 *
 * @example
 * ```ts
 * import { removeTemporaryFiles } from '@sparse/core';
 *
 * const removed = await removeTemporaryFiles('runs/lenet-0123456789ab');
 * ```
 */
export async function removeTemporaryFiles(folder: string): Promise<number> {
  const { fs, path: paths } = nodeFileSystem(`clean ${folder}`);
  let removed = 0;
  let entries;
  try {
    entries = await fs.readdir(folder, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = paths.join(folder, entry.name);
    if (entry.isDirectory()) removed += await removeTemporaryFiles(path);
    else if (entry.name.startsWith('.') && entry.name.endsWith(TEMP_SUFFIX)) {
      await fs.rm(path, { force: true });
      removed += 1;
    }
  }
  return removed;
}
