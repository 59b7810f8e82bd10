import { link, mkdir, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { echoValue, SparseError } from '@sparse/core';
import { canonicalJson, prettyCanonicalJson } from '../hash/canonical-json.js';
import { configHash } from '../hash/config-hash.js';
import { removeTemporaryFiles, writeFileAtomic, writeJsonAtomic } from '../io/atomic-write.js';
import { CheckpointStore } from '../io/checkpoint-store.js';
import type { JsonValue } from '../json.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const HASH_LENGTH = 12;
const CONFIG_FILE = 'config.json';
const RUN_FILE = 'run.json';
const LOCK_FILE = 'run.lock';

interface RunInfo {
  readonly format: 'sparse-run';
  readonly version: 1;
  readonly name: string;
  readonly configHash: string;
}

interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
}

function checkName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new SparseError('E_CONFIG', `The experiment name ${echoValue(name)} cannot name a folder: use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit.`, { field: 'name', received: name, allowed: String(NAME) });
  }
}

/**
 * The folder name of a run: `<name>-<first 12 hex digits of the config hash>`.
 *
 * @example
 * ```ts
 * import { runDirectoryName } from '@sparse/experiments';
 *
 * runDirectoryName('lenet-lth', { seed: 1 }); // 'lenet-lth-' + 12 hex digits
 * ```
 */
