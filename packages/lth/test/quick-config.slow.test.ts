/**
 * The shipped configs as `sparse run` runs them: the quick one end to end (2 seeds in 2 worker
 * threads, wasm, the dense-trainer engine), whose results table must be the one recorded in
 * docs/results/lth-fashion-mnist-quick.md (the same generator writes both pages), and the full one
 * through every check (not run).
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from '@sparse/backend-wasm';
import { builtInSpec, prepareExperiment, readConfigFile, runExperimentFile, type BuiltInPlugin, type ExperimentContext } from '@sparse/experiments';
import { lthPlugin, type CheckedLthExperiment } from '../src/index.js';
import { checkLthExperiment } from '../src/experiment/check-experiment.js';
import type { LthExperimentConfig } from '../src/experiment/config.js';

const quick = fileURLToPath(new URL('../../../examples/lth/lenet-fashion-mnist-quick.json', import.meta.url));
const full = fileURLToPath(new URL('../../../examples/lth/lenet-fashion-mnist-full.json', import.meta.url));
const recorded = fileURLToPath(new URL('../../../docs/results/lth-fashion-mnist-quick.md', import.meta.url));
const aliases = new URL('../../experiments/test/support/register-source-aliases.mjs', import.meta.url);
/** The full data set where the full config says it is (relative to the config's folder). */
const fullData = fileURLToPath(new URL((JSON.parse(readFileSync(full, 'utf8')) as { dataset: { dir: string } }).dataset.dir, new URL('../../../examples/lth/', import.meta.url)));

function builtIns(): BuiltInPlugin[] {
  return [
    { plugin: wasmBackend(), spec: builtInSpec('@sparse/backend-wasm', import.meta.url) },
    { plugin: lthPlugin(), spec: builtInSpec('@sparse/lth', import.meta.url) },
  ];
}

/** The "## Results" section of a results page (the table), which does not depend on where the run directory is. */
function resultsSection(markdown: string): string {
  const start = markdown.indexOf('## Results');
  expect(start, 'the page has a ## Results section').toBeGreaterThan(0);
  return markdown.slice(start).trim();
}

describe('examples/lth', () => {
  it('lenet-fashion-mnist-quick.json runs as `sparse run` runs it and gives the recorded results', async () => {
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
      expect(resultsSection(await readFile(outcome.markdownPath as string, 'utf8'))).toBe(resultsSection(await readFile(recorded, 'utf8')));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 400_000);

  it.skipIf(!existsSync(fullData))('lenet-fashion-mnist-full.json passes every check on the full data set, with the stock engine (not run)', async () => {
    const prepared = await prepareExperiment({ raw: await readConfigFile(full), source: full, cwd: process.cwd(), builtIns: builtIns() });
    const context: ExperimentContext = { runtime: prepared.runtime, plugins: prepared.plugins, configPath: full, cwd: process.cwd(), runsRoot: '/nonexistent', log: () => {} };
    await prepared.kind.check?.(prepared.config, context);
    const checked: CheckedLthExperiment = checkLthExperiment(prepared.config as unknown as LthExperimentConfig, context);
    expect(checked.datasetDir).toBe(fullData.replace(/\/$/, ''));
    expect(checked.engine).toBe('stock');
    expect(checked.plan.iterations).toBe(4 * 917);
  });
});
