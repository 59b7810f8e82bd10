import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, type CliIo } from '../src/index.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `sparse …` in-process in `cwd`, capturing its output. The backend defaults to cpu in tests unless env says otherwise. */
export async function run(argv: readonly string[], cwd: string, env: Record<string, string | undefined> = { SPARSE_BACKEND: 'cpu' }): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), env, cwd };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export async function tempFolder(prefix: string): Promise<{ path: string; files: () => Promise<string[]>; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `sparse-cli-${prefix}-`));
  return {
    path,
    files: async () => (await readdir(path)).sort(),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}
