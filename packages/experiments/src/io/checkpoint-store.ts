import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { echoValue, SparseError } from '@sparse/core';
import type { JsonValue } from '../json.js';
import { writeFileAtomic } from './atomic-write.js';
import { checkTensorRecord, decodeTensorRecord, encodeTensorRecord, type TensorDType, type TensorRecord } from './tensor-record.js';

/**
 * What to save in a checkpoint: a JSON state (epoch, optimizer counters, RNG state…), named
 * tensors and named raw binary blobs. All parts are optional.
 *
 * @example
 * ```ts
 * import type { Snapshot } from '@sparse/experiments';
 *
 * const snapshot: Snapshot = {
 *   state: { epoch: 3 },
 *   tensors: { 'dense_1/kernel': { dtype: 'float32', shape: [2], data: new Float32Array([0.5, -1]) } },
 * };
 * ```
 */
export interface Snapshot {
  readonly state?: JsonValue;
  readonly tensors?: Readonly<Record<string, TensorRecord>>;
  readonly blobs?: Readonly<Record<string, Uint8Array>>;
}

/**
 * A saved checkpoint's description, read from its manifest without loading its data.
 *
 * @example
 * ```ts
 * import { CheckpointStore, type CheckpointInfo } from '@sparse/experiments';
 *
 * const infos: readonly CheckpointInfo[] = await new CheckpointStore('runs/demo/checkpoints').list();
 * ```
 */
export interface CheckpointInfo {
  /** The key it was saved under (`level-03/epoch-002`). */
  readonly key: string;
  /** Save order within the store: the latest checkpoint has the highest. */
  readonly seq: number;
  readonly state: JsonValue;
  /** Names of the tensors saved. */
  readonly tensorNames: readonly string[];
  /** Names of the blobs saved. */
  readonly blobNames: readonly string[];
}

/**
 * A loaded checkpoint: its info plus the tensors and blobs, checked against their SHA-256.
 *
 * @example
 * ```ts
 * import { CheckpointStore, type Checkpoint } from '@sparse/experiments';
 *
 * const latest: Checkpoint | undefined = await new CheckpointStore('runs/demo/checkpoints').latest();
 * console.log(latest?.key, latest?.tensors.get('dense_1/kernel')?.shape);
 * ```
 */
export interface Checkpoint extends CheckpointInfo {
  readonly tensors: ReadonlyMap<string, TensorRecord>;
  readonly blobs: ReadonlyMap<string, Uint8Array>;
}

interface ManifestEntry {
  readonly name: string;
  readonly kind: 'tensor' | 'blob';
  readonly dtype?: TensorDType;
  readonly shape?: readonly number[];
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

interface Manifest {
  readonly format: 'sparse-checkpoint';
  readonly version: 1;
  readonly key: string;
  readonly seq: number;
  readonly state: JsonValue;
  readonly entries: readonly ManifestEntry[];
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
const MANIFESTS = 'manifests';
const DATA = 'data';

function manifestFileName(key: string): string {
  return `${key.replaceAll('/', '~')}.json`;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || !KEY.test(key) || key.length > 200) {
    throw new SparseError('E_ARGUMENT', `Invalid checkpoint key ${echoValue(key)}: use segments of letters, digits, '.', '_' and '-' separated by '/', each starting with a letter or digit (e.g. "level-03/epoch-002").`, { field: 'key', received: key, allowed: String(KEY) });
  }
}

function isManifest(value: unknown): value is Manifest {
  const manifest = value as Partial<Manifest> | null;
  return typeof manifest === 'object' && manifest !== null && manifest.format === 'sparse-checkpoint' && manifest.version === 1 && typeof manifest.key === 'string' && typeof manifest.seq === 'number' && Array.isArray(manifest.entries);
}

function toInfo(manifest: Manifest): CheckpointInfo {
  return {
    key: manifest.key,
    seq: manifest.seq,
    state: manifest.state,
    tensorNames: manifest.entries.filter((entry) => entry.kind === 'tensor').map((entry) => entry.name),
    blobNames: manifest.entries.filter((entry) => entry.kind === 'blob').map((entry) => entry.name),
  };
}

/**
 * Named checkpoints in one folder, safe against a crash at any moment. A checkpoint's tensors
 * and blobs go to content-addressed files (`data/<sha256>.bin`, float32/int32 little-endian),
 * each written atomically; then its manifest (`manifests/<key>.json`: key, save order, state,
 * and per entry name, dtype, shape, file, size and SHA-256) is written atomically, last. A crash
 * therefore leaves the previous set of manifests intact, plus at most some unreferenced data
 * files that {@link CheckpointStore.collectGarbage} removes. Loading verifies every file's size
 * and hash. One writer per store at a time.
 *
 * @example
 * ```ts
 * import { CheckpointStore } from '@sparse/experiments';
 *
 * const store = new CheckpointStore('runs/demo/checkpoints/replicate-0');
 * await store.save('epoch-001', { state: { epoch: 1 }, tensors: { w: { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) } } });
 * const latest = await store.latest();
 * console.log(latest?.key, latest?.state); // 'epoch-001' { epoch: 1 }
 * ```
 */
export class CheckpointStore {
  /** The folder holding `manifests/` and `data/`. */
  readonly folder: string;

