import { open, type FileHandle } from 'node:fs/promises';
import { SparseError, isSparseError, parseSafetensorsHeader, readSafetensorsHeaderLength, type SafetensorsHeader } from '@sparse/core';

/** A safetensors file opened for range reads: its handle and validated header (internal). */
export interface RawSafetensors {
  readonly path: string;
  readonly handle: FileHandle;
  readonly header: SafetensorsHeader;
  readonly byteLength: number;
}

/**
 * Reads exactly `length` bytes at `position` into `target`; a file that ends first (truncated
 * while open) is an `E_FORMAT` error naming it (internal).
 */
export async function readExactly(handle: FileHandle, target: Uint8Array, length: number, position: number, path: string): Promise<void> {
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(target, filled, length - filled, position + filled);
    if (bytesRead === 0) {
      throw new SparseError('E_FORMAT', `${path} ended after ${position + filled} bytes while reading ${length} bytes at offset ${position}: the file was truncated.`, {
        field: 'path',
        received: path,
      });
    }
    filled += bytesRead;
  }
}

/**
 * Opens a safetensors file and validates its header with `@sparse/core`'s parser (truncated
 * files, bad offsets and unknown dtypes are `E_FORMAT`; a missing file is `E_IO`), keeping the
 * handle for range reads (internal).
 */
export async function openRawSafetensors(path: string, label: string): Promise<RawSafetensors> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : error instanceof Error ? error.message : String(error);
    throw new SparseError('E_IO', `Cannot open the ${label} checkpoint ${path}: ${reason}.`, { field: label, received: path }, { cause: error });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new SparseError('E_IO', `Cannot open the ${label} checkpoint ${path}: it is not a regular file.`, { field: label, received: path });
    const byteLength = stats.size;
    const prefix = new Uint8Array(Math.min(8, byteLength));
    await readExactly(handle, prefix, prefix.byteLength, 0, path);
    const headerLength = readSafetensorsHeaderLength(prefix, byteLength, path);
    const json = new Uint8Array(headerLength);
    await readExactly(handle, json, headerLength, 8, path);
    const header = parseSafetensorsHeader(json, byteLength, path);
    return { path, handle, header, byteLength };
  } catch (error) {
    await handle.close();
    if (isSparseError(error)) throw error;
    throw new SparseError('E_IO', `Cannot read the ${label} checkpoint ${path}: ${error instanceof Error ? error.message : String(error)}.`, { field: label, received: path }, { cause: error });
  }
}
