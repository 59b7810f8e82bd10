import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** Node hooks that load `@sparse/<pkg>` (and packages/<pkg>/dist/*.js) from the TypeScript sources. */
const SOURCE_ALIASES = new URL('../../experiments/test/support/register-source-aliases.mjs', import.meta.url).href;
const BIN_SOURCE = fileURLToPath(new URL('../src/bin.ts', import.meta.url));

/**
 * Runs `sparse …` as a child process in `cwd`, from the TypeScript sources (no build needed):
 * `node --import tsx --import register-source-aliases.mjs packages/cli/src/bin.ts …`. The backend
 * defaults to cpu unless `env` says otherwise; the rest of the environment is this process's.
 */
export function spawnSparse(argv: readonly string[], cwd: string, env: Record<string, string> = { SPARSE_BACKEND: 'cpu' }, timeoutMs = 180_000): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, '--import', SOURCE_ALIASES, BIN_SOURCE, ...argv], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === null ? -1 : 128), stdout, stderr }));
  });
}

/** One scorer's entry in `sparse prune --help`, its wrapped lines joined: from its name to the next name or a blank line. */
export function scorerHelpEntry(help: string, name: string): string | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\n {2}${escaped} +((?:(?!\\n(?: {2}\\S|\\n))[\\s\\S])*)`).exec(help)?.[1]?.replace(/\s+/g, ' ');
}