  constructor(folder: string) {
    this.folder = folder;
  }

  /**
   * Saves a checkpoint under `key` (replacing one with the same key, which keeps its place in
   * the save order) and returns its info. Data files first, the manifest last.
   */
  async save(key: string, snapshot: Snapshot): Promise<CheckpointInfo> {
    checkKey(key);
    const entries: ManifestEntry[] = [];
    const dataFolder = join(this.folder, DATA);
    await mkdir(dataFolder, { recursive: true });
    await mkdir(join(this.folder, MANIFESTS), { recursive: true });
    const parts: { name: string; kind: 'tensor' | 'blob'; bytes: Uint8Array; record?: TensorRecord }[] = [];
    for (const [name, record] of Object.entries(snapshot.tensors ?? {})) {
      checkTensorRecord(name, record);
      parts.push({ name, kind: 'tensor', bytes: encodeTensorRecord(record), record });
    }
    for (const [name, bytes] of Object.entries(snapshot.blobs ?? {})) {
      if (!(bytes instanceof Uint8Array)) throw new SparseError('E_ARGUMENT', `Blob "${name}" must be a Uint8Array.`, { field: `blobs.${name}`, received: typeof bytes });
      parts.push({ name, kind: 'blob', bytes });
    }
    for (const part of parts) {
      const hash = sha256(part.bytes);
      const file = `${DATA}/${hash}.bin`;
      const path = join(this.folder, file);
      const existing = await stat(path).catch(() => undefined);
      if (existing?.size !== part.bytes.byteLength) await writeFileAtomic(path, part.bytes);
      entries.push({
        name: part.name,
        kind: part.kind,
        ...(part.record === undefined ? {} : { dtype: part.record.dtype, shape: [...part.record.shape] }),
        file,
        bytes: part.bytes.byteLength,
        sha256: hash,
      });
    }
    const manifests = await this.#manifests();
    const previous = manifests.find((manifest) => manifest.key === key);
    const seq = previous?.seq ?? manifests.reduce((max, manifest) => Math.max(max, manifest.seq), 0) + 1;
    const manifest: Manifest = { format: 'sparse-checkpoint', version: 1, key, seq, state: snapshot.state ?? null, entries };
    await writeFileAtomic(join(this.folder, MANIFESTS, manifestFileName(key)), `${JSON.stringify(manifest, null, 1)}\n`);
    return toInfo(manifest);
  }

