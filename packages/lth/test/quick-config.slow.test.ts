/**
 * The shipped configs as `sparse run` runs them: the quick one end to end (3 seeds in 2 worker
 * threads, wasm, the dense-trainer engine), whose raw results (results.jsonl) must be the ones
 * committed in docs/results/data/lth/lenet-fashion-mnist-quick.jsonl (the quick page is rendered
 * from them), in a run directory of the same name (config hash); and the full one through every
 * check (not run), on the engine its committed raw results name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from '@sparse/backend-wasm';
import { builtInSpec, prepareExperiment, readConfigFile, runDirectoryName, runExperimentFile, type BuiltInPlugin, type ExperimentContext } from '@sparse/experiments';
import { lthPlugin, type CheckedLthExperiment } from '../src/index.js';
import { checkLthExperiment } from '../src/experiment/check-experiment.js';
import type { LthExperimentConfig } from '../src/experiment/config.js';

const quick = fileURLToPath(new URL('../../../examples/lth/lenet-fashion-mnist-quick.json', import.meta.url));
const full = fileURLToPath(new URL('../../../examples/lth/lenet-fashion-mnist-full.json', import.meta.url));
const recorded = fileURLToPath(new URL('../../../docs/results/data/lth/lenet-fashion-mnist-quick', import.meta.url));
const recordedFull = fileURLToPath(new URL('../../../docs/results/data/lth/lenet-fashion-mnist-full.provenance.json', import.meta.url));
const aliases = new URL('../../experiments/test/support/register-source-aliases.mjs', import.meta.url);
/** The full data set where the full config says it is (relative to the config's folder). */
const fullData = fileURLToPath(new URL((JSON.parse(readFileSync(full, 'utf8')) as { dataset: { dir: string } }).dataset.dir, new URL('../../../examples/lth/', import.meta.url)));

function builtIns(): BuiltInPlugin[] {
  return [
    { plugin: wasmBackend(), spec: builtInSpec('@sparse/backend-wasm', import.meta.url) },
    { plugin: lthPlugin(), spec: builtInSpec('@sparse/lth', import.meta.url) },
  ];
}


describe('examples/lth', () => {
  it('lenet-fashion-mnist-quick.json runs as `sparse run` runs it and gives the committed raw results', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'lth-quick-'));
    try {
      let output = '';
      const started = performance.now();
      const outcome = await runExperimentFile({
        path: quick,
        cwd: folder,
        runsRoot: 'runs',
        builtIns: builtIns(),
        preload: [aliases],
        log: (text) => void (output += text),
        progress: { write: () => true, isTTY: false },
      });
      process.stdout.write(`quick config: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      expect(output).toContain('engine dense-trainer');
      expect(output).toContain(outcome.table);
      expect(outcome.markdownPath).toBe(join(outcome.runPath, 'results.md'));
      expect(await readFile(join(outcome.runPath, 'results.jsonl'), 'utf8')).toBe(await readFile(`${recorded}.jsonl`, 'utf8'));
      const provenance = JSON.parse(await readFile(`${recorded}.provenance.json`, 'utf8')) as { runDirectory: string };
      expect(basename(outcome.runPath)).toBe(provenance.runDirectory);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 400_000);

  it.skipIf(!existsSync(fullData))('lenet-fashion-mnist-full.json passes every check on the full data set, on the dense-trainer engine, and opens the committed run directory (not run)', async () => {
    const prepared = await prepareExperiment({ raw: await readConfigFile(full), source: full, cwd: process.cwd(), builtIns: builtIns() });
    const context: ExperimentContext = { runtime: prepared.runtime, plugins: prepared.plugins, configPath: full, cwd: process.cwd(), runsRoot: '/nonexistent', log: () => {} };
    await prepared.kind.check?.(prepared.config, context);
    const checked: CheckedLthExperiment = checkLthExperiment(prepared.config as unknown as LthExperimentConfig, context);
    expect(checked.datasetDir).toBe(fullData.replace(/\/$/, ''));
    expect(checked.engine).toBe('dense-trainer');
    // the run directory `sparse run` opens for the committed config is the one the committed raw results came from
    expect(runDirectoryName(prepared.config['name'] as string, prepared.config)).toBe((JSON.parse(await readFile(recordedFull, 'utf8')) as { runDirectory: string }).runDirectory);
    expect(checked.plan.iterations).toBe(4 * 917);
  });
});
