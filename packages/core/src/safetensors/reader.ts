import type { FileHandle } from 'node:fs/promises';
import { nodeFileSystem } from '../io/node-builtins.js';
import { SparseError, isSparseError } from '../errors.js';
import { decodeTensorData, decodeToFloat32, type DecodedTensorData } from './codec.js';
import {
  parseSafetensorsHeader,
  readSafetensorsHeaderLength,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
} from './header.js';

/**
 * An open safetensors file: its validated header, and its tensors read one at a time from their
 * offsets (never the whole file), so memory stays bounded by the tensors being worked on. Close
 * it when done.
 *
 * @example
 * ```ts
 * import { openSafetensors } from '@sparse/core';
 *
 * const file = await openSafetensors('model.safetensors');
 * try {
 *   for (const info of file.header.tensors) {
 *     const values = await file.readFloat32(info.name);
 *     console.log(info.name, info.dtype, info.shape, values.length);
 *   }
 * } finally {
 *   await file.close();
 * }
 * ```
 */
export interface SafetensorsFile {
  /** The path the file was opened from. */
  readonly path: string;
  /** The file's size in bytes. */
  readonly byteLength: number;
  /** The validated header. */
  readonly header: SafetensorsHeader;
  /** The tensor names in data order. */
  readonly names: readonly string[];
  /** Whether a tensor of this name exists. */
  has(name: string): boolean;
  /** A tensor's header entry; `E_NOT_FOUND` naming the available tensors when absent. */
  info(name: string): SafetensorsTensorInfo;
  /** A tensor's raw little-endian bytes, exactly as stored. */
  readBytes(name: string): Promise<Uint8Array>;
  /** A tensor decoded to its natural typed array (see `decodeTensorData`). */
  read(name: string): Promise<DecodedTensorData>;
  /** A tensor decoded to float32 (see `decodeToFloat32`). */
  readFloat32(name: string): Promise<Float32Array>;
  /** Closes the file handle; reads afterwards fail. Safe to call twice. */
  close(): Promise<void>;
}

async function readExactly(handle: FileHandle, length: number, position: number, path: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(bytes, filled, length - filled, position + filled);
    if (bytesRead === 0) {
      throw new SparseError('E_FORMAT', `${path} ended after ${position + filled} bytes while reading ${length} bytes at offset ${position}; the file was truncated while open.`, {
        field: 'path',
        received: path,
      });
    }
    filled += bytesRead;
  }
  return bytes;
}

/**
 * Opens a safetensors file and validates its header (length prefix, JSON, dtypes, shapes,
 * offsets tiling the data section up to the end of the file). Reads only the header; tensors are
 * read on demand. A missing or unreadable file is `E_IO`, a malformed one `E_FORMAT`, both naming
 * the path.
 *
 * @param path - the file to open.
 *
 * @example
 * ```ts
 * import { openSafetensors } from '@sparse/core';
 *
 * const file = await openSafetensors('masks.safetensors');
 * console.log(file.names, file.header.metadata);
 * await file.close();
 * ```
 */
export async function openSafetensors(path: string): Promise<SafetensorsFile> {
  const { fs } = nodeFileSystem(`read ${path}`);
  let handle: FileHandle;
  try {
    handle = await fs.open(path, 'r');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : error instanceof Error ? error.message : String(error);
    throw new SparseError('E_IO', `Cannot open ${path}: ${reason}.`, { field: 'path', received: path }, { cause: error });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new SparseError('E_IO', `Cannot open ${path}: it is not a regular file.`, { field: 'path', received: path });
    const byteLength = stats.size;
    const prefix = await readExactly(handle, Math.min(8, byteLength), 0, path);
    const headerLength = readSafetensorsHeaderLength(prefix, byteLength, path);
    const json = await readExactly(handle, headerLength, 8, path);
    const header = parseSafetensorsHeader(json, byteLength, path);
    return createFile(path, byteLength, header, handle);
  } catch (error) {
    await handle.close();
    if (isSparseError(error)) throw error;
    throw new SparseError('E_IO', `Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}.`, { field: 'path', received: path }, { cause: error });
  }
}

function createFile(path: string, byteLength: number, header: SafetensorsHeader, handle: FileHandle): SafetensorsFile {
  const byName = new Map(header.tensors.map((tensor) => [tensor.name, tensor]));
  let closed = false;
  const file: SafetensorsFile = {
    path,
    byteLength,
    header,
    names: Object.freeze(header.tensors.map((tensor) => tensor.name)),
    has: (name) => byName.has(name),
    info(name) {
      const info = byName.get(name);
      if (info === undefined) {
        const names = [...byName.keys()];
        const shown = names.length > 20 ? `${names.slice(0, 20).join(', ')}, … (${names.length} in all)` : names.join(', ');
        throw new SparseError('E_NOT_FOUND', `${path} has no tensor '${name}'; it has: ${shown || '(none)'}.`, {
          field: 'name',
          received: name,
          allowed: names,
        });
      }
      return info;
    },
    async readBytes(name) {
      const info = file.info(name);
      if (closed) throw new SparseError('E_IO', `${path} is closed; open it again to read '${name}'.`, { field: 'path', received: path });
      return readExactly(handle, info.byteLength, header.dataStart + info.dataOffsets[0], path);
    },
    async read(name) {
      return decodeTensorData(file.info(name).dtype, await file.readBytes(name));
    },
    async readFloat32(name) {
      return decodeToFloat32(file.info(name).dtype, await file.readBytes(name));
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
  return Object.freeze(file);
}