  /** Tells whether a checkpoint with this key is complete (its manifest exists). */
  async has(key: string): Promise<boolean> {
    checkKey(key);
    return (await this.#readManifest(manifestFileName(key))) !== undefined;
  }

  /** The complete checkpoints, oldest first. */
  async list(): Promise<CheckpointInfo[]> {
    return (await this.#manifests()).map(toInfo);
  }

  /** Loads the checkpoint saved under `key`; `E_NOT_FOUND` when there is none, `E_FORMAT` when a file is damaged. */
  async load(key: string): Promise<Checkpoint> {
    checkKey(key);
    const manifest = await this.#readManifest(manifestFileName(key));
    if (manifest === undefined) {
      const keys = (await this.#manifests()).map((item) => item.key);
      throw new SparseError('E_NOT_FOUND', `No checkpoint "${key}" in ${this.folder}; saved: ${keys.length === 0 ? 'none' : keys.join(', ')}.`, { field: 'key', received: key, allowed: keys });
    }
    return this.#loadManifest(manifest);
  }

  /** The complete checkpoint saved last, or `undefined` when there is none. */
  async latest(): Promise<Checkpoint | undefined> {
    const manifests = await this.#manifests();
    const last = manifests[manifests.length - 1];
    return last === undefined ? undefined : this.#loadManifest(last);
  }

  /** Deletes a checkpoint's manifest (its data goes with the next {@link CheckpointStore.collectGarbage}). */
  async remove(key: string): Promise<void> {
    checkKey(key);
    await rm(join(this.folder, MANIFESTS, manifestFileName(key)), { force: true });
  }

  /** Deletes every data file no manifest refers to; returns how many were deleted. */
  async collectGarbage(): Promise<number> {
    const used = new Set((await this.#manifests()).flatMap((manifest) => manifest.entries.map((entry) => entry.file)));
    const files = await readdir(join(this.folder, DATA)).catch(() => [] as string[]);
    let removed = 0;
    for (const file of files) {
      if (!file.endsWith('.bin') || used.has(`${DATA}/${file}`)) continue;
      await rm(join(this.folder, DATA, file), { force: true });
      removed += 1;
    }
    return removed;
  }

  /** Deletes the whole store folder. */
  async clear(): Promise<void> {
    await rm(this.folder, { recursive: true, force: true });
  }

  async #readManifest(file: string): Promise<Manifest | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.folder, MANIFESTS, file), 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw new SparseError('E_IO', `Cannot read checkpoint manifest ${file} in ${this.folder}: ${error instanceof Error ? error.message : String(error)}.`, { received: file }, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new SparseError('E_FORMAT', `Checkpoint manifest ${file} in ${this.folder} is not valid JSON; it was changed by something else.`, { received: file }, { cause: error });
    }
    if (!isManifest(parsed)) throw new SparseError('E_FORMAT', `${file} in ${this.folder} is not a checkpoint manifest (format "sparse-checkpoint", version 1).`, { received: file });
    return parsed;
  }

  async #manifests(): Promise<Manifest[]> {
    const files = await readdir(join(this.folder, MANIFESTS)).catch(() => [] as string[]);
    const manifests: Manifest[] = [];
    for (const file of files) {
      if (!file.endsWith('.json') || file.startsWith('.')) continue;
      const manifest = await this.#readManifest(file);
      if (manifest !== undefined) manifests.push(manifest);
    }
    return manifests.sort((a, b) => a.seq - b.seq || (a.key < b.key ? -1 : 1));
  }

  async #loadManifest(manifest: Manifest): Promise<Checkpoint> {
    const tensors = new Map<string, TensorRecord>();
    const blobs = new Map<string, Uint8Array>();
    for (const entry of manifest.entries) {
      const path = join(this.folder, entry.file);
      let bytes: Uint8Array;
      try {
        bytes = await readFile(path);
      } catch (error) {
        throw new SparseError('E_FORMAT', `Checkpoint "${manifest.key}" in ${this.folder}: the data of "${entry.name}" (${entry.file}) is missing.`, { field: entry.name, received: entry.file }, { cause: error });
      }
      if (bytes.byteLength !== entry.bytes || sha256(bytes) !== entry.sha256) {
        throw new SparseError('E_FORMAT', `Checkpoint "${manifest.key}" in ${this.folder}: the data of "${entry.name}" (${entry.file}) is damaged (size or SHA-256 differs from the manifest).`, { field: entry.name, received: entry.file });
      }
      if (entry.kind === 'tensor') tensors.set(entry.name, decodeTensorRecord(bytes, entry.dtype ?? 'float32', entry.shape ?? []));
      else blobs.set(entry.name, new Uint8Array(bytes));
    }
    return { ...toInfo(manifest), tensors, blobs };
  }
}
