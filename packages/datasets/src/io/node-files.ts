import { SparseError, writeFileAtomic as writeCoreFileAtomic } from '@sparse/core';

/** Reads a whole file (path or file: URL) in Node, as a SparseError E_IO when it cannot. */
export async function readFileBytes(path: string | URL): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  try {
    const buffer = await fs.readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = code === 'ENOENT' ? 'it does not exist' : String((error as Error).message);
    throw new SparseError('E_IO', `Cannot read ${String(path)}: ${reason}.`, { received: String(path) }, { cause: error });
  }
}

/** Whether a file exists (Node). */
export async function fileExists(path: string | URL): Promise<boolean> {
  const fs = await import('node:fs/promises');
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a file atomically in Node, creating its folder: `writeFileAtomic` of `@sparse/core`.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await writeCoreFileAtomic(path, bytes, { createFolder: true });
}
