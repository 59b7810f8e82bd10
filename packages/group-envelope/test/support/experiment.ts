import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { wasmBackend } from '@sparse/backend-wasm';
import { builtInSpec, type BuiltInPlugin } from '@sparse/experiments';
import { groupEnvelopePlugin } from '../../src/index.js';

/** The repository root. */
export const repository = new URL('../../../../', import.meta.url);

/** What `sparse run` loads, for these tests: the wasm backend and this family. */
export function builtIns(): BuiltInPlugin[] {
  return [
    { plugin: wasmBackend(), spec: builtInSpec('@sparse/backend-wasm', import.meta.url) },
    { plugin: groupEnvelopePlugin(), spec: builtInSpec('@sparse/group-envelope', import.meta.url) },
  ];
}

/**
 * A tiny config: 300 training, 200 validation and 200 test images of the bundled subset, an MLP
 * 784-32-16-10, 2 + 1 epochs of 6 steps, dense plus GSEF and group lasso.
 */
export function tinyConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'group-envelope',
    name: 'tiny',
    seeds: [3],
    dataset: 'bundled',
    validationSize: 200,
    trainSize: 300,
    testSize: 200,
    model: { layerSizes: [784, 32, 16, 10] },
    batchSize: 50,
    epochs: 2,
    fineTuneEpochs: 1,
    warmupEpochs: 1,
    learningRate: 0.003,
    methods: [
      { name: 'gsef', lambda: 20, targetGroupSparsity: 0.5 },
      { name: 'group-lasso', lambda: 5 },
    ],
    targetGroupSparsity: 0.5,
    recordEvery: 2,
    backend: 'cpu',
    ...overrides,
  };
}

const folders: string[] = [];

/** A fresh temporary folder, removed by {@link removeFolders}. */
export async function temporaryFolder(prefix: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

/** Removes the folders made by {@link temporaryFolder}. */
export async function removeFolders(): Promise<void> {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
}

/** Writes a config into `folder` and returns its path. */
export async function writeConfig(folder: string, config: Record<string, unknown>, name = 'config.json'): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/** Every file under `folder`, by relative path. */
export async function filesUnder(folder: string, out = new Map<string, Buffer>(), base = folder): Promise<Map<string, Buffer>> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await filesUnder(path, out, base);
    else if (entry.name !== 'timing.jsonl') out.set(relative(base, path), await readFile(path)); // timing.jsonl: wall times, never equal
  }
  return out;
}
