import { SparseError } from '@sparse/core';

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
 * Writes a file atomically in Node: the bytes go to a temporary file in the same folder, which is
 * then renamed over the target, so readers never see a half-written file. The folder is created.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const fs = await import('node:fs/promises');
  const { dirname, basename, join } = await import('node:path');
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${crypto.randomUUID()}.tmp`);
  try {
    await fs.mkdir(folder, { recursive: true });
    await fs.writeFile(temporary, bytes);
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw new SparseError('E_IO', `Cannot write ${path}: ${(error as Error).message}.`, { received: path }, { cause: error });
  }
}
