import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from '@sparse/backend-wasm';
import { builtInSpec, prepareExperiment, readConfigFile, runExperimentFile, type ExperimentContext } from '@sparse/experiments';
import { deltaPlugin } from '../src/index.js';
import { tempFolder } from './support.js';

const quick = fileURLToPath(new URL('../../../examples/delta/mlp-fashion-mnist-quick.json', import.meta.url));
const full = fileURLToPath(new URL('../../../examples/delta/mlp-fashion-mnist-full.json', import.meta.url));
/** The full set where the full example config says it is. */
const fullConfig = new URL('../../../examples/delta/mlp-fashion-mnist-full.json', import.meta.url);
const fullData = fileURLToPath(new URL((JSON.parse(readFileSync(fullConfig, 'utf8')) as { dataset: { dir: string } }).dataset.dir, fullConfig));

describe('examples/delta/mlp-fashion-mnist-quick.json', () => {
  it('runs as `sparse run` runs it, on the bundled subset and the wasm backend', async () => {
    const folder = await tempFolder('sparse-delta-quick-');
    try {
      let output = '';
      const started = performance.now();
      const outcome = await runExperimentFile({
        path: quick,
        cwd: folder,
        runsRoot: 'runs',
        builtIns: [
          { plugin: wasmBackend(), spec: builtInSpec('@sparse/backend-wasm', import.meta.url) },
          { plugin: deltaPlugin(), spec: builtInSpec('@sparse/delta', import.meta.url) },
        ],
        log: (text) => void (output += text),
        progress: { write: () => true, isTTY: false },
      });
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`quick config: ${seconds.toFixed(1)} s\n`);
      expect(output).toContain(outcome.table);
      expect(outcome.table).toContain('magnitude DPP (rescale 1/(1−p))');
      expect(outcome.table).toContain('DAREx-q, analytical per-layer q (η by output change)');
      expect(outcome.markdownPath).toMatch(/results\.md$/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 180_000);

  it.skipIf(!existsSync(fullData))('mlp-fashion-mnist-full.json passes every check (not run)', async () => {
    const builtIns = [
      { plugin: wasmBackend(), spec: builtInSpec('@sparse/backend-wasm', import.meta.url) },
      { plugin: deltaPlugin(), spec: builtInSpec('@sparse/delta', import.meta.url) },
    ];
    const prepared = await prepareExperiment({ raw: await readConfigFile(full), source: full, cwd: process.cwd(), builtIns });
    const context: ExperimentContext = { runtime: prepared.runtime, plugins: prepared.plugins, configPath: full, cwd: process.cwd(), runsRoot: '/nonexistent', log: () => {} };
    await prepared.kind.check?.(prepared.config, context);
    expect(prepared.config['rates']).toEqual([0.5, 0.7, 0.9, 0.95, 0.99]);
  });
});

