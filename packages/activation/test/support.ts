import { wasmBackend } from '@sparse/backend-wasm';
import { builtInSpec, type BuiltInPlugin } from '@sparse/experiments';
import { activationPlugin } from '../src/index.js';

/** The repository root. */
export const repo = new URL('../../../', import.meta.url);

/** Loads the TypeScript sources of the workspace packages in worker threads. */
export const preload = [new URL('packages/experiments/test/support/register-source-aliases.mjs', repo)];

/** The plugins `sparse run` would build in for these tests: the wasm backend and the activation family. */
export function builtIns(): BuiltInPlugin[] {
  return [
    { plugin: wasmBackend(), spec: builtInSpec('@sparse/backend-wasm', import.meta.url) },
    { plugin: activationPlugin(), spec: builtInSpec('@sparse/activation', import.meta.url) },
  ];
}

/** A tiny activation config on the bundled subset: three small models, every unit type, a few seconds of work. */
export function tinyConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'activation',
    name: 'tiny',
    seeds: [3],
    validationExamples: 100,
    dataset: 'bundled',
    trainExamples: 300,
    testExamples: 200,
    batchSize: 50,
    calibration: { examples: 100, batchSize: 50 },
    targets: [0.5, 0.8],
    probeExamples: 100,
    workers: 1,
    models: [
      {
        id: 'mlp',
        model: { name: 'gated-mlp', dModel: 16, hidden: 32, blocks: 2 },
        epochs: 3,
        learningRate: 0.003,
        sparsifiers: ['cats', { name: 'cats', quantile: 'histogram' }, 'chess'],
        reluSwap: true,
        fineTune: { sparsifier: 'cats', targets: [0.8], epochs: 2, learningRates: [0.001] },
      },
      { id: 'vit', model: { name: 'vit', dModel: 8, heads: 2, layers: 1, hidden: 16 }, epochs: 1, learningRate: 0.003, sparsifiers: [{ name: 'cats', sites: 'mlp' }, 'chess-plus'] },
      { id: 'relu', model: { name: 'relu-mlp', hidden: [32] }, epochs: 2, learningRate: 0.003, trackNonzero: true, sparsifiers: [{ name: 'top-k', k: [8] }] },
    ],
    ...overrides,
  };
}

/** Every file under a folder, by relative path. */
export async function filesUnder(folder: string, out = new Map<string, Buffer>(), base = folder): Promise<Map<string, Buffer>> {
  const { readdir, readFile } = await import('node:fs/promises');
  const { join, relative } = await import('node:path');
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await filesUnder(path, out, base);
    else if (entry.name !== 'timing.jsonl') out.set(relative(base, path), await readFile(path)); // timing.jsonl: wall times, never equal
  }
  return out;
}

/** The files a resumed run must reproduce byte for byte (everything but checkpoints, locks and temporaries). */
export const RESULT_FILES = /^(config\.json|run\.json|metrics\.jsonl|results\.json|results\.jsonl|summary\.json|results\.md|report\.html|activation-.*\.svg|metrics\/.*|units\/.*|thresholds\/.*|models\/.*)$/;
