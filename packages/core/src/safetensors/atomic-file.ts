import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SparseError, isSparseError } from '../errors.js';

let counter = 0;

/**
 * Writes a file atomically: `write` fills a temporary file in the same folder, which is then
 * synced and renamed over `path`. When anything fails the temporary file is removed and `path`
 * is left as it was. Internal helper of the safetensors and mask writers.
 */
export async function writeFileAtomically(path: string, write: (handle: FileHandle) => Promise<void>): Promise<void> {
  counter += 1;
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${counter}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(temporary, 'wx');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code === 'ENOENT' ? `the folder ${dirname(path)} does not exist` : code === 'EACCES' ? `no permission to write in ${dirname(path)}` : error instanceof Error ? error.message : String(error);
    throw new SparseError('E_IO', `Cannot write ${path}: ${reason}.`, { field: 'path', received: path }, { cause: error });
  }
  try {
    try {
      await write(handle);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    if (isSparseError(error)) throw error;
    throw new SparseError('E_IO', `Cannot write ${path}: ${error instanceof Error ? error.message : String(error)}.`, { field: 'path', received: path }, { cause: error });
  }
}

/** Writes all of `bytes` at `position`. */
export async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) {
    const result = await handle.write(bytes, written, bytes.byteLength - written, position + written);
    written += result.bytesWritten;
  }
}