export function runDirectoryName(name: string, config: unknown): string {
  checkName(name);
  return `${name}-${configHash(config).slice(0, HASH_LENGTH)}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

/**
 * Options of {@link openRunDirectory}.
 *
 * @example
 * ```ts
 * import type { OpenRunOptions } from '@sparse/experiments';
 *
 * const options: OpenRunOptions = { root: 'runs', name: 'lenet-lth', config: { seed: 1 } };
 * ```
 */
export interface OpenRunOptions {
  /** The folder that holds run directories. Created when missing. */
  readonly root: string;
  /** The experiment's name: letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  /** The validated config (plain JSON). */
  readonly config: unknown;
}

/**
 * One run's folder: `config.json` (the config, canonical and indented), `run.json` (name and
 * full config hash), and whatever the runner and the experiment write (`metrics.jsonl`,
 * `metrics/`, `units/`, `checkpoints/`, stores such as `masks/`). Opened with
 * {@link openRunDirectory} (which also locks it) or {@link attachRunDirectory} (workers, reports).
 *
 * @example
 * ```ts
 * import { openRunDirectory } from '@sparse/experiments';
 *
 * const run = await openRunDirectory({ root: 'runs', name: 'demo', config: { seed: 1 } });
 * const masks = run.store('masks/replicate-0');
 * console.log(run.path, run.resumed, run.file('metrics.jsonl'));
 * await run.close();
 * ```
 */
export class RunDirectory {
  /** Absolute path of the folder. */
  readonly path: string;
  /** The experiment's name. */
  readonly name: string;
  /** The full SHA-256 (hex) of the canonical config. */
  readonly hash: string;
  /** The config as stored in `config.json`. */
  readonly config: JsonValue;
  /** `true` when the folder already held this config (a resumed or finished run). */
  readonly resumed: boolean;
  #locked: boolean;

  /** @internal Use {@link openRunDirectory} or {@link attachRunDirectory}. */
  constructor(path: string, name: string, hash: string, config: JsonValue, resumed: boolean, locked: boolean) {
    this.path = path;
    this.name = name;
    this.hash = hash;
    this.config = config;
    this.resumed = resumed;
    this.#locked = locked;
  }

  /** The absolute path of a file or folder inside the run (`file('masks', 'level-01')`). */
  file(...segments: string[]): string {
    return join(this.path, ...segments);
  }

  /** A {@link CheckpointStore} in a sub-folder of the run (`store('masks/replicate-0')`). One writer per store. */
  store(folder: string): CheckpointStore {
    if (folder.split('/').some((part) => part === '' || part === '.' || part === '..')) {
      throw new SparseError('E_ARGUMENT', `Invalid store folder ${echoValue(folder)}: use '/'-separated names without '.', '..' or empty parts.`, { field: 'folder', received: folder });
    }
    return new CheckpointStore(this.file(...folder.split('/')));
  }

  /** Releases the lock taken by {@link openRunDirectory}; does nothing for attached directories. */
  async close(): Promise<void> {
    if (!this.#locked) return;
    this.#locked = false;
    const path = this.file(LOCK_FILE);
    const lock = (await readJson(path).catch(() => undefined)) as LockInfo | undefined;
    if (lock?.pid === process.pid) await rm(path, { force: true });
  }
}

async function acquireLock(folder: string): Promise<void> {
  const path = join(folder, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const staging = join(folder, `.${LOCK_FILE}.${process.pid}.staging.sparse-tmp`);
  await writeFileAtomic(staging, `${JSON.stringify(mine)}\n`);
  try {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await link(staging, path);
        return;
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'EEXIST') throw new SparseError('E_IO', `Cannot lock ${folder}: ${error instanceof Error ? error.message : String(error)}.`, { field: 'path', received: folder }, { cause: error });
      }
      const holder = (await readJson(path).catch(() => undefined)) as Partial<LockInfo> | undefined;
      const stale = holder === undefined || (holder.host === mine.host && typeof holder.pid === 'number' && !isAlive(holder.pid));
      if (!stale) {
        throw new SparseError('E_IO', `The run directory ${folder} is in use by process ${String(holder.pid)} on ${String(holder.host)} (since ${String(holder.started)}). Wait for it to finish, or delete ${LOCK_FILE} if that process is gone.`, { field: 'path', received: folder });
      }
      await rm(path, { force: true });
    }
    throw new SparseError('E_IO', `Cannot lock ${folder}: another process keeps taking the lock.`, { field: 'path', received: folder });
  } finally {
    await rm(staging, { force: true });
  }
}

/**
 * Opens the run directory of `config` under `root`, creating it (with `config.json` and
 * `run.json`) on the first run. Reopening it resumes: the stored config must be the same (same
 * canonical JSON), otherwise `SparseError('E_CONFIG')`. The directory is locked against a second
 * process (a lock left by a killed process on this host is taken over), and temporary files left
 * by a killed writer are removed. Close it with {@link RunDirectory.close}.
 *
 * @example
 * ```ts
 * import { openRunDirectory } from '@sparse/experiments';
 *
 * const run = await openRunDirectory({ root: 'runs', name: 'lenet-lth', config: { seed: 1, levels: 10 } });
 * try {
 *   // … run units …
 * } finally {
 *   await run.close();
 * }
 * ```
 */
export async function openRunDirectory(options: OpenRunOptions): Promise<RunDirectory> {
  const { root, name, config } = options;
  const folderName = runDirectoryName(name, config);
  const canonical = canonicalJson(config);
  const hash = configHash(config);
  const path = resolve(root, folderName);
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    throw new SparseError('E_IO', `Cannot create the run directory ${path}: ${error instanceof Error ? error.message : String(error)}.`, { field: 'root', received: root }, { cause: error });
  }
  await acquireLock(path);
  try {
    await removeTemporaryFiles(path);
    const configPath = join(path, CONFIG_FILE);
    const stored = await readJson(configPath).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw new SparseError('E_FORMAT', `${configPath} is not valid JSON; it was edited by hand or damaged.`, { field: 'config', received: configPath }, { cause: error });
    });
    if (stored !== undefined && canonicalJson(stored) !== canonical) {
      throw new SparseError('E_CONFIG', `The run directory ${path} holds a different config (hash ${configHash(stored).slice(0, HASH_LENGTH)}, expected ${hash.slice(0, HASH_LENGTH)}). Use another root or experiment name, or delete that directory.`, { field: 'config', received: configHash(stored), allowed: [hash] });
    }
    if (stored === undefined) {
      const info: RunInfo = { format: 'sparse-run', version: 1, name, configHash: hash };
      await writeJsonAtomic(join(path, RUN_FILE), info);
      await writeFileAtomic(configPath, prettyCanonicalJson(config));
    }
    return new RunDirectory(path, name, hash, JSON.parse(canonical) as JsonValue, stored !== undefined, true);
  } catch (error) {
    await rm(join(path, LOCK_FILE), { force: true });
    throw error;
  }
}

/**
 * Opens an existing run directory without locking it: for worker threads of the process that
 * holds the lock, and for readers such as reports. Checks that `config.json` matches `run.json`.
 *
 * @example
 * ```ts
 * import { attachRunDirectory } from '@sparse/experiments';
 *
 * const run = await attachRunDirectory('runs/lenet-lth-0123456789ab');
 * console.log(run.name, run.config);
 * ```
 */
export async function attachRunDirectory(path: string): Promise<RunDirectory> {
  const folder = resolve(path);
  let info: Partial<RunInfo>;
  let config: unknown;
  try {
    info = (await readJson(join(folder, RUN_FILE))) as Partial<RunInfo>;
    config = await readJson(join(folder, CONFIG_FILE));
  } catch (error) {
    throw new SparseError('E_NOT_FOUND', `${folder} is not a run directory (it needs readable ${RUN_FILE} and ${CONFIG_FILE}).`, { field: 'path', received: path }, { cause: error });
  }
  if (info.format !== 'sparse-run' || typeof info.name !== 'string' || typeof info.configHash !== 'string') {
    throw new SparseError('E_FORMAT', `${join(folder, RUN_FILE)} is not a run description (format "sparse-run").`, { field: 'path', received: path });
  }
  const hash = configHash(config);
  if (hash !== info.configHash) {
    throw new SparseError('E_FORMAT', `${join(folder, CONFIG_FILE)} does not match the hash in ${RUN_FILE} (${hash.slice(0, HASH_LENGTH)} vs ${info.configHash.slice(0, HASH_LENGTH)}); it was edited after the run started.`, { field: 'config', received: hash, allowed: [info.configHash] });
  }
  return new RunDirectory(folder, info.name, hash, JSON.parse(canonicalJson(config)) as JsonValue, true, false);
}
